"""Scan viewer: time to draw each slice of a 200-slice CT series, and memory while doing it.

Makes a synthetic CT series (512 x 512, 16-bit, like bench/make_cd.py) in a temporary folder, then
draws every slice with `records.slices.slice_render` (the viewer's renderer; the first slice is
timed apart, it loads pydicom's decoders). Beside it, in the same run, the baseline: a plain
`pydicom.dcmread(path).pixel_array` of the same slices (reading only, no picture made). Memory:
tracemalloc's peak and the process's peak RSS after 20 and after 200 slices.

    .venv/bin/python bench/viewer.py [--slices 200] [--size 512] [--window soft]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pydicom
from pydicom.uid import generate_uid

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from make_cd import STUDIES, phantom, slice_write  # noqa: E402

from secondopinion.records.slices import slice_render  # noqa: E402


def series_make(folder: Path, *, slices: int, size: int) -> list[Path]:
    images = phantom(size, np.random.default_rng(7))
    study, study_uid, series_uid = STUDIES[0], generate_uid(), generate_uid()
    paths = []
    for n in range(1, slices + 1):
        path = folder / f"IM{n:04d}"
        slice_write(
            path,
            study=study,
            study_uid=study_uid,
            series_uid=series_uid,
            series_number=1,
            series_description="AXIAL",
            body_part="CHEST",
            number=n,
            pixels=images[n % len(images)],
        )
        paths.append(path)
    return paths


def _ms(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return (
        f"p50 {statistics.median(ordered) * 1000:6.1f} ms  p95 {p95 * 1000:6.1f} ms  "
        f"max {ordered[-1] * 1000:6.1f} ms"
    )


def _rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slices", type=int, default=200)
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--window", default="soft")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="viewer-bench-") as tmp:
        paths = series_make(Path(tmp), slices=args.slices, size=args.size)
        print(f"{len(paths)} slices of {args.size} x {args.size}, window {args.window}")

        started = time.perf_counter()
        slice_render(paths[0], window=args.window)
        print(f"first slice (loads the decoders): {(time.perf_counter() - started) * 1000:.1f} ms")

        baseline = []
        for path in paths[1:]:
            started = time.perf_counter()
            pydicom.dcmread(path).pixel_array  # noqa: B018 - the read is what is timed
            baseline.append(time.perf_counter() - started)

        tracemalloc.start()
        times, sizes, marks = [], [], {}
        for index, path in enumerate(paths[1:], start=2):
            started = time.perf_counter()
            sizes.append(len(slice_render(path, window=args.window).png))
            times.append(time.perf_counter() - started)
            if index in (20, len(paths)):
                marks[index] = (tracemalloc.get_traced_memory()[1] / 1e6, _rss_mb())
        tracemalloc.stop()

    print(f"baseline, pydicom read + pixel_array: {_ms(baseline)}")
    print(f"viewer slice_render (PNG out):        {_ms(times)}")
    print(f"PNG size: median {statistics.median(sizes) / 1024:.0f} KB")
    for count, (traced, rss) in marks.items():
        print(f"after {count:3d} slices: tracemalloc peak {traced:5.1f} MB, peak RSS {rss:6.1f} MB")


if __name__ == "__main__":
    main()
