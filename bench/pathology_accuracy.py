"""Pathology extractor accuracy and speed on a labelled JSONL file.

    .venv/bin/python bench/pathology_accuracy.py [--jsonl PATH] [--errors FIELD]

Runs the batch mode (secondopinion.pathology.batch) and prints, for pT, pN and pM:
precision (right among the reports where we state a value) and coverage (stated among the
labelled reports), comparing main categories (T3a -> T3, N1mi -> N1; prefixes y/r/m dropped).
The baseline, measured in the same run, is the single regular expression ``\\bp[TN]\\d`` the
issue mentions. Derived facts (pN0 from "0/12 nodes") count as stated. Throughput is
reports per second on one core for the whole batch path (JSON in, JSON out), and, next to it,
the baseline's over the same path (JSON in, its three regex searches, JSON out).

The registry never records "X" (cannot be assessed) for N or M: when a report says pNX the
registry either leaves N blank or fills it from other sources. So the main table counts a
stated category (T0-T4, Tis, N0-N3, M0-M1) and reports "X" answers in their own column; the
second table counts X answers as stated (and therefore wrong) for comparison.

Harm, counted apart from misses (a wrong fact is worse than a missing one):
- on the dev set, per staging field: "wrong" is a stated category that differs from the
  registry's; "silent" is a stated (not derived) category where the report has no token of
  that axis at all (nothing like pT2, T2, N0, pNX in the text); "missed" is a labelled report
  where nothing is stated. The baseline regex is counted the same way.
- on the hand-written reports (tests/pathology/reports, every expected fact written by hand),
  per field: "wrong" (stated, different value), "extra" (stated where the report is silent),
  "missed" (expected, not stated).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from secondopinion.pathology.batch import batch_dumps, batch_lines  # noqa: E402

DEFAULT = "/work/shared/data/pathology-dev/tcga-dev.jsonl"
HAND_WRITTEN = Path(__file__).resolve().parent.parent / "tests" / "pathology" / "reports"
T = TypeVar("T")


def axis_mentioned(text: str, axis: str) -> bool:
    """Any token of the axis at all ("pT2", "T 3", "ypN0", "NX", "Tis"), however noisy:
    also glued to "AJCC" by a lost space ("AJCCpT2"), with a capital P ("PT1") or an OCR
    "i" for 1 ("pTic")."""
    pattern = (
        r"(?:(?<![A-Za-z])|(?<=AJCC))[ymr]{0,2}[pP]?"
        + axis
        + r"\s?(?:[0-4]|[OolIi](?![a-z]{2})|[Xx](?![a-z])|is(?![a-z]))"
    )
    return re.search(pattern, text) is not None


def harm(
    pairs: list[tuple[str | None, str | None, bool, bool]],
) -> tuple[int, int, int]:
    """(wrong, silent, missed) over (pred, gold, derived, mentioned) rows; X answers excluded."""
    wrong = silent = missed = 0
    for pred, gold, derived, mentioned in pairs:
        stated = bool(pred) and not pred.endswith("X")
        if stated and gold and pred != gold:
            wrong += 1
        if stated and not derived and not mentioned:
            silent += 1
        if gold and not stated:
            missed += 1
    return wrong, silent, missed


def hand_written_harm() -> dict[str, list[int]]:
    """Per field [wrong, extra, missed] over the hand-written reports."""
    from secondopinion.pathology.extractor import extract

    counts: dict[str, list[int]] = {}
    for source in sorted(HAND_WRITTEN.glob("*.txt")):
        expected = json.loads(source.with_suffix(".json").read_text(encoding="utf-8"))["fields"]
        found = extract(source.read_text(encoding="utf-8")).fields
        for name in set(expected) | set(found):
            row = counts.setdefault(name, [0, 0, 0])
            if name in found and name in expected and found[name].value != expected[name]["value"]:
                row[0] += 1
            elif name in found and name not in expected:
                row[1] += 1
            elif name in expected and name not in found:
                row[2] += 1
    return counts


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


def baseline_batch(inputs: list[str]) -> list[dict[str, str | None]]:
    """The baseline over the batch path: one JSON line in, its T, N and M out as JSON."""
    out = []
    for line in inputs:
        text = json.loads(line)["text"]
        out.append(json.dumps({axis: baseline(text, axis) for axis in ("T", "N", "M")}))
    return [json.loads(o) for o in out]


def timed(fn: Callable[[], T]) -> tuple[T, float, float]:
    """fn's result, wall seconds and CPU seconds."""
    started, cpu_started = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - started, time.process_time() - cpu_started


