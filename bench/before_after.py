"""Before and after: the same benchmarks on two checkouts of this repository, in one run.

    .venv/bin/python bench/before_after.py --old ../old-checkout [--new .] [--rounds 2]

A restructuring must leave the figures unchanged within noise. This runs each benchmark of the
issue (CD import, packet, pathology throughput, load) in the old checkout and in the new one,
alternating old, new, old, new, so that both sides meet the same machine load. Each checkout
runs its own copy of the benchmark with its own `.venv` (run `./test --co -q` in it once to make
that). Full outputs go to var/bench/before-after/; the table shows the best round of each side.

Lower is better for every figure except the pathology throughput (reports per CPU-second).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench" / "before-after"


@dataclass(frozen=True)
class Figure:
    """One number read from a benchmark's output."""

    name: str
    pattern: str  # a regular expression whose first group is the number
    higher_is_better: bool = False


@dataclass(frozen=True)
class Bench:
    name: str
    args: tuple[str, ...]
    figures: tuple[Figure, ...]


BENCHES = (
    Bench(
        "pathology",
        ("bench/pathology_accuracy.py",),
        (Figure("reports per CPU-second", r"throughput: (\d+) reports per CPU-second", True),),
    ),
    Bench(
        "cd import",
        ("bench/import_cd.py", "--runs", "1", "--skip-x2"),
        (
            Figure("import s", r"^\s*x1\s+\d+\s+\d+\s+\S+s\s+\S+s\s+([\d.]+)s"),
            Figure("cp+sha256 s (baseline)", r"^\s*x1\s+\d+\s+\d+\s+([\d.]+)s"),
            Figure("import peak MB", r"^\s*x1(?:\s+\S+){9}\s+([\d.]+)"),
        ),
    ),
    Bench(
        "packet",
        ("bench/packet.py", "--mb", "300", "--runs", "1"),
        (
            Figure("packet_write s", r"CD: \d+ files.*\n(?:.*\n)*?\s+packet_write\s+([\d.]+) s"),
            Figure("zip -0 s (baseline)", r"CD: \d+ files.*\n(?:.*\n)*?\s+zip -0 -r\s+([\d.]+) s"),
            Figure(
                "packet_write peak MB",
                r"CD: \d+ files.*\n(?:.*\n)*?\s+packet_write\s+[\d.]+ s\s+peak\s+([\d.]+) MB",
            ),
        ),
    ),
    Bench(
        "load",
        ("bench/load.py", "--users", "20", "--duration", "30", "--baseline", "10"),
        (
            Figure("p95 ms, all in", r"journey, all in.*?p95\s+([\d.]+)"),
            Figure("median ms, all in", r"journey, all in.*?median\s+([\d.]+)"),
            Figure("errors, all in", r"journey, all in.*?errors?\s+(\d+)"),
        ),
    ),
)


def run(tree: Path, bench: Bench, label: str) -> str:
    """Run one benchmark in `tree`; returns its output (also kept in var/bench/before-after)."""
    python = tree / ".venv" / "bin" / "python"
    proc = subprocess.run(
        [str(python), *bench.args],
        cwd=tree,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(tree)},
        check=False,
    )
    output = proc.stdout + proc.stderr
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{bench.name.replace(' ', '_')}-{label}.txt").write_text(output)
    if proc.returncode:
        print(f"  {bench.name} failed in {tree} (exit {proc.returncode}); see {OUT}")
    return output


def read(figure: Figure, output: str) -> float | None:
    """The figure's last match: the loaded run comes after the one-user baseline."""
    found = re.findall(figure.pattern, output, re.MULTILINE)
    return float(found[-1]) if found else None


def best(figure: Figure, values: list[float | None]) -> float | None:
    found = [v for v in values if v is not None]
    if not found:
        return None
    return max(found) if figure.higher_is_better else min(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, required=True, help="the checkout before the change")
    parser.add_argument("--new", type=Path, default=ROOT, help="the checkout after (this one)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--only", choices=[b.name for b in BENCHES], action="append")
    args = parser.parse_args()
    trees = {"old": args.old.resolve(), "new": args.new.resolve()}
    for tree in trees.values():
        if not (tree / ".venv" / "bin" / "python").exists():
            sys.exit(f"{tree} has no .venv: run ./test --co -q in it first.")
    rows: list[tuple[str, str, float | None, float | None]] = []
    loads: list[float] = []
    for bench in BENCHES:
        if args.only and bench.name not in args.only:
            continue
        seen: dict[str, list[str]] = {"old": [], "new": []}
        for n in range(args.rounds):
            for side, tree in trees.items():
                print(f"{bench.name}: round {n + 1}, {side}", flush=True)
                seen[side].append(run(tree, bench, f"{side}-{n + 1}"))
                loads.append(os.getloadavg()[0])
        for figure in bench.figures:
            old = best(figure, [read(figure, o) for o in seen["old"]])
            new = best(figure, [read(figure, o) for o in seen["new"]])
            rows.append((bench.name, figure.name, old, new))
    print(f"\nold: {trees['old']}\nnew: {trees['new']}")
    print(f"best of {args.rounds} rounds each, alternating old and new")
    print(f"{'bench':10} {'figure':26} {'old':>9} {'new':>9} {'new/old':>8}")
    for name, figure, old, new in rows:
        ratio = f"{new / old:8.2f}" if old and new is not None else f"{'-':>8}"
        shown = [f"{v:9.2f}" if v is not None else f"{'?':>9}" for v in (old, new)]
        print(f"{name:10} {figure:26} {shown[0]} {shown[1]} {ratio}")
    if loads:
        print(f"load average while measuring: {min(loads):.1f} to {max(loads):.1f}")


if __name__ == "__main__":
    main()
