"""Benchmark: patient-portal imports, next to plain `json` / `lxml` parsing of the same files.

Inputs (made under var/bench/portal/ on first run):
- bulk-x1: the ten-patient Synthea NDJSON export (../shared/data/portal-records/fhir-bulk-10);
- bulk-x2: the same with every resource twice (new ids), so the input doubles;
- ccd-50: a 50 MB C-CDA (the test fixture's pathology report plus a long results history);
- ccd-100: the same at 100 MB (run with PORTAL_MAX_MB=200 so it is read, not refused);
- bundle-25, bundle-50: one FHIR Bundle JSON of about 25 and 50 MB (the ten-patient export's
  resources copied with new ids, as one patient-access download), made in a temporary folder
  and removed afterwards (never in the repository).
Each is measured in its own child process, peak resident memory from wait4():
- plain: `json.loads` of every line (NDJSON) or of the whole Bundle, or `lxml.etree.parse` of
  the whole C-CDA: the floor for merely parsing the bytes;
- reader: `records.portal.portal_read` (the pure core: parse, check, type, spool documents);
- import: the real `secondopinion import-records PATH --case ID --json --confirm-patient`, in a
  throwaway data folder with its own SQLite database (Django start-up included).
The best of `--runs` is reported.

    .venv/bin/python bench/import_records.py [--runs 2] [--skip-import] [--only bundle]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH = ROOT / "var" / "bench" / "portal"
SHARED = ROOT.parent / "shared" / "data" / "portal-records" / "fhir-bulk-10"
if not SHARED.is_dir():
    SHARED = Path("/work/shared/data/portal-records/fhir-bulk-10")
PYTHON = sys.executable
CLI = str(Path(PYTHON).parent / "secondopinion")

PLAIN = """
import json, sys
from pathlib import Path
from lxml import etree
path = Path(sys.argv[1])
if path.is_dir():
    for file in sorted(path.glob("*.ndjson")):
        with open(file, "rb") as fh:
            for line in fh:
                if line.strip():
                    json.loads(line)
elif path.suffix == ".json":
    with open(path, "rb") as fh:
        json.loads(fh.read())
else:
    etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
"""
READER = """
import sys, tempfile
from pathlib import Path
from secondopinion.records.portal import Limits, portal_read
with tempfile.TemporaryDirectory() as spool:
    read = portal_read(Path(sys.argv[1]), name="bench", spool_dir=Path(spool),
                       limits=Limits(max_bytes=200 * 1024 * 1024))
    print(len(read.documents), len(read.conditions), len(read.medications),
          len(read.procedures), read.resources)
