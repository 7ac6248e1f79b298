"""The packet writer and checker: layout, streaming copy with digest check, SHA256SUMS."""

import hashlib
import json
import shutil
import subprocess
import unicodedata
import zipfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from secondopinion.opinions.packet import (
    MANIFEST_NAME,
    SUMS_NAME,
    DigestMismatch,
    GeneratedFile,
    SourceFile,
    packet_layout,
    packet_verify,
    packet_write,
    safe_name,
    sums_line,
    sums_parse,
)


def vault_file(folder: Path, name: str, data: bytes, **kw) -> SourceFile:
    path = folder / name
    path.write_bytes(data)
    kw.setdefault("kind", "pathology_report")
    kw.setdefault("title", Path(name).stem)
    return SourceFile(source=path, size=len(data), sha256=hashlib.sha256(data).hexdigest(), **kw)


@pytest.fixture
def files(tmp_path: Path) -> list[SourceFile]:
    vault = tmp_path / "vault"
    vault.mkdir()
    return [
        vault_file(
            vault,
            "a.pdf",
            b"%PDF-1.4 biopsy" * 50,
            title="Biopsy report",
            date=date(2026, 3, 1),
            origin="City Lab",
        ),
        vault_file(
            vault, "b.pdf", b"%PDF-1.4 second" * 60, title="Biopsy report", date=date(2026, 3, 1)
        ),
        vault_file(
            vault, "c.pdf", b"%PDF-1.4 ct" * 70, kind="imaging_report", title="CT chest: report"
        ),
        vault_file(
            vault,
            "1.dcm",
            b"DICM" * 300,
            kind="imaging",
            title="IM0001.dcm",
            study="2026-03-02 CT chest",
            series="Series 2",
        ),
        vault_file(
            vault,
            "2.dcm",
            b"DICM" * 301,
            kind="imaging",
            title="IM0002.dcm",
            study="2026-03-02 CT chest",
            series="Series 2",
        ),
    ]


def build(tmp_path: Path, files: list[SourceFile], **kw) -> Path:
    generated = [
        GeneratedFile("00 Cover letter.pdf", b"%PDF cover", "cover_letter", "Cover letter")
    ]
    return packet_write(
        out=tmp_path / "out" / "packet.zip", files=files, generated=generated, **kw
    ).path


def test_it_lays_documents_out_by_type_with_readable_unique_names(files):
    names = [e.arcname for e in packet_layout(files)]
    assert names == [
        "documents/03 Pathology reports/2026-03-01 Biopsy report.pdf",
        "documents/03 Pathology reports/2026-03-01 Biopsy report (2).pdf",
        "documents/04 Imaging reports/CT chest report.pdf",
        "imaging/2026-03-02 CT chest/Series 2/IM0001.dcm",
        "imaging/2026-03-02 CT chest/Series 2/IM0002.dcm",
    ]


def test_it_makes_names_safe_on_every_system():
    assert safe_name("../../etc/passwd") == "etc passwd"
    assert safe_name("CON") == "file CON"
    assert safe_name("") == "file"
    assert safe_name("Zoë: scan <1>?") == "Zoë scan 1"
    assert len(safe_name("x" * 500)) <= 80


def test_it_writes_a_packet_that_verifies(tmp_path, files):
    path = build(tmp_path, files)
    report = packet_verify(path)
    assert report.ok, report.problems
    assert report.checked == len(files) + 2  # documents, cover letter, manifest
    with zipfile.ZipFile(path) as zf:
        assert {SUMS_NAME, MANIFEST_NAME, "00 Cover letter.pdf"} <= set(zf.namelist())
        assert all(i.compress_type == zipfile.ZIP_STORED for i in zf.infolist())
    assert not list((tmp_path / "out").glob("*.part"))


def test_it_lists_every_file_in_the_manifest_with_digest_from_the_vault(tmp_path, files):
    path = build(tmp_path, files)
    with zipfile.ZipFile(path) as zf:
        manifest = json.loads(zf.read(MANIFEST_NAME))
    by_path = {f["path"]: f for f in manifest["files"]}
    first = by_path["documents/03 Pathology reports/2026-03-01 Biopsy report.pdf"]
    assert first["sha256"] == files[0].sha256
    assert first["size"] == files[0].size
    assert first["date"] == "2026-03-01"
    assert first["source"] == "City Lab"
    assert first["type"] == "pathology_report"
    assert by_path["imaging/2026-03-02 CT chest/Series 2/IM0001.dcm"]["series"] == "Series 2"
    assert len(manifest["files"]) == len(files) + 1


