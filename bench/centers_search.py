"""Directory search latency: median and p95 over 1,000 random ZIP codes, one core.

Prints our search (dict ZIP lookup + precomputed index) next to two baselines measured in the
same run:
- naive: `zipcodes.matching` per call (scans the whole ZIP table) and a plain haversine loop;
- plain loop: our ZIP dict, but haversine recomputed from degrees for every center.

With --fresh N it also times the first search of a freshly started app against its later ones:
N times, a new `secondopinion serve --no-worker` (which starts the warm-up, as always) on a data
folder of its own; the first GET of the results page as soon as the port answers, again in a
process that got a 3 s head start, then 20 later searches. Baseline: the same WSGI app served by
waitress with no warm-up.

Run: .venv/bin/python bench/centers_search.py [--n 1000] [--seed 7] [--fresh 3]
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

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


LATER_ZIPS = ("10065", "60611", "77030", "98109", "33136", "55905", "94143", "19104", "37232")
NO_WARMUP = (
    "import django, sys; django.setup(); from waitress import serve; "
    "from django.core.wsgi import get_wsgi_application; "
    "serve(get_wsgi_application(), host='127.0.0.1', port=int(sys.argv[1]), _quiet=True)"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get_ms(port: int, zip_code: str) -> float:
    url = f"http://127.0.0.1:{port}/centers/?zip={zip_code}"
    t0 = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - our own server
        body = response.read()
    ms = (time.perf_counter() - t0) * 1000
    assert b"nearest first" in body, zip_code
    return ms


def _one_fresh(env: dict, *, warm: bool, head_start: float) -> tuple[float, list[float]]:
    """Start a server, time its first search (after head_start s) and then 20 more."""
    port = _free_port()
    cmd = (
        [sys.executable, "-m", "secondopinion", "serve", "--no-worker", "--port", str(port)]
        if warm
        else [sys.executable, "-c", NO_WARMUP, str(port)]
    )
    server = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL)  # noqa: S603 - ours
    try:
        deadline = time.monotonic() + 60
        while True:  # the port answers: the moment a browser could send the first request
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.02)
        time.sleep(head_start)
        first = _get_ms(port, "02215")
        later = [_get_ms(port, LATER_ZIPS[i % len(LATER_ZIPS)]) for i in range(20)]
        return first, later
    finally:
        server.terminate()
        server.wait(timeout=10)


def fresh(runs: int) -> None:
    with tempfile.TemporaryDirectory(prefix="centers-bench-") as data:
        env = {
            **os.environ,
            "SECONDOPINION_DATA_DIR": data,
            "DJANGO_SETTINGS_MODULE": "secondopinion.settings",
            "SECURE_COOKIES": "false",
        }
        env.pop("DATABASE_URL", None)
        subprocess.run(  # noqa: S603 - our own interpreter
            [sys.executable, "-m", "secondopinion", "migrate", "-v", "0"], env=env, check=True
        )
        print(f"\nfirst search of a fresh process vs later ones ({runs} processes each, ms)")
        for label, warm, head_start in (
            ("serve, first search when the port opens", True, 0.0),
            ("serve, first search after a 3 s head start", True, 3.0),
            ("baseline: no warm-up, port opens", False, 0.0),
            ("baseline: no warm-up, 3 s head start", False, 3.0),
        ):
            firsts, laters = [], []
            for _ in range(runs):
                first, later = _one_fresh(env, warm=warm, head_start=head_start)
                firsts.append(first)
                laters.extend(later)
            print(
                f"{label:<46} first: median {statistics.median(firsts):7.1f} "
                f"(max {max(firsts):7.1f})   later: median {statistics.median(laters):6.1f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--fresh", type=int, default=0, help="fresh server processes to time")
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
    if args.fresh:
        fresh(args.fresh)


if __name__ == "__main__":
    main()
