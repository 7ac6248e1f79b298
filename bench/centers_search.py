"""Directory search latency: median and p95 over 1,000 random ZIP codes, one core.

Prints our search (dict ZIP lookup + precomputed index) next to two baselines measured in the
same run:
- naive: `zipcodes.matching` per call (scans the whole ZIP table) and a plain haversine loop;
- plain loop: our ZIP dict, but haversine recomputed from degrees for every center.

Run: .venv/bin/python bench/centers_search.py [--n 1000] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

import zipcodes

from secondopinion.centers.directory import bundled_centers
from secondopinion.centers.geo import _zip_table, bundled_index, haversine_miles, search_by_zip


def naive_search(zip_code: str, radius: float | None) -> list[tuple[float, str]]:
    row = zipcodes.matching(zip_code)[0]
    lat, lon = float(row["lat"]), float(row["long"])
    hits = []
    for c in bundled_centers():
        miles = haversine_miles(lat, lon, c.latitude, c.longitude)
        if radius is None or miles <= radius:
            hits.append((miles, c.name))
    return sorted(hits)


def plain_loop(zip_code: str, radius: float | None) -> list[tuple[float, str]]:
    place = _zip_table()[zip_code]
    hits = []
    for c in bundled_centers():
        miles = haversine_miles(place.latitude, place.longitude, c.latitude, c.longitude)
        if radius is None or miles <= radius:
            hits.append((miles, c.name))
    return sorted(hits)


def ours(zip_code: str, radius: float | None) -> object:
    return search_by_zip(bundled_index(), zip_code, radius_miles=radius)


def measure(fn, cases) -> list[float]:
    times = []
    for zip_code, radius in cases:
        t0 = time.perf_counter()
        fn(zip_code, radius)
        times.append((time.perf_counter() - t0) * 1000)
    return times


def report(label: str, times: list[float]) -> None:
    times = sorted(times)
    p95 = times[int(0.95 * (len(times) - 1))]
    print(f"{label:<38} median {statistics.median(times):8.3f} ms   p95 {p95:8.3f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    t0 = time.perf_counter()
    table = _zip_table()
    index = bundled_index()
    print(
        f"one-off setup (ZIP dict of {len(table):,} + index of {len(index.centers)}): "
        f"{(time.perf_counter() - t0) * 1000:.0f} ms"
    )
    rng = random.Random(args.seed)
    placeable = sorted(z for z, place in table.items() if place is not None)
    radii = [None, 50.0, 100.0, 300.0, 1000.0]
    cases = [(rng.choice(placeable), rng.choice(radii)) for _ in range(args.n)]
    # Same answers from all three before timing anything.
    for zip_code, radius in cases[:50]:
        a = [round(m, 6) for m, _ in naive_search(zip_code, radius)]
        b = [round(h.miles, 6) for h in ours(zip_code, radius).hits]
        assert a == b, zip_code

    print(f"{args.n} random ZIP codes, radius drawn from {radii}")
    report("ours (dict + precomputed index)", measure(ours, cases))
    report("baseline: plain loop", measure(plain_loop, cases))
    report("baseline: zipcodes.matching per call", measure(naive_search, cases))


if __name__ == "__main__":
    main()
