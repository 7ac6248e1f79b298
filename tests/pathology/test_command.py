"""`secondopinion pathology extract`: one file, JSON, batch mode, and clear errors."""

import json

import pytest
from django.core.management import CommandError, call_command

from tests.pathology.helpers import REPORT


def test_it_prints_facts_as_json(tmp_path, capsys):
    path = tmp_path / "r.txt"
    path.write_text(REPORT, encoding="utf-8")
    call_command("pathology", "extract", str(path), "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["fields"]["pT"] == {
        "value": "T2",
        "text": "pT2",
        "start": REPORT.index("pT2"),
        "end": REPORT.index("pT2") + 3,
        "status": "stated",
    }


def test_it_prints_facts_for_people(tmp_path, capsys):
    path = tmp_path / "r.txt"
    path.write_text(REPORT, encoding="utf-8")
    call_command("pathology", "extract", str(path))
    assert "Tumor (pT): T2" in capsys.readouterr().out


def test_it_runs_a_batch_in_order_with_errors_in_place(tmp_path):
    src = tmp_path / "in.jsonl"
    out = tmp_path / "out.jsonl"
    src.write_text(
        json.dumps({"id": "a", "text": "pT1c pN0"})
        + "\nnot json\n"
        + json.dumps({"id": "b"})
        + "\n",
        encoding="utf-8",
    )
    call_command("pathology", "extract", "--jsonl", str(src), "--out", str(out))
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert lines[0]["fields"]["pT"]["value"] == "T1c"
    assert "error" in lines[1] and "error" in lines[2]


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty"), (bytes(range(256)) * 40, "does not look like text")],
)
def test_it_refuses_bad_files_with_a_clear_message(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("pathology", "extract", str(path))


def test_it_refuses_a_fake_pdf(tmp_path):
    path = tmp_path / "fake.pdf"
    path.write_bytes(b"hello, I am not a PDF at all")
    with pytest.raises(CommandError, match="not a PDF"):
        call_command("pathology", "extract", str(path))


def test_it_needs_a_file_or_a_batch():
    with pytest.raises(CommandError, match="Give a FILE"):
        call_command("pathology", "extract")
    with pytest.raises(CommandError, match="not found"):
        call_command("pathology", "extract", "--jsonl", "/nonexistent/in.jsonl")
