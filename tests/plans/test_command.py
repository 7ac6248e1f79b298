"""`secondopinion plans compare --jsonl IN [--out OUT]`: one line out per line in, errors in place."""

import json

import pytest
from django.core.management import CommandError, call_command


def write(path, *lines):
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def test_it_writes_one_line_per_pair_in_order_with_errors_in_place(tmp_path):
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write(
        src,
        json.dumps(
            {
                "id": "a",
                "cancer": "lung",
                "first_plan": "lobectomy",
                "opinion": "SBRT over lobectomy",
            }
        ),
        "not json",
        json.dumps({"id": "b", "first_plan": "tamoxifen"}),
        "",
        json.dumps({"id": "c", "cancer": "breast", "first_plan": "Femara", "opinion": "letrozole"}),
    )
    call_command("plans", "compare", "--jsonl", str(src), "--out", str(out))
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r.get("id") for r in records] == ["a", None, "b", "c"]
    assert {(d["kind"], d["modality"]) for d in records[0]["differences"]} == {
        ("omitted", "surgery"),
        ("added", "radiation"),
    }
    assert set(records[0]) == {"id", "first", "opinion", "differences", "unread"}
    assert "not valid JSON" in records[1]["error"]
    assert "opinion" in records[2]["error"]
    assert records[3]["differences"] == []
    assert records[3]["first"][0]["drugs"] == ["letrozole"]


def test_it_writes_to_standard_out_without_out(tmp_path, capsys):
    src = tmp_path / "in.jsonl"
    write(src, json.dumps({"id": "x", "first_plan": "R-CHOP", "opinion": "R-CHOP x 6"}))
    call_command("plans", "compare", "--jsonl", str(src))
    (line,) = capsys.readouterr().out.strip().splitlines()
    assert json.loads(line)["id"] == "x"


def test_a_missing_input_file_is_a_plain_error(tmp_path):
    with pytest.raises(CommandError, match="not found"):
        call_command("plans", "compare", "--jsonl", str(tmp_path / "missing.jsonl"))


def test_components_in_the_output_have_the_contract_shape(tmp_path):
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write(
        src,
        json.dumps(
            {"id": "s", "first_plan": "Lupron for 6 months", "opinion": "leuprolide, 18 months"}
        ),
    )
    call_command("plans", "compare", "--jsonl", str(src), "--out", str(out))
    record = json.loads(out.read_text(encoding="utf-8"))
    (component,) = record["first"]
    assert set(component) == {
        "modality",
        "drugs",
        "procedure",
        "duration_months",
        "phase",
        "text",
        "start",
        "end",
    }
    assert record["differences"][0]["kind"] == "duration_changed"
