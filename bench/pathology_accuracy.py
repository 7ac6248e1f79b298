"""Pathology extractor accuracy and speed on a labelled JSONL file.

    .venv/bin/python bench/pathology_accuracy.py [--jsonl PATH] [--errors FIELD]

Runs the batch mode (secondopinion.pathology.batch) and prints, for pT, pN and pM:
precision (right among the reports where we state a value) and coverage (stated among the
labelled reports), comparing main categories (T3a -> T3, N1mi -> N1; prefixes y/r/m dropped).
The baseline, measured in the same run, is the single regular expression ``\\bp[TN]\\d`` the
issue mentions. Derived facts (pN0 from "0/12 nodes") count as stated. Throughput is
reports per second on one core for the whole batch path (JSON in, JSON out).

The registry never records "X" (cannot be assessed) for N or M: when a report says pNX the
registry either leaves N blank or fills it from other sources. So the main table counts a
stated category (T0-T4, Tis, N0-N3, M0-M1) and reports "X" answers in their own column; the
second table counts X answers as stated (and therefore wrong) for comparison.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from secondopinion.pathology.batch import batch_dumps, batch_lines  # noqa: E402

DEFAULT = "/work/shared/data/pathology-dev/tcga-dev.jsonl"


def main_category(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    m = re.match(r"(?i)^[ymr]*p?([TNM])(is|X|\d)", value)
    if not m:
        return None
    axis, cat = m.group(1).upper(), m.group(2)
    return axis + ("is" if cat.lower() == "is" else cat.upper())


def baseline(text: str, axis: str) -> str | None:
    m = re.search(r"\bp" + axis + r"(\d|X|is)", text)
    return axis + m.group(1) if m else None


def score(
    pairs: list[tuple[str | None, str | None]], *, x_as_stated: bool = False
) -> tuple[float, float, int, int, int]:
    if not x_as_stated:
        pairs = [(None if pred and pred.endswith("X") else pred, gold) for pred, gold in pairs]
    labelled = [(pred, gold) for pred, gold in pairs if gold]
    stated = [(pred, gold) for pred, gold in labelled if pred]
    right = sum(1 for pred, gold in stated if pred == gold)
    precision = right / len(stated) if stated else 0.0
    coverage = len(stated) / len(labelled) if labelled else 0.0
    return precision, coverage, right, len(stated), len(labelled)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jsonl", default=DEFAULT)
    parser.add_argument("--errors", choices=["pT", "pN", "pM"], help="print disagreements")
    args = parser.parse_args()

    raw = Path(args.jsonl).read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in raw if line.strip()]
    inputs = [json.dumps({"id": r["id"], "text": r["text"]}) for r in rows]

    started, cpu_started = time.perf_counter(), time.process_time()
    outputs = [batch_dumps(rec) for rec in batch_lines(inputs)]
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    results = [json.loads(o) for o in outputs]

    print(f"reports: {len(rows)}  file: {args.jsonl}")
    # CPU time is what one core spends; wall time also counts waiting for a busy machine.
    print(
        f"throughput: {len(rows) / cpu:.0f} reports per CPU-second on one core "
        f"({len(rows) / elapsed:.0f}/s wall clock, {elapsed:.2f} s)"
    )
    print()
    header = (
        f"{'field':6} {'precision':>9} {'coverage':>9} {'right':>6} {'stated':>7} {'labelled':>8}"
    )
    print(header + "   X-stated   baseline p/c")
    tables = []
    for axis in ("T", "N", "M"):
        name = "p" + axis
        pairs = []
        base_pairs = []
        for row, res in zip(rows, results, strict=True):
            gold = main_category(row.get("labels", {}).get(axis))
            fact = res.get("fields", {}).get(name)
            pred = main_category(fact["value"]) if fact else None
            pairs.append((pred, gold))
            base_pairs.append((main_category(baseline(row["text"], axis)), gold))
            if args.errors == name and gold and pred and pred != gold:
                print(
                    f"  {row['id']} gold={gold} pred={fact['value']} status={fact['status']} text={fact['text']!r}"
                )
        p, c, right, stated, labelled = score(pairs)
        bp, bc, *_ = score(base_pairs)
        xs = sum(1 for pred, gold in pairs if gold and pred and pred.endswith("X"))
        print(
            f"{name:6} {p:9.3f} {c:9.3f} {right:6} {stated:7} {labelled:8}   {xs:8}   {bp:.3f}/{bc:.3f}"
        )
        tables.append((name, score(pairs, x_as_stated=True)))
    print()
    print("counting X answers as stated:")
    print(header)
    for name, (p, c, right, stated, labelled) in tables:
        print(f"{name:6} {p:9.3f} {c:9.3f} {right:6} {stated:7} {labelled:8}")
    by_status: dict[str, int] = {}
    for res in results:
        for name in ("pT", "pN"):
            fact = res.get("fields", {}).get(name)
            if fact:
                by_status[f"{name}:{fact['status']}"] = (
                    by_status.get(f"{name}:{fact['status']}", 0) + 1
                )
    print()
    print("status counts:", dict(sorted(by_status.items())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
