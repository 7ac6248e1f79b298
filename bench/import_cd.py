"""Benchmark: import the synthetic CD with the real CLI, next to `cp -r` + `sha256sum`.

For each CD (made by bench/make_cd.py; the default one and the doubled one), in a throwaway data
folder with its own database:
- baseline: `cp -r CD DEST && sha256sum` of every copied file (what "copy and checksum" costs
  here), and the same followed by `sync` (the import makes its files durable before its rows
  commit; plain cp returns before the disc has the bytes);
- import: `secondopinion import-cd CD --case ID --json` as a child process (the very command a user
  runs: one pass that hashes while copying and reads headers only), timed, with the child's CPU
  time and peak resident memory from wait4(), and the seconds of each phase it reports.
Each is run `--runs` times, alternating, after a `sync`; the best of each is compared.

    .venv/bin/python bench/import_cd.py [--runs 3] [--skip-x2]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "var" / "bench"
PYTHON = sys.executable


def cd_ensure(scale: int) -> Path:
    path = BENCH / ("cd" if scale == 1 else f"cd-x{scale}")
    if not (path / "DICOMDIR").exists():
        subprocess.run(
            [PYTHON, str(ROOT / "bench" / "make_cd.py"), "--scale", str(scale)], check=True
        )
    return path


def tree_size(path: Path) -> tuple[int, int]:
    files = [p for p in path.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def baseline(cd: Path, work: Path, *, durable: bool = False) -> tuple[float, float]:
    """cp -r + sha256sum of the copy; with durable=True also `sync`, since the import fsyncs
    every file before its rows commit while plain cp returns before the disc has the bytes."""
    dest = work / "copy"
    shutil.rmtree(dest, ignore_errors=True)
    os.sync()
    before = _children_cpu()
    started = time.perf_counter()
    subprocess.run(["cp", "-r", str(cd), str(dest)], check=True)
    # A fixed command on our own temporary paths.
    command = f"find '{dest}' -type f -print0 | xargs -0 sha256sum > /dev/null"
    subprocess.run(command, shell=True, check=True)  # noqa: S602
    if durable:
        subprocess.run(["sync"], check=True)
    elapsed = time.perf_counter() - started
    cpu = _children_cpu() - before
    shutil.rmtree(dest)
    os.sync()
    return elapsed, cpu


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def env_for(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["SECONDOPINION_DATA_DIR"] = str(data_dir)
    env["DJANGO_SETTINGS_MODULE"] = "secondopinion.settings"
    env["TASKS_BACKEND"] = "immediate"
    return env


def case_make(data_dir: Path) -> str:
    env = env_for(data_dir)
    subprocess.run([PYTHON, "-m", "secondopinion.cli", "migrate", "-v", "0"], check=True, env=env)
    code = (
        "import django; django.setup()\n"
        "from secondopinion.accounts.models import User\n"
        "from secondopinion.cases.models import Case\n"
        "u = User.objects.create_user('bench@example.org', 'a-long-bench-password')\n"
        "print(Case.objects.create(owner=u, patient_name='Alex Sample', cancer_type='lung').public_id)\n"
    )
    out = subprocess.run([PYTHON, "-c", code], check=True, env=env, capture_output=True, text=True)
    return out.stdout.strip()


def import_once(cd: Path, data_dir: Path, case_id: str) -> tuple[float, float, float, dict]:
    """Wall time (s), CPU time (s), peak RSS (MB) and the command's JSON result."""
    files_dir = data_dir / "files"
    shutil.rmtree(files_dir, ignore_errors=True)
    env = env_for(data_dir)
    subprocess.run(
        [
            PYTHON,
            "-c",
            "import django; django.setup()\n"
            "from secondopinion.records.models import ImagingStudy, DiscImport\n"
            "ImagingStudy.objects.all().delete(); DiscImport.objects.all().delete()",
        ],
        check=True,
        env=env,
    )
    os.sync()
    out_path = data_dir / "result.json"
    started = time.perf_counter()
    with open(out_path, "w") as out:
        proc = subprocess.Popen(
            [PYTHON, "-m", "secondopinion.cli", "import-cd", str(cd), "--case", case_id, "--json"],
            env=env,
            stdout=out,
        )
        _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"import failed: {out_path.read_text()}")
    peak_mb = usage.ru_maxrss / 1024  # Linux reports KB
    cpu = usage.ru_utime + usage.ru_stime
    return elapsed, cpu, peak_mb, json.loads(out_path.read_text())


