"""Plan comparison accuracy on labelled pairs, through the batch command, next to a baseline.

Runs `secondopinion plans compare --jsonl IN --out OUT` (as a subprocess, giving it only the
id, cancer, first_plan and opinion fields), scores its output exactly as the plan-pairs README
says (sets of (kind, modality); case, "_", "-" and spaces ignored), and prints precision,
recall, false alarms on agreeing pairs, FULL and pairs per second, beside a plain word-overlap
baseline (what the product's old comparer did) scored the same way in the same run.

Run: .venv/bin/python bench/plans.py [--pairs FILE ...] [--show]
Default pairs: the shared dev pairs (copied to tests/plans/data/dev_pairs.jsonl) and our own
extra_pairs.jsonl and blind_pairs.jsonl beside it. The last line is for the first file.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "tests" / "plans" / "data" / "dev_pairs.jsonl"  # copy of shared plan-pairs/dev.jsonl
EXTRA = ROOT / "tests" / "plans" / "data" / "extra_pairs.jsonl"  # our own, tuned on
BLIND = ROOT / "tests" / "plans" / "data" / "blind_pairs.jsonl"  # our own, scored before tuning
BLIND2 = ROOT / "tests" / "plans" / "data" / "blind2_pairs.jsonl"  # harder, scored before tuning
BLIND3 = ROOT / "tests" / "plans" / "data" / "blind3_pairs.jsonl"  # reviewer prose, likewise
BLIND4 = ROOT / "tests" / "plans" / "data" / "blind4_pairs.jsonl"  # written last, likewise
INPUT_FIELDS = ("id", "cancer", "first_plan", "opinion")


def norm(value: str) -> str:
    return re.sub(r"[\s_\-]+", "", str(value).lower())


def as_set(pairs) -> set[tuple[str, str]]:
    return {(norm(k), norm(m)) for k, m in pairs}


def run_command(rows: list[dict]) -> tuple[dict[str, dict], float]:
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "in.jsonl", Path(tmp) / "out.jsonl"
        src.write_text(
            "".join(json.dumps({k: r[k] for k in INPUT_FIELDS if k in r}) + "\n" for r in rows),
            encoding="utf-8",
        )
        exe = ROOT / ".venv" / "bin" / "secondopinion"
        cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "secondopinion"]
        t0 = time.perf_counter()
        subprocess.run(
            [*cmd, "plans", "compare", "--jsonl", str(src), "--out", str(out)],
            check=True,
            cwd=ROOT,
            stderr=subprocess.DEVNULL,
        )
        elapsed = time.perf_counter() - t0
        results = {}
        for line in out.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            results[rec.get("id")] = rec
        return results, elapsed


# --- baseline: word overlap, a few lines, like the product's old comparer ------------------
STOP = set(
    "a an the and or of to for with in on at by is are be as it this that then plus i we".split()
)
GUESS = (
    ("chemo", "chemotherapy"),
    ("radi", "radiation"),
    ("ectomy", "surgery"),
    ("surg", "surgery"),
)


def words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in STOP and len(w) > 2}


def items(text: str) -> list[set[str]]:
    return [words(p) for p in re.split(r"[.;\n]|, then|\bthen\b", text) if words(p)]


def guess(item: set[str]) -> str:
    return next((m for key, m in GUESS for w in item if key in w), "other")


def baseline(row: dict) -> set[tuple[str, str]]:
    """An item on one side sharing under half its words with every item on the other side is
    'added' (opinion) or 'omitted' (first plan), as the old comparer listed recommendations."""
    first, opinion = items(row["first_plan"]), items(row["opinion"])

    def alone(item, others):
        return all(len(item & o) / max(len(item), 1) < 0.5 for o in others)

    out = {("added", guess(i)) for i in opinion if alone(i, first)}
    return out | {("omitted", guess(i)) for i in first if alone(i, opinion)}


def in_process_rate(rows: list[dict]) -> float:
    """Pairs per second of the batch loop itself (no process start-up), best of three."""
    sys.path.insert(0, str(ROOT))
    from secondopinion.plans.batch import batch_lines

    lines = [json.dumps({k: r[k] for k in INPUT_FIELDS if k in r}) for r in rows]
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        for _record in batch_lines(lines):
            pass
        best = min(best, time.perf_counter() - t0)
    return len(rows) / best


def score(rows: list[dict], predicted: dict[str, set]) -> dict[str, float]:
    tp = fp = fn = 0
    agreeing = alarms = disagreeing = full = 0
    for r in rows:
        want = as_set(r["expected"])
        got = predicted.get(r["id"], set())
        tp += len(want & got)
        fp += len(got - want)
        fn += len(want - got)
        if not want:
            agreeing += 1
            alarms += bool(got)
        else:
            disagreeing += 1
            full += want <= got
    return {
        "P": tp / (tp + fp) if tp + fp else 0.0,
        "R": tp / (tp + fn) if tp + fn else 0.0,
        "FA": alarms / agreeing if agreeing else 0.0,
        "FULL": full / disagreeing if disagreeing else 0.0,
    }


def load(path: Path) -> list[dict]:
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", nargs="*", type=Path, help="Labelled JSONL files")
    parser.add_argument("--show", action="store_true", help="List each pair scored wrong")
    args = parser.parse_args()
    files = args.pairs or [p for p in (DEV, EXTRA, BLIND, BLIND2, BLIND3, BLIND4) if p.exists()]
    last = None
    for path in files:
        rows = load(path)
        results, elapsed = run_command(rows)
        errors = sum(1 for r in rows if "error" in results.get(r["id"], {"error": 1}))
        ours = {
            rid: {(norm(d["kind"]), norm(d["modality"])) for d in rec.get("differences", [])}
            for rid, rec in results.items()
            if "error" not in rec
        }
        base = {r["id"]: baseline(r) for r in rows}
        mine, theirs = score(rows, ours), score(rows, base)
        rate = in_process_rate(rows)
        print(
            f"{path.name}: {len(rows)} pairs, {errors} error lines; {rate:.0f} pairs per second "
            f"(batch loop), {len(rows) / elapsed:.1f} per second through the command with start-up"
        )
        print(f"  {'':10} {'P':>6} {'R':>6} {'FA':>6} {'FULL':>6}")
        for label, s in (("baseline", theirs), ("plans", mine)):
            print(f"  {label:10} {s['P']:6.3f} {s['R']:6.3f} {s['FA']:6.3f} {s['FULL']:6.3f}")
        if args.show:
            for r in rows:
                want, got = as_set(r["expected"]), ours.get(r["id"], set())
                if want != got:
                    print(f"  {r['id']}: expected {sorted(want)} got {sorted(got)}")
        if last is None:
            last = mine
    if last is not None:  # the final line is for the first file: the dev pairs by default
        print(
            f"plans: P={last['P']:.3f} R={last['R']:.3f} FA={last['FA']:.3f} FULL={last['FULL']:.3f}"
        )


if __name__ == "__main__":
    main()
