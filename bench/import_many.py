"""Benchmark: the row writes of a CD import with many small studies (the studies cap, 500).

Makes a folder of N one-image studies (64 x 64 pixels), imports it with the real CLI
(`import-cd --json`) in a throwaway data folder, and prints the phase times the command reports,
"rows" being the one transaction that holds SQLite's write lock. With `--baseline-tree DIR` (a
checkout of an earlier commit) the same folder is imported with that code too, in the same run.

    .venv/bin/python bench/import_many.py [--studies 500] [--baseline-tree /tmp/old-checkout]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import numpy as np
from pydicom.uid import generate_uid

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import import_cd  # noqa: E402
from make_cd import STUDIES, slice_write  # noqa: E402


def studies_make(folder: Path, count: int) -> None:
    pixels = np.zeros((64, 64), dtype=np.uint16)
    for n in range(count):
        sub = folder / f"S{n:05d}"
        sub.mkdir(parents=True)
        slice_write(
            sub / "IM1",
            study=STUDIES[0],
            study_uid=generate_uid(),
            series_uid=generate_uid(),
            series_number=1,
            series_description="AXIAL",
            body_part="CHEST",
            number=1,
            pixels=pixels,
        )


def run(cd: Path, tree: Path | None) -> tuple[float, dict]:
    saved = os.environ.get("PYTHONPATH")
    if tree is not None:
        os.environ["PYTHONPATH"] = str(tree)
    try:
        with tempfile.TemporaryDirectory() as data:
            case_id = import_cd.case_make(Path(data))
            elapsed, _cpu, _peak, result = import_cd.import_once(cd, Path(data), case_id)
    finally:
        if saved is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = saved
    return elapsed, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--studies", type=int, default=500)
    parser.add_argument("--baseline-tree", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cd = Path(tmp) / "cd"
        studies_make(cd, args.studies)
        trees = [("this tree", None)]
        if args.baseline_tree:
            trees.insert(0, (f"baseline {args.baseline_tree}", args.baseline_tree))
        print(f"{args.studies} one-image studies, import-cd --json, one run each")
        for label, tree in trees:
            elapsed, result = run(cd, tree)
            laps = result.get("summary", result).get("seconds", {})
            print(f"  {label:40s} total {elapsed:6.2f}s  rows {laps.get('rows', 0):6.2f}s  {laps}")


if __name__ == "__main__":
    main()
