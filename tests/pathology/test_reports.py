"""Every expected fact of the hand-written reports, exact (value, words, status, span)."""

import json
from pathlib import Path

import pytest

from secondopinion.pathology.extractor import extract

REPORTS = Path(__file__).parent / "reports"
CASES = sorted(p.stem for p in REPORTS.glob("*.txt"))


def test_it_has_at_least_forty_reports_across_ten_cancers():
    assert len(CASES) >= 40
    kinds = {name.split("_")[0] for name in CASES}
    assert kinds >= {
        "breast",
        "prostate",
        "colon",
        "lung",
        "melanoma",
        "bladder",
        "kidney",
        "thyroid",
        "endometrium",
        "lymphoma",
    }


@pytest.mark.parametrize("name", CASES)
def test_it_extracts_every_expected_fact_exactly(name):
    source = (REPORTS / f"{name}.txt").read_text(encoding="utf-8")
    expected = json.loads((REPORTS / f"{name}.json").read_text(encoding="utf-8"))
    result = extract(source)

    assert set(result.fields) == set(expected["fields"]), "a fact is missing or was guessed"
    for field, want in expected["fields"].items():
        fact = result.fields[field]
        assert fact.value == want["value"], field
        assert fact.text == want["text"], field
        assert fact.status == want["status"], field
        assert source[fact.start : fact.end] == fact.text, field
    assert result.cancer == expected["cancer"]
    for field, values in expected.get("superseded", {}).items():
        assert [f.value for f in result.fields[field].superseded] == values