"""


def bundle_make(path: Path, *, megabytes: int) -> Path:
    """One FHIR Bundle of about `megabytes` MB: the ten-patient export's resources again and
    again, each copy with new ids, written entry by entry (never held in memory)."""
    resources = [
        json.loads(line)
        for file in sorted(SHARED.glob("*.ndjson"))
        for line in file.read_text().splitlines()
        if line.strip()
    ]
    target = megabytes * 1024 * 1024
    with open(path, "w") as out:
        out.write('{"resourceType": "Bundle", "type": "collection", "entry": [\n')
        written, number = 0, 0
        while written < target:
            resource = resources[number % len(resources)]
            copy = {**resource, "id": f"{resource['id']}-{number // len(resources)}"}
            written += out.write((",\n" if number else "") + json.dumps({"resource": copy}))
            number += 1
        out.write("\n]}\n")
    return path


def inputs_make(scratch: Path, only: str) -> dict[str, Path]:
    """The inputs whose label starts with `only` (all of them for "")."""

    def wanted(family: str) -> bool:
        return family.startswith(only) or only.startswith(family)

    found = {**(bulk_make() if wanted("bulk") else {}), **(ccds_make() if wanted("ccd") else {})}
    if wanted("bundle"):
        for megabytes in (25, 50):
            found[f"bundle-{megabytes}"] = bundle_make(
                scratch / f"bundle-{megabytes}.json", megabytes=megabytes
            )
    return {label: path for label, path in found.items() if label.startswith(only)}


def bulk_make() -> dict[str, Path]:
    BENCH.mkdir(parents=True, exist_ok=True)
    x1 = BENCH / "bulk-x1"
    if not x1.is_dir():
        shutil.copytree(SHARED, x1)
    x2 = BENCH / "bulk-x2"
    if not x2.is_dir():
        x2.mkdir()
        for file in sorted(SHARED.glob("*.ndjson")):
            with open(file) as src, open(x2 / file.name, "w") as out:
                lines = src.read().splitlines()
                out.write("\n".join(lines) + "\n")
                for line in lines:
                    resource = json.loads(line)
                    resource["id"] = resource.get("id", "") + "-copy"
                    out.write(json.dumps(resource) + "\n")
    return {"bulk-x1": x1, "bulk-x2": x2}


def ccds_make() -> dict[str, Path]:
    from tests.records.portal_files import big_ccd  # noqa: PLC0415 - the test's own generator

    BENCH.mkdir(parents=True, exist_ok=True)
    found = {}
    for megabytes in (50, 100):
        path = BENCH / f"ccd-{megabytes}.xml"
        if not path.exists():
            big_ccd(path, megabytes=megabytes)
        found[f"ccd-{megabytes}"] = path
    return found


def run_child(command: list[str], env: dict | None = None) -> tuple[float, float, str]:
    """(seconds, the child's own peak RSS in MB, its stdout), reaped with wait4()."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=err, env=env)
        _pid, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if child.returncode:
            raise SystemExit(f"{' '.join(command)} failed: {err.read().decode()[-2000:]}")
        return seconds, usage.ru_maxrss / 1024, out.read().decode()


def data_folder() -> tuple[Path, dict, str]:
    folder = Path(tempfile.mkdtemp(prefix="bench-portal-"))
    env = {
        **os.environ,
        "SECONDOPINION_DATA_DIR": str(folder),
        "PORTAL_MAX_MB": "200",
        "DATABASE_URL": "",
    }
    env.pop("DATABASE_URL")
    subprocess.run([CLI, "setup"], env=env, check=True, capture_output=True)
    subprocess.run([CLI, "demo"], env=env, check=True, capture_output=True)
    cases = subprocess.run([CLI, "cases", "--json"], env=env, check=True, capture_output=True)
    return folder, env, json.loads(cases.stdout)[0]["id"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--only", default="", help="inputs whose label starts so (bundle, ccd-50)")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="bench-portal-inputs-"))
    try:
        rows = measure(
            inputs_make(scratch, args.only), runs=args.runs, skip_import=args.skip_import
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    table_print(rows)


def measure(inputs: dict[str, Path], *, runs: int, skip_import: bool) -> list[tuple]:
    rows = []
    for label, path in inputs.items():
        size = (
            sum(p.stat().st_size for p in path.glob("*.ndjson"))
            if path.is_dir()
            else path.stat().st_size
        )
        best: dict[str, tuple[float, float]] = {}
        for _ in range(runs):
            for mode, command in (
                ("plain", [PYTHON, "-c", PLAIN, str(path)]),
                ("reader", [PYTHON, "-c", READER, str(path)]),
            ):
                seconds, peak, _out = run_child(command)
                old = best.get(mode)
                best[mode] = (
                    min(seconds, old[0]) if old else seconds,
                    min(peak, old[1]) if old else peak,
                )
            if not skip_import:
                folder, env, case = data_folder()
                try:
                    seconds, peak, _out = run_child(
                        [
                            CLI,
                            "import-records",
                            str(path),
                            "--case",
                            case,
                            "--json",
                            "--confirm-patient",
                        ],
                        env=env,
                    )
                finally:
                    shutil.rmtree(folder, ignore_errors=True)
                old = best.get("import")
                best["import"] = (
                    min(seconds, old[0]) if old else seconds,
                    min(peak, old[1]) if old else peak,
                )
        rows.append((label, size, best))
    return rows


def table_print(rows: list[tuple]) -> None:
    print(
        "| input | MB | plain s | plain peak MB | reader s | reader peak MB | import s | import peak MB |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for label, size, best in rows:
        imp = best.get("import", (float("nan"), float("nan")))
        print(
            f"| {label} | {size / 1_048_576:.1f} | {best['plain'][0]:.2f} | {best['plain'][1]:.0f} | "
            f"{best['reader'][0]:.2f} | {best['reader'][1]:.0f} | {imp[0]:.2f} | {imp[1]:.0f} |"
        )


if __name__ == "__main__":
    main()
