import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

DATA = Path(__file__).parent / "data"


def test_it_prints_exactly_the_contract_shape(tmp_path):
    out = StringIO()
    call_command("agreement", "read", str(DATA / "northbay-pdf-extract.txt"), "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert set(data) == {"clauses", "missing", "questions"}
    for clause in data["clauses"]:
        assert set(clause) == {"kind", "text", "start", "end", "flags", "explanation", "question"}
        assert set(clause["flags"]) <= {"unfavourable", "vague"}
    source = (DATA / "northbay-pdf-extract.txt").read_text()
    assert all(source[c["start"] : c["end"]] == c["text"] for c in data["clauses"])


def test_it_prints_plain_words_without_json():
    out = StringIO()
    call_command("agreement", "read", str(DATA / "ridgeway-numbered.txt"), stdout=out)
    assert "Questions to ask:" in out.getvalue()
    assert "does not say whether to sign" in out.getvalue()


def test_it_fails_with_a_plain_message_on_an_empty_file(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(CommandError, match="empty"):
        call_command("agreement", "read", str(empty), "--json", stdout=StringIO())
