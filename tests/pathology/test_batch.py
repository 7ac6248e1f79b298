"""JSONL batch mode: one output line per input line, in order; bad lines become errors."""

import json

from secondopinion.pathology.batch import batch_dumps, batch_lines


def test_it_keeps_order_and_reports_bad_lines_without_stopping():
    lines = [
        json.dumps({"id": "a", "text": "Stage: pT2 pN0."}),
        "{not json",
        json.dumps({"id": "b"}),
        json.dumps({"id": "c", "text": "   "}),
        json.dumps(["a list"]),
        "",
        json.dumps({"id": 7, "text": "Gleason score 3+4=7."}),
    ]
    out = list(batch_lines(lines))
    assert [o.get("id") for o in out] == ["a", None, "b", "c", None, 7]
    assert out[0]["fields"]["pT"]["value"] == "T2"
    assert "error" in out[1] and "line 2" in out[1]["error"]
    assert out[2]["error"] == 'missing "text" string'
    assert out[3]["error"] == "empty text"
    assert "JSON object" in out[4]["error"]
    assert out[5]["fields"]["grade_group"]["value"] == 2


def test_it_writes_compact_json_that_round_trips():
    rec = next(batch_lines([json.dumps({"id": "x", "text": "Ki-67: 20%"})]))
    assert json.loads(batch_dumps(rec)) == rec
    assert rec["fields"]["ki67_percent"] == {
        "value": 20,
        "text": "Ki-67: 20%",
        "start": 0,
        "end": 10,
        "status": "stated",
    }
