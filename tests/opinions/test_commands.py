"""`secondopinion packet build` and `secondopinion packet verify`."""

import shutil
import subprocess
import sys
import zipfile

import pytest
from django.core.management import CommandError, call_command

from secondopinion.opinions.services import packet_build
from tests.opinions.factories import tiny_pdf, vault_item
from tests.providers.factories import make_service


@pytest.fixture
def built(tmp_path, case, monkeypatch):
    items = [vault_item(tmp_path / "vault", "Biopsy report.pdf", tiny_pdf("Biopsy"))]
    monkeypatch.setattr(packet_build, "vault_items", lambda case: items)
    service = make_service(case, doctor_name="Ada Moreau")
    out = tmp_path / "packet.zip"
    call_command(
        "packet",
        "build",
        "--case",
        str(case.public_id),
        "--service",
        str(service.public_id),
        "--out",
        str(out),
    )
    return out


def test_it_builds_a_packet_that_verifies(built, capsys):
    call_command("packet", "verify", str(built))
    assert "OK: all 4 listed files" in capsys.readouterr().out


@pytest.mark.skipif(not shutil.which("sha256sum"), reason="needs GNU sha256sum")
def test_it_builds_a_packet_that_sha256sum_accepts(built, tmp_path):
    with zipfile.ZipFile(built) as zf:
        zf.extractall(tmp_path / "unpacked")
    result = subprocess.run(
        ["sha256sum", "-c", "SHA256SUMS"], cwd=tmp_path / "unpacked", capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout


def test_it_fails_naming_the_file_after_one_byte_changes(built, capsys):
    target = "documents/03 Pathology reports/Biopsy report.pdf"
    with zipfile.ZipFile(built) as zf:
        info = zf.getinfo(target)
    raw = bytearray(built.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    raw[start + 10] ^= 0xFF
    built.write_bytes(bytes(raw))
    with pytest.raises(CommandError):
        call_command("packet", "verify", str(built))
    assert f"BAD {target}" in capsys.readouterr().err


@pytest.mark.system  # the CLI as a process
def test_it_exits_non_zero_from_the_console(built, tmp_path):
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("SHA256SUMS", "0" * 64 + "  missing.pdf\n")
    result = subprocess.run(
        [sys.executable, "-m", "secondopinion", "packet", "verify", str(bad)],
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "missing.pdf" in result.stderr


def test_it_refuses_an_unknown_case(tmp_path):
    with pytest.raises(CommandError):
        call_command(
            "packet",
            "build",
            "--case",
            "nope",
            "--service",
            "nope",
            "--out",
            str(tmp_path / "x.zip"),
        )
