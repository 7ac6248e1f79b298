"""The labelled pairs stay at or above the targets (FA <= 0.05, P >= 0.90, R >= 0.85).

Scored as the plan-pairs README says: sets of (kind, modality), case, "_", "-" and spaces
ignored; an error line counts as nothing found.
"""

import json
import re
from pathlib import Path

import pytest

from secondopinion.plans.batch import batch_record

DATA = Path(__file__).parent / "data"


def norm(value: str) -> str:
    return re.sub(r"[\s_\-]+", "", value.lower())


def figures(path: Path) -> dict[str, float]:
    tp = fp = fn = agreeing = alarms = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        record = batch_record(
            json.dumps({k: row[k] for k in ("id", "cancer", "first_plan", "opinion")})
        )
        got = {(norm(d["kind"]), norm(d["modality"])) for d in record.get("differences", [])}
        want = {(norm(k), norm(m)) for k, m in row["expected"]}
        tp, fp, fn = tp + len(want & got), fp + len(got - want), fn + len(want - got)
        if not want:
            agreeing, alarms = agreeing + 1, alarms + bool(got)
    return {"P": tp / max(tp + fp, 1), "R": tp / max(tp + fn, 1), "FA": alarms / max(agreeing, 1)}


@pytest.mark.parametrize(
    "name",
    [
        "dev_pairs.jsonl",
        "extra_pairs.jsonl",
        "blind_pairs.jsonl",
        "blind2_pairs.jsonl",
        "blind3_pairs.jsonl",
    ],
)
def test_it_meets_the_targets(name):
    path = DATA / name
    if not path.exists():
        pytest.skip(f"{name} not present")
    result = figures(path)
    assert result["FA"] <= 0.05, result
    assert result["P"] >= 0.90, result
    assert result["R"] >= 0.85, result
