"""Rate limiter and parser figures for the doctors app (not a test).

1. A real-clock burst through the PubMed budget (3 a second): the achieved rate and the largest
   number of calls seen in any one-second window, next to the same burst with no limiter.
2. The per-call overhead of RateLimiter.acquire when the budget is never reached, next to a bare
   lock (the baseline every thread-safe limiter pays).
3. Parsing speed for the recorded-shape fixtures (esummary with 200 documents, a ctgov page with
   100 studies), which is what a lookup costs us once the network has answered.

Run: .venv/bin/python bench/doctors_limiter.py
"""

from __future__ import annotations

import copy
import json
import threading
import time
from pathlib import Path

from secondopinion.doctors.clients.base import RateLimiter
from secondopinion.doctors.clients.ctgov import parse_study
from secondopinion.doctors.clients.pubmed import parse_esummary

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "doctors" / "fixtures"


def max_in_window(times: list[float], period: float) -> int:
    best, start = 0, 0
    for end, t in enumerate(times):
        while t - times[start] >= period:
            start += 1
        best = max(best, end - start + 1)
    return best


def burst(limiter: RateLimiter | None, calls: int, threads: int) -> tuple[float, list[float]]:
    stamps: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(calls // threads):
            if limiter is not None:
                limiter.acquire()
            with lock:
                stamps.append(time.monotonic())

    began = time.monotonic()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return time.monotonic() - began, sorted(stamps)


def main() -> None:
    calls, threads = 15, 5
    base_s, base_times = burst(None, calls, threads)
    lim_s, lim_times = burst(RateLimiter(3, 1.0), calls, threads)
    print(f"burst of {calls} calls from {threads} threads")
    print(
        f"  baseline (no limiter): {base_s:.3f} s, max in any 1 s window: "
        f"{max_in_window(base_times, 1.0)}"
    )
    print(
        f"  limiter 3/s:           {lim_s:.3f} s, max in any 1 s window: "
        f"{max_in_window(lim_times, 1.0)}, {calls} calls / elapsed = {calls / lim_s:.2f}/s"
    )

    n = 200_000
    lock = threading.Lock()
    t0 = time.perf_counter()
    for _ in range(n):
        with lock:
            pass
    bare = (time.perf_counter() - t0) / n * 1e6
    fast = RateLimiter(10**9, 1.0)
    t0 = time.perf_counter()
    for _ in range(n):
        fast.acquire()
    acq = (time.perf_counter() - t0) / n * 1e6
    print(f"acquire overhead: {acq:.2f} us per call (baseline bare lock {bare:.2f} us)")

    summary = json.loads((FIXTURES / "pubmed_esummary.json").read_text())
    doc = summary["result"]["39000001"]
    big = {"header": {}, "result": {"uids": []}}
    for i in range(200):
        uid = str(40000000 + i)
        big["result"]["uids"].append(uid)
        big["result"][uid] = dict(copy.deepcopy(doc), uid=uid)
    page = json.loads((FIXTURES / "ctgov_v2_studies_page.json").read_text())
    studies = [copy.deepcopy(page["studies"][0]) for _ in range(100)]
    reps = 50
    t0 = time.perf_counter()
    for _ in range(reps):
        parse_esummary(big)
    per_summary = (time.perf_counter() - t0) / reps * 1e3
    t0 = time.perf_counter()
    for _ in range(reps):
        for s in studies:
            parse_study(s, "Jane", "Smith")
    per_page = (time.perf_counter() - t0) / reps * 1e3
    t0 = time.perf_counter()
    for _ in range(reps):
        json.loads(json.dumps(big))
    json_base = (time.perf_counter() - t0) / reps * 1e3
    print(
        f"parse esummary, 200 docs: {per_summary:.2f} ms "
        f"(baseline json round trip of the same body {json_base:.2f} ms)"
    )
    print(f"parse ctgov page, 100 studies: {per_page:.2f} ms")


if __name__ == "__main__":
    main()