@pytest.mark.skipif(not shutil.which("sha256sum"), reason="needs GNU sha256sum")
def test_it_passes_sha256sum_check_when_unpacked(tmp_path, files):
    path = build(tmp_path, files)
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(path) as zf:
        zf.extractall(unpacked)
    result = subprocess.run(
        ["sha256sum", "--strict", "-c", SUMS_NAME], cwd=unpacked, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(": OK") == len(files) + 2


def test_it_names_the_file_after_one_byte_in_the_zip_changes(tmp_path, files):
    path = build(tmp_path, files)
    target = "documents/04 Imaging reports/CT chest report.pdf"
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(target)
    raw = bytearray(path.read_bytes())
    # the data starts after the 30-byte local header, the name and the extra field
    name_len = int.from_bytes(raw[info.header_offset + 26 : info.header_offset + 28], "little")
    extra_len = int.from_bytes(raw[info.header_offset + 28 : info.header_offset + 30], "little")
    raw[info.header_offset + 30 + name_len + extra_len + 5] ^= 0x01
    path.write_bytes(bytes(raw))
    report = packet_verify(path)
    assert not report.ok
    assert [p.name for p in report.problems] == [target]


def test_it_names_a_missing_file(tmp_path, files):
    path = build(tmp_path, files)
    repacked = tmp_path / "repacked.zip"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(repacked, "w") as dst:
        for info in src.infolist():
            if not info.filename.endswith("IM0002.dcm"):
                dst.writestr(info, src.read(info))
    report = packet_verify(repacked)
    assert [(p.name, p.reason) for p in report.problems] == [
        ("imaging/2026-03-02 CT chest/Series 2/IM0002.dcm", "missing")
    ]


def test_it_verifies_any_zip_carrying_sha256sums_even_in_a_folder(tmp_path):
    zpath = tmp_path / "other.zip"
    data = b"hello\n"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.writestr("case/notes.txt", data)
        zf.writestr("case/extra.txt", b"x")
        zf.writestr("case/SHA256SUMS", f"{hashlib.sha256(data).hexdigest()} *notes.txt\n")
    report = packet_verify(zpath)
    assert report.ok and report.checked == 1
    assert report.unlisted == ["case/extra.txt"]


def test_it_says_when_there_is_nothing_to_check(tmp_path):
    zpath = tmp_path / "plain.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.writestr("a.txt", b"a")
    assert "no SHA256SUMS" in packet_verify(zpath).error
    not_zip = tmp_path / "nope.zip"
    not_zip.write_bytes(b"not a zip")
    assert not packet_verify(not_zip).ok


def test_it_refuses_a_document_that_changed_since_upload_and_names_it(tmp_path, files):
    files[2].source.write_bytes(b"tampered")
    out = tmp_path / "out" / "packet.zip"
    with pytest.raises(DigestMismatch) as caught:
        build(tmp_path, files)
    assert "CT chest: report" in str(caught.value)
    assert not out.exists()
    assert not list((tmp_path / "out").iterdir())


def test_it_reports_progress_up_to_the_total(tmp_path, files):
    seen = []
    build(tmp_path, files, progress=lambda done, total: seen.append((done, total)), chunk_size=256)
    assert seen[-1][0] == seen[-1][1] == sum(f.size for f in files) + len(b"%PDF cover")
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_it_round_trips_escaped_names_like_sha256sum():
    line = sums_line("a" * 64, "odd\\name")
    assert line.startswith("\\")
    assert sums_parse(line) == [("a" * 64, "odd\\name")]


def test_it_reads_files_from_a_stream_when_they_are_not_on_disk(tmp_path):
    data = b"stored remotely" * 1000

    class ReadOnly:  # like some object-storage streams: read() and close() only
        def __init__(self) -> None:
            self.offset = 0

        def read(self, n: int) -> bytes:
            chunk = data[self.offset : self.offset + n]
            self.offset += len(chunk)
            return chunk

        def close(self) -> None:
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc) -> None:
            self.close()

    remote = SourceFile(
        source=Path("bucket/key"),
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        kind="lab_results",
        title="Blood counts",
        extension=".pdf",
        opener=ReadOnly,
    )
    out = tmp_path / "p.zip"
    packet_write(out=out, files=[remote], chunk_size=4096)
    assert packet_verify(out).ok


@given(st.text(st.characters(exclude_categories=()), max_size=300))
def test_it_never_makes_an_unsafe_name(text):
    name = safe_name(text)
    assert name and len(name) <= 80
    assert not any(ch in name for ch in '/\\<>:"|?*') and name not in (".", "..")
    assert all(unicodedata.category(ch) not in ("Cc", "Cs", "Zl", "Zp") for ch in name)
    name.encode("utf-8")  # a ZIP entry name must encode
    assert name == name.strip(" .") or name.startswith("file")