def throughput(label: str, reports: int, elapsed: float, cpu: float) -> str:
    # CPU time is what one core spends; wall time also counts waiting for a busy machine.
    return (
        f"{label}: {reports / cpu:.0f} reports per CPU-second on one core "
        f"({reports / elapsed:.0f}/s wall clock, {elapsed:.2f} s)"
    )


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


def status_counts(results: list[dict]) -> dict[str, int]:
    by_status: dict[str, int] = {}
    for res in results:
        for name in ("pT", "pN"):
            fact = res.get("fields", {}).get(name)
            if fact:
                by_status[f"{name}:{fact['status']}"] = (
                    by_status.get(f"{name}:{fact['status']}", 0) + 1
                )
    return dict(sorted(by_status.items()))


def dev_harm_print(rows: list[dict], results: list[dict], base_results: list[dict]) -> None:
    print("harm on the dev set (X answers excluded):")
    print(f"{'field':6} {'wrong':>6} {'silent':>7} {'missed':>7}   baseline wrong/silent/missed")
    for axis in ("T", "N", "M"):
        name = "p" + axis
        ours, base = [], []
        for row, res, b in zip(rows, results, base_results, strict=True):
            gold = main_category(row.get("labels", {}).get(axis))
            fact = res.get("fields", {}).get(name)
            pred = main_category(fact["value"]) if fact else None
            mentioned = axis_mentioned(row["text"], axis)
            ours.append((pred, gold, bool(fact) and fact["status"] == "derived", mentioned))
            base.append((main_category(b[axis]), gold, False, mentioned))
        w, si, mi = harm(ours)
        bw, bs, bm = harm(base)
        print(f"{name:6} {w:6} {si:7} {mi:7}   {bw}/{bs}/{bm}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jsonl", default=DEFAULT)
    parser.add_argument("--errors", choices=["pT", "pN", "pM"], help="print disagreements")
    args = parser.parse_args()

    raw = Path(args.jsonl).read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in raw if line.strip()]
    inputs = [json.dumps({"id": r["id"], "text": r["text"]}) for r in rows]

    outputs, elapsed, cpu = timed(lambda: [batch_dumps(rec) for rec in batch_lines(inputs)])
    results = [json.loads(o) for o in outputs]
    base_results, base_elapsed, base_cpu = timed(lambda: baseline_batch(inputs))

    print(f"reports: {len(rows)}  file: {args.jsonl}")
    print(throughput("throughput", len(rows), elapsed, cpu))
    print(throughput("baseline throughput", len(rows), base_elapsed, base_cpu))
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
        for row, res, b in zip(rows, results, base_results, strict=True):
            gold = main_category(row.get("labels", {}).get(axis))
            fact = res.get("fields", {}).get(name)
            pred = main_category(fact["value"]) if fact else None
            pairs.append((pred, gold))
            base_pairs.append((main_category(b[axis]), gold))
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
    print()
    print("status counts:", status_counts(results))
    print()
    dev_harm_print(rows, results, base_results)
    hand = hand_written_harm()
    reports = len(list(HAND_WRITTEN.glob("*.txt")))
    print()
    print(f"harm on the {reports} hand-written reports (every field):")
    print(f"{'field':16} {'wrong':>6} {'extra':>6} {'missed':>7}")
    for name in sorted(hand):
        w, extra, mi = hand[name]
        if w or extra or mi:
            print(f"{name:16} {w:6} {extra:6} {mi:7}")
    totals = [sum(v[i] for v in hand.values()) for i in range(3)]
    print(f"{'all fields':16} {totals[0]:6} {totals[1]:6} {totals[2]:7}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