def startup_time(data_dir: Path) -> float:
    """What starting the command costs with nothing to do (Django start-up), for context."""
    started = time.perf_counter()
    subprocess.run(
        [PYTHON, "-m", "secondopinion.cli", "import-cd", "--help"],
        check=True,
        env=env_for(data_dir),
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-x2", action="store_true")
    args = parser.parse_args()
    scales = [1] if args.skip_x2 else [1, 2]
    rows = []
    for scale in scales:
        cd = cd_ensure(scale)
        n_files, n_bytes = tree_size(cd)
        work = Path(tempfile.mkdtemp(prefix="so-bench-", dir=BENCH))
        try:
            data_dir = work / "data"
            data_dir.mkdir()
            case_id = case_make(data_dir)
            base_times, durable_times, import_times, peaks = [], [], [], []
            base_cpu, import_cpu = [], []
            result: dict = {}
            for _ in range(args.runs):
                elapsed, cpu = baseline(cd, work)
                base_times.append(elapsed)
                base_cpu.append(cpu)
                durable_times.append(baseline(cd, work, durable=True)[0])
                elapsed, cpu, peak, result = import_once(cd, data_dir, case_id)
                import_times.append(elapsed)
                import_cpu.append(cpu)
                peaks.append(peak)
            startup = min(startup_time(data_dir) for _ in range(3))
        finally:
            shutil.rmtree(work, ignore_errors=True)
        rows.append(
            (
                scale,
                n_files,
                n_bytes,
                min(base_times),
                min(durable_times),
                min(import_times),
                min(base_cpu),
                min(import_cpu),
                max(peaks),
                startup,
                result,
            )
        )
    print(
        f"{'CD':>4} {'files':>6} {'MB':>6} {'cp+sha256':>10} {'+sync':>7} {'import':>7} "
        f"{'ratio':>6} {'ratio/sync':>10} {'cpu base':>9} {'cpu import':>10} {'peak MB':>8} "
        f"{'startup':>8}  found"
    )
    for (
        scale,
        n_files,
        n_bytes,
        base,
        durable,
        imp,
        cpu_base,
        cpu_imp,
        peak,
        startup,
        result,
    ) in rows:
        print(
            f"{'x' + str(scale):>4} {n_files:>6} {n_bytes / 1e6:>6.0f} {base:>9.2f}s "
            f"{durable:>6.2f}s {imp:>6.2f}s {imp / base:>6.2f} {imp / durable:>10.2f} "
            f"{cpu_base:>8.2f}s {cpu_imp:>9.2f}s {peak:>8.1f} {startup:>7.2f}s  "
            f"{result['studies']} studies, {result['series']} series, {result['images']} images, "
            f"skipped {result['skipped_files']} files ({result['skipped_bytes'] / 1e6:.1f} MB), "
            f"previews {sum(s['preview'] for st in result['studies_found'] for s in st['series'])}"
        )
        phases = ", ".join(f"{k} {v:.2f}s" for k, v in result.get("seconds", {}).items())
        print(f"{'':>4} inside the last import: {phases}")
    print(
        "targets: ratio <= 1.00, peak < 150 MB and flat from x1 to x2. The import time includes "
        "Django start-up (last column) and an fsync of every file; '+sync' is the baseline "
        "followed by `sync`, the same durability."
    )
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
