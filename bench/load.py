"""Load bench: simulated patients walk through their case against gunicorn + PostgreSQL.

    .venv/bin/python bench/load.py [--users 50] [--duration 60] [--baseline 20] [--arrivals 2]

What it does, all on this machine (loopback only, bounded in time):
1. (Re)creates the database `secondopinion_bench` on PostgreSQL at 127.0.0.1:5432 (override with
   BENCH_PG, e.g. postgres://postgres@127.0.0.1:5432), migrates it, and seeds one account per
   simulated patient: a case with 20 documents (real small files), 5 services and an opinion.
2. Starts gunicorn with the production config (secondopinion/core/gunicorn_conf.py) on a free
   loopback port.
3. Runs locust headless twice: a baseline with 1 patient (unloaded latency), then N patients
   arriving 2 per second, then all browsing for --duration seconds. Each patient signs in once, then loops over the journey: dashboard, services list, a
   service, the services comparison, the records list, a document page, a document download,
   the opinions page and the opinion comparison, reading each page for 1 to 3 s (a real reader
   takes much longer, so this is a harsher load than 50 real people).
4. Prints requests per second, median and 95th-percentile latency and the error count for the
   journey over the whole run and once every patient is in (the target applies to the latter),
   per page, and sign-in on its own line (it runs Argon2 on purpose).

Targets (issue 8): 50 concurrent users, zero errors, p95 under 300 ms.
The same file is the locustfile (locust imports it; the classes at the bottom are the patients).
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DB_NAME = "secondopinion_bench"

# --- the simulated patient (used when locust imports this file) ------------------------------

if os.environ.get("LOAD_ACCOUNTS"):
    from locust import between, events, task
    from locust.contrib.fasthttp import FastHttpUser

    ACCOUNTS = json.loads(Path(os.environ["LOAD_ACCOUNTS"]).read_text())
    _next_account = itertools.count()
    RECORDS: list[tuple[str, float, bool, float]] = []

    @events.request.add_listener
    def _record(request_type, name, response_time, response_length, exception=None, **kw):
        started = kw.get("start_time") or time.time()
        RECORDS.append((name, response_time, exception is None, started))

    @events.quitting.add_listener
    def _dump(environment, **kw):
        Path(os.environ["LOAD_RESULTS"]).write_text(json.dumps(RECORDS))

    class Patient(FastHttpUser):  # geventhttpclient: the load generator itself stays light
        # Time spent reading each page before the next click. Real patients read far longer
        # (tens of seconds); 1 to 3 s keeps the bench demanding.
        wait_time = between(1.0, 3.0)

        def on_start(self) -> None:
            account = ACCOUNTS[next(_next_account) % len(ACCOUNTS)]
            self.account = account
            page = self.client.get("/accounts/login/", name="login page")
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
            self.client.post(
                "/accounts/login/",
                data={
                    "username": account["email"],
                    "password": account["password"],
                    "csrfmiddlewaretoken": token.group(1) if token else "",
                },
                headers={"Referer": f"{self.host}/accounts/login/"},
                name="sign in",
            )
            self.case = f"/cases/{account['case']}"
            self.docs = itertools.cycle(account["documents"])
            self.services = itertools.cycle(account["services"])

        def _get(self, path: str, name: str) -> None:
            with self.client.get(path, name=name, catch_response=True) as response:
                if response.status_code != 200 or "/accounts/login/" in response.url:
                    response.failure(f"{response.status_code} at {response.url}")
            self.wait()  # reads the page before the next click

        @task
        def journey(self) -> None:
            self._get(f"{self.case}/", "dashboard")
            self._get(f"{self.case}/services/", "services")
            self._get(f"{self.case}/services/{next(self.services)}/", "service")
            self._get(f"{self.case}/services/compare/", "services compare")
            self._get(f"{self.case}/records/", "records")
            doc = next(self.docs)
            self._get(f"{self.case}/records/documents/{doc}/", "document")
            self._get(f"{self.case}/records/documents/{doc}/download/", "download")
            self._get(f"{self.case}/opinions/", "opinions")
            self._get(f"{self.case}/opinions/compare/", "opinions compare")


# --- seeding (run inside Django, in a subprocess) --------------------------------------------


def seed(users: int, out: Path) -> None:
    import datetime
    import io

    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.core.files.storage import default_storage

    from secondopinion.accounts.models import User
    from secondopinion.cases.models import Case
    from secondopinion.core.vault import stream_store
    from secondopinion.opinions.models import Opinion
    from secondopinion.providers.facts import service_save
    from secondopinion.providers.models import Service
    from secondopinion.records.models import Document

    root = Path(default_storage.location)
    password = "bench-password-not-secret"  # noqa: S105 - fictional bench accounts on loopback
    hashed = make_password(password)  # one Argon2 hash, shared: seeding stays quick
    accounts = []
    for n in range(users):
        user = User.objects.create(email=f"patient{n}@bench.example.org", password=hashed)
        case = Case.objects.create(
            owner=user,
            patient_name=f"Bench Patient {n}",
            cancer_type="breast",
            first_plan="Surgery, then radiation.",
            safe_to_wait_until=datetime.date.today() + datetime.timedelta(days=30),
            treatment_goals="Keep working.",
        )
        docs = []
        for i in range(20):
            data = b"%PDF-1.4 bench document " + bytes([n % 256, i]) * 20_000
            stored = stream_store(io.BytesIO(data), root=root, fsync=False)
            docs.append(
                Document(
                    case=case,
                    doc_type=["pathology", "imaging_report", "lab", "summary"][i % 4],
                    original_name=f"record {i}.pdf",
                    stored_name=stored.name,
                    size=stored.size,
                    sha256=stored.sha256,
                    content_type="application/pdf",
                    kind="pdf",
                    document_date=datetime.date(2026, 1, 1) + datetime.timedelta(days=i),
                )
            )
        Document.objects.bulk_create(docs)
        services = []
        for s in range(5):
            service = Service(case=case, name=f"Review Service {s}")
            service_save(service=service, today=datetime.date.today())
            services.append(service)
        Opinion.objects.create(
            case=case,
            service=services[0],
            doctor_name="Dr. Bench",
            recommendations="Surgery first.\nThen radiation.",
        )
        accounts.append(
            {
                "email": user.email,
                "password": password,
                "case": str(case.public_id),
                "documents": [str(d.public_id) for d in Document.objects.filter(case=case)],
                "services": [str(s.public_id) for s in services],
            }
        )
    out.write_text(json.dumps(accounts))


# --- orchestration ---------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_create(server: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")


def _summary(label: str, rows: list, seconds: float) -> str:
    if not rows:
        return f"{label:<22} no requests"
    times = sorted(row[1] for row in rows)
    p95 = times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]
    errors = sum(1 for row in rows if not row[2])
    return (
        f"{label:<22} {len(rows):>6} req  {len(rows) / seconds:>7.1f} req/s  "
        f"median {statistics.median(times):>6.1f} ms  p95 {p95:>6.1f} ms  errors {errors}"
    )


def _locust(env: dict, users: int, seconds: int, *, port: int, work: Path, tag: str) -> list:
    results = work / f"results-{tag}.json"
    env = {**env, "LOAD_RESULTS": str(results)}
    subprocess.run(
        [
            str(BIN / "locust"),
            "-f",
            str(Path(__file__).resolve()),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(SPAWN_RATE),
            "--run-time",
            f"{seconds + _ramp(users)}s",
            "--host",
            f"http://127.0.0.1:{port}",
            "--only-summary",
            "--loglevel",
            "WARNING",
            "--exit-code-on-error",
            "0",
        ],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=(work / f"locust-{tag}.log").open("w"),  # locust's own tables; ours are printed
        timeout=seconds + 120,
    )
    return json.loads(results.read_text())


# Patients arriving per second. Each sign-in runs Argon2 (deliberately slow and memory-hard), so
# arrivals are spread out as they would be in life; --arrivals changes it.
SPAWN_RATE = 2


def _ramp(users: int) -> int:
    return -(-users // SPAWN_RATE) + 2


def _steady(rows: list) -> tuple[list, list, float]:
    """Split off the arrival phase: journey requests measured from the moment the last patient
    finished signing in (every patient is then browsing), and how long that window lasted."""
    sign_in = [r for r in rows if r[0] == "sign in"]
    journey = [r for r in rows if r[0] not in ("sign in", "login page")]
    if not sign_in or not journey:
        return journey, sign_in, 1.0
    start = max(r[3] + r[1] / 1000 for r in sign_in)
    steady = [r for r in journey if r[3] >= start]
    end = max(r[3] + r[1] / 1000 for r in journey)
    return steady, sign_in, max(end - start, 1.0)


def _report(title: str, rows: list, seconds: float) -> list:
    steady, sign_in, window = _steady(rows)
    journey = [r for r in rows if r[0] not in ("sign in", "login page")]
    print(f"\n{title}")
    print(_summary("journey, whole run", journey, seconds))
    print(_summary(f"journey, all in ({window:.0f}s)", steady, window))
    print(_summary("sign in (Argon2)", sign_in, seconds))
    for name in sorted({r[0] for r in steady}):
        print("  " + _summary(name, [r for r in steady if r[0] == name], window))
    return steady


def main() -> None:
    global SPAWN_RATE
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=60, help="seconds of the loaded run")
    parser.add_argument("--baseline", type=int, default=20, help="seconds of the 1-user run")
    parser.add_argument("--arrivals", type=int, default=SPAWN_RATE, help="patients per second")
    args = parser.parse_args()
    SPAWN_RATE = max(1, args.arrivals)

    server = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
    work = Path(tempfile.mkdtemp(prefix="so-load-"))
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"{server}/{DB_NAME}",
        "SECONDOPINION_DATA_DIR": str(work / "data"),
        "SECRET_KEY": "bench-" + "k" * 60,
        "SECURE_COOKIES": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "TASKS_BACKEND": "immediate",
        "LOGIN_FAILURE_LIMIT": "1000",
        "DJANGO_SETTINGS_MODULE": "secondopinion.settings",
        "WEB_BIND": f"127.0.0.1:{port}",
        "WEB_ACCESS_LOG": "",
        "PYTHONPATH": str(ROOT),
    }
    print(f"Preparing database {DB_NAME} and {args.users} patients (data in {work})...")
    _database_create(server)
    subprocess.run([str(BIN / "secondopinion"), "migrate", "-v", "0"], env=env, check=True)
    accounts = work / "accounts.json"
    subprocess.run(
        [sys.executable, __file__, "--seed", str(args.users), str(accounts)], env=env, check=True
    )
    env["LOAD_ACCOUNTS"] = str(accounts)
    server_proc = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "-c",
            "python:secondopinion.core.gunicorn_conf",
            "secondopinion.wsgi",
        ],
        env=env,
        cwd=ROOT,
        stderr=subprocess.DEVNULL,
    )
    try:
        import httpx

        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health/", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("gunicorn did not answer within 60 s")
            time.sleep(0.2)
        workers = subprocess.run(
            [
                sys.executable,
                "-c",
                "import secondopinion.core.gunicorn_conf as c;print(c.workers, c.threads)",
            ],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        print(
            f"gunicorn: {workers[0]} processes x {workers[1]} threads on 127.0.0.1:{port}; "
            f"{os.cpu_count()} CPUs; PostgreSQL {server.rsplit('@', 1)[-1]}"
        )
        baseline = _locust(env, 1, args.baseline, port=port, work=work, tag="baseline")
        _report(f"Baseline: 1 patient for {args.baseline} s", baseline, args.baseline)
        loaded = _locust(env, args.users, args.duration, port=port, work=work, tag="loaded")
        journey = _report(
            f"Load: {args.users} patients arriving {SPAWN_RATE}/s, then {args.duration} s",
            loaded,
            args.duration + _ramp(args.users),
        )
        times = sorted(r[1] for r in journey)
        p95 = times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)] if times else 0
        errors = sum(1 for r in loaded if not r[2])
        verdict = "met" if args.users >= 50 and errors == 0 and p95 < 300 else "NOT met"
        print(
            f"\nTarget (50 users, 0 errors, p95 < 300 ms): {verdict} "
            f"({args.users} users, {errors} errors, p95 {p95:.0f} ms)"
        )
    finally:
        server_proc.terminate()
        server_proc.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--seed":
        sys.path.insert(0, str(ROOT))
        seed(int(sys.argv[2]), Path(sys.argv[3]))
    else:
        main()
