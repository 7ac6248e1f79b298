"""Agreement reader accuracy on labelled agreements, next to a keyword baseline.

    .venv/bin/python bench/agreements.py [DIR ...]

Each DIR holds agreements and a ``labels.jsonl`` (default: the shared dev set, then
``tests/agreements/data``). Every agreement goes through the real command,
``python -m secondopinion agreement read FILE --json``, and is scored as the shared README
says: precision and recall of the kinds found (micro-averaged), recall of the labelled
unfavourable flags, false "missing" claims (a labelled-present kind listed as missing), and,
for information, vague-flag recall and spans that are not ``source[start:end]``.

The baseline, in the same run, finds a kind when one heading word for it appears anywhere in
the text (``fee``, ``include``, ...); it flags nothing, so its unfavourable recall is 0.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIRS = [Path("/work/shared/data/agreements/dev"), ROOT / "tests" / "agreements" / "data"]
KINDS = (
    "fee",
    "included",
    "extra_charges",
    "insurance",
    "refund",
    "reviewer",
    "local_doctor",
    "turnaround",
    "records",
    "no_relationship",
    "data_use",
    "retention",
    "liability",
    "recording",
)
BASELINE_WORD = {
    "fee": "fee",
    "included": "include",
    "extra_charges": "additional",
    "insurance": "insurance",
    "refund": "refund",
    "reviewer": "reviewer",
    "local_doctor": "physicians",
    "turnaround": "timing",
    "records": "records",
    "no_relationship": "emergency",
    "data_use": "privacy",
    "retention": "retention",
    "liability": "liability",
    "recording": "recording",
}


def reader_output(path: Path) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "secondopinion.settings"}
    done = subprocess.run(
        [sys.executable, "-m", "secondopinion", "agreement", "read", str(path), "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    if done.returncode:
        return {"clauses": [], "missing": list(KINDS), "questions": []}
    return json.loads(done.stdout)


def baseline_output(text: str) -> dict:
    found = [k for k, w in BASELINE_WORD.items() if re.search(rf"\b{w}", text, re.I)]
    return {
        "clauses": [{"kind": k, "flags": []} for k in found],
        "missing": [k for k in KINDS if k not in found],
    }


class Score:
    def __init__(self) -> None:
        self.tp = self.fp = self.fn = self.unfav = self.unfav_hit = 0
        self.vague = self.vague_hit = self.false_missing = self.bad_spans = 0

    def add(self, out: dict, label: dict, source: str) -> None:
        got = {c["kind"] for c in out["clauses"]}
        want = set(label["kinds"])
        self.tp += len(got & want)
        self.fp += len(got - want)
        self.fn += len(want - got)
        self.false_missing += len(set(out["missing"]) & want)
        for flag, need in (("unfavourable", label["unfavourable"]), ("vague", label["vague"])):
            hit = sum(
                any(c["kind"] == k and flag in c["flags"] for c in out["clauses"]) for k in need
            )
            if flag == "unfavourable":
                self.unfav, self.unfav_hit = self.unfav + len(need), self.unfav_hit + hit
            else:
                self.vague, self.vague_hit = self.vague + len(need), self.vague_hit + hit
        self.bad_spans += sum(
            1 for c in out["clauses"] if "text" in c and source[c["start"] : c["end"]] != c["text"]
        )

    def line(self) -> str:
        p = self.tp / max(self.tp + self.fp, 1)
        r = self.tp / max(self.tp + self.fn, 1)
        u = self.unfav_hit / max(self.unfav, 1)
        v = self.vague_hit / max(self.vague, 1)
        return (
            f"P={p:.3f} R={r:.3f} UNFAV={u:.3f} FALSE_MISSING={self.false_missing} "
            f"vague={v:.3f} bad_spans={self.bad_spans}"
        )


def run(folder: Path) -> None:
    labels = [
        json.loads(x) for x in (folder / "labels.jsonl").read_text().splitlines() if x.strip()
    ]
    reader, baseline = Score(), Score()
    for label in labels:
        path = folder / label["file"]
        source = path.read_text(encoding="utf-8")
        out = reader_output(path)
        reader.add(out, label, source)
        baseline.add(baseline_output(source), label, source)
        got = {c["kind"] for c in out["clauses"]}
        extra, lost = sorted(got - set(label["kinds"])), sorted(set(label["kinds"]) - got)
        print(f"  {label['file']}: extra={extra} missed={lost}")
    print(f"{folder} ({len(labels)} agreements)")
    print(f"  keyword baseline: {baseline.line()}")
    print(f"  agreements:       {reader.line()}")


if __name__ == "__main__":
    for d in [Path(a) for a in sys.argv[1:]] or DEFAULT_DIRS:
        run(d)
