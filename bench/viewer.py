"""Scan viewer: time to draw each slice of a 200-slice CT series, and memory while doing it.

Makes a synthetic CT series (512 x 512, 16-bit, like bench/make_cd.py) in a temporary folder, then
1. draws every slice with `records.slices.slice_render` (the viewer's renderer; the first slice is
   timed apart, it loads pydicom's decoders). Beside it, the baseline: a plain
   `pydicom.dcmread(path).pixel_array` of the same slices (reading only, no picture made).
   Memory: tracemalloc's peak and this process's peak RSS after 20 and after 200 slices.
2. steps through the same series in the running app, over HTTP, as `records/viewer.js` does: a
   real server (`secondopinion serve --no-worker`, waitress, SQLite, a data folder of its own and
   an empty slice cache), the series imported as a CD, a signed-in patient. Each step is the JSON
   request (`Accept: application/json`; the slice is drawn here on first use) and then the PNG
   it names. The first step is timed apart. Memory: the server process's RSS (now and peak, from
   /proc, so Linux only) after 20, 100 and 200 slices.

    .venv/bin/python bench/viewer.py [--slices 200] [--size 512] [--window soft] [--no-http]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import statistics
import subprocess
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


# --- the app over HTTP -----------------------------------------------------------------------


def seed(folder: Path, out: Path) -> None:
    """Inside Django (a subprocess on the bench's data folder): a patient, her case, the series
    imported as a CD, and a signed-in session for her."""
    import django  # noqa: PLC0415 - only the seeding subprocess sets Django up

    django.setup()
    from django.conf import settings  # noqa: PLC0415
    from django.contrib.auth import get_user_model  # noqa: PLC0415
    from django.test import Client  # noqa: PLC0415

    from secondopinion.cases.models import Case  # noqa: PLC0415
    from secondopinion.records.imports import disc_import_run, disc_import_start  # noqa: PLC0415
    from secondopinion.records.models import ImagingSeries  # noqa: PLC0415

    user = get_user_model().objects.create_user(email="viewer@bench.example.org")
    case = Case.objects.create(owner=user, patient_name="Bench Patient", cancer_type="breast")
    disc_import = disc_import_start(case=case, source_name="bench cd")
    disc_import_run(disc_import=disc_import, source=folder)
    disc_import.refresh_from_db()
    assert disc_import.status == "done", disc_import.error
    series = ImagingSeries.objects.get(study__case=case)
    client = Client()
    client.force_login(user)
    out.write_text(
        json.dumps(
            {
                "viewer": f"/cases/{case.public_id}/records/series/{series.public_id}/view/",
                "cookie": [
                    settings.SESSION_COOKIE_NAME,
                    client.cookies[settings.SESSION_COOKIE_NAME].value,
                ],
            }
        )
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_memory_mb(pid: int) -> tuple[float, float]:
    """The process's resident memory now and at its peak (VmRSS, VmHWM), in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


def _app_wait(server: subprocess.Popen, base: str) -> None:
    import httpx  # noqa: PLC0415 - the hosted extra; only the HTTP part needs it

    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(base + "/health/", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            raise SystemExit("the app did not answer within 60 s")
        time.sleep(0.2)


def _steps(client, viewer: str, *, slices: int, window: str, pid: int) -> dict:
    """Step 1..slices as viewer.js does: the JSON, then the PNG it names. Seconds per request."""

    def step(number: int) -> tuple[float, float]:
        started = time.perf_counter()
        state = client.get(
            viewer,
            params={"slice": number, "window": window},
            headers={"Accept": "application/json"},
        )
        state.raise_for_status()
        asked = time.perf_counter()
        image = client.get(state.json()["image"])
        image.raise_for_status()
        assert image.headers["content-type"] == "image/png", number
        return asked - started, time.perf_counter() - asked

    # She has used the app before she looks at her scans: a search (what the start-up warm-up
    # prepares, so it is done by now), then the viewer's page itself.
    assert client.get("/centers/", params={"zip": "02215"}).status_code == 200
    page = client.get(viewer)
    assert page.status_code == 200 and b"Slice" in page.content, page.status_code
    found: dict = {"first": step(1), "json": [], "png": [], "memory": {}}
    for number in range(2, slices + 1):
        ask, picture = step(number)
        found["json"].append(ask)
        found["png"].append(picture)
        if number in (20, slices // 2, slices):
            found["memory"][number] = _server_memory_mb(pid)
    return found


def through_the_app(folder: Path, data: Path, *, slices: int, window: str) -> None:
    import httpx  # noqa: PLC0415 - the hosted extra; only the HTTP part needs it

    env = {
        **os.environ,
        "SECONDOPINION_DATA_DIR": str(data),
        "DJANGO_SETTINGS_MODULE": "secondopinion.settings",
        "SECURE_COOKIES": "false",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    env.pop("DATABASE_URL", None)
    python = sys.executable
    subprocess.run([python, "-m", "secondopinion", "migrate", "-v", "0"], env=env, check=True)  # noqa: S603 - ours
    seeded = data / "seeded.json"
    subprocess.run([python, __file__, "--seed", str(folder), str(seeded)], env=env, check=True)  # noqa: S603 - ours
    seed_data = json.loads(seeded.read_text())
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - our own interpreter
        [python, "-m", "secondopinion", "serve", "--no-worker", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _app_wait(server, base)
        name, value = seed_data["cookie"]
        with httpx.Client(base_url=base, cookies={name: value}, timeout=60) as client:
            found = _steps(
                client, seed_data["viewer"], slices=slices, window=window, pid=server.pid
            )
    finally:
        server.terminate()
        server.wait(timeout=20)
    steps = [a + p for a, p in zip(found["json"], found["png"], strict=True)]
    print("\nthrough the app over HTTP (secondopinion serve, waitress, 127.0.0.1):")
    print(f"first step (JSON + PNG):              {sum(found['first']) * 1000:.1f} ms")
    print(f"JSON request (draws the slice):       {_ms(found['json'])}")
    print(f"slice PNG (from the cache):           {_ms(found['png'])}")
    print(f"whole step, JSON then PNG:            {_ms(steps)}")
    print(f"slowest step: slice {steps.index(max(steps)) + 2}")
    for count, (rss, peak) in found["memory"].items():
        print(f"server after {count:3d} slices: RSS {rss:6.1f} MB, peak RSS {peak:6.1f} MB")


def main() -> None:
    if sys.argv[1:2] == ["--seed"]:
        seed(Path(sys.argv[2]), Path(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slices", type=int, default=200)
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--window", default="soft")
    parser.add_argument("--no-http", action="store_true", help="time the renderer only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="viewer-bench-") as tmp:
        (Path(tmp) / "cd").mkdir()
        paths = series_make(Path(tmp) / "cd", slices=args.slices, size=args.size)
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
            print(
                f"after {count:3d} slices: tracemalloc peak {traced:5.1f} MB, "
                f"peak RSS {rss:6.1f} MB"
            )
        if not args.no_http:
            through_the_app(
                Path(tmp) / "cd", Path(tmp) / "data", slices=args.slices, window=args.window
            )


if __name__ == "__main__":
    main()
