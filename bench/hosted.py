"""Hosted bench: two gunicorn instances, the real Redis (cache and queue), PostgreSQL, one rq worker.

    .venv/bin/python bench/hosted.py [--users 50] [--duration 40] [--slow 10]

What it does, all on this machine (loopback only, bounded in time):
1. (Re)creates the database `secondopinion_bench_hosted` on PostgreSQL at 127.0.0.1:5432
   (BENCH_PG to change), migrates it and seeds the patients as bench/load.py does, plus one
   share link, one account for the lockout check and one per slow upload. Redis databases 13
   (cache) and 14 (queue) at BENCH_REDIS (redis://127.0.0.1:6379) are emptied first.
2. Starts two gunicorn instances with the production config, both with CACHE_URL on Redis, and
   one rq worker.
3. Limits across instances: opens the share link alternately on instance A and B until refused,
   and signs in with a wrong password alternately on A and B, then with the right one on both.
   Each must hold exactly as on one process: SHARE_LINK_REQUESTS openings in all, then refused;
   LOGIN_FAILURE_LIMIT failures, then locked out on both instances.
4. Load, twice in the same run: the baseline, N patients (half on each instance) walking the
   bench/load.py journey and uploading a small PDF each round; then the same with `--slow`
   patients uploading 2 MB each at 40 KB/s throughout (each holds one app thread: gunicorn is
   reached directly here, without nginx's request buffering, the harsher case).
5. Prints both runs side by side (requests/s, median, p95, errors, per page), the slow uploads'
   outcome, and the memory of each gunicorn process.

Target (issue 17): 50 patients with uploads, p95 < 300 ms and zero errors while 10 slow uploads
are in flight, and the limits hold across instances.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DB_NAME = "secondopinion_bench_hosted"
PASSWORD = "bench-password-not-secret"  # noqa: S105 - fictional bench accounts on loopback
BOUNDARY = "----secondopinion-bench-boundary"

# --- the simulated patients (used when locust imports this file) -----------------------------

if os.environ.get("LOAD_ACCOUNTS"):
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import load  # the journey, the accounts and the result recording of bench/load.py
    from locust import task

    _uploads = itertools.count()

    def _multipart(name: str, data: bytes, token: str) -> bytes:
        return (
            (
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
                f"{token}\r\n--{BOUNDARY}\r\n"
                f'Content-Disposition: form-data; name="files"; filename="{name}"\r\n'
                "Content-Type: application/pdf\r\n\r\n"
            ).encode()
            + data
            + f"\r\n--{BOUNDARY}--\r\n".encode()
        )

    class _Uploading(load.Patient):
        abstract = True

        @task
        def journey(self) -> None:
            super().journey()
            page = self.client.get(f"{self.case}/records/", name="records")
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
            n = next(_uploads)
            data = b"%PDF-1.4 bench upload " + f"{os.getpid()}-{n}".encode() + b" x" * 20_000
            with self.client.post(
                f"{self.case}/records/upload/",
                data=_multipart(f"letter {n}.pdf", data, token.group(1) if token else ""),
                headers={
                    "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
                    "Accept": "application/json",
                    "Referer": f"{self.host}{self.case}/records/",
                },
                name="upload",
                catch_response=True,
            ) as response:
                if response.status_code != 200:
                    response.failure(f"upload {response.status_code}")
            self.wait()

    class OnInstanceA(_Uploading):
        host = os.environ.get("HOST_A", "")

    class OnInstanceB(_Uploading):
        host = os.environ.get("HOST_B", "")


# --- seeding (inside Django, in a subprocess) ------------------------------------------------


def seed_extra(out: Path, slow: int) -> None:
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password

    from secondopinion.accounts.models import User
    from secondopinion.cases.models import Case
    from secondopinion.opinions.services.links import link_create
    from secondopinion.providers.models import Service

    hashed = make_password(PASSWORD)
    owner = User.objects.get(email="patient0@bench.example.org")
    case = Case.objects.filter(owner=owner).first()
    service = Service.objects.filter(case=case).first()
    _, token = link_create(case=case, service=service, user=owner)
    User.objects.create(email="lockout@bench.example.org", password=hashed)
    slow_cases = []
    for n in range(slow):
        user = User.objects.create(email=f"slow{n}@bench.example.org", password=hashed)
        slow_cases.append(
            {"email": user.email, "case": str(Case.objects.create(owner=user).public_id)}
        )
    out.write_text(json.dumps({"share_token": token, "slow": slow_cases}))


# --- orchestration ---------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _p95(times: list[float]) -> float:
    times = sorted(times)
    return times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)] if times else 0.0


def _line(label: str, rows: list, seconds: float) -> str:
    if not rows:
        return f"{label:<20} no requests"
    times = [r[1] for r in rows]
    errors = sum(1 for r in rows if not r[2])
    return (
        f"{label:<20} {len(rows):>6} req {len(rows) / seconds:>6.1f}/s  median "
        f"{statistics.median(times):>6.1f} ms  p95 {_p95(times):>6.1f} ms  errors {errors}"
    )


def _signed_in(base: str, email: str, password: str = PASSWORD):
    import httpx

    client = httpx.Client(base_url=base, timeout=120)
    page = client.get("/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = client.post(
        "/accounts/login/",
        data={"username": email, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/accounts/login/"},
    )
    return client, answer


def limits_check(hosts: list[str], token: str, share_limit: int, login_limit: int) -> bool:
    import httpx

    codes = [
        httpx.get(f"{hosts[n % 2]}/r/{token}/", timeout=30).status_code
        for n in range(share_limit + 10)
    ]
    opened = sum(1 for c in codes if c == 200)
    share_ok = codes[:share_limit] == [200] * share_limit and set(codes[share_limit:]) == {404}
    print(
        f"Share link, alternating instances: {opened} opened, then {len(codes) - opened} refused "
        f"(SHARE_LINK_REQUESTS={share_limit}): {'holds' if share_ok else 'BROKEN'}"
    )
    for n in range(login_limit):
        _signed_in(hosts[n % 2], "lockout@bench.example.org", "wrong password")[0].close()
    locked = []
    for host in hosts:
        client, answer = _signed_in(host, "lockout@bench.example.org")
        locked.append(answer.status_code != 302)
        client.close()
    login_ok = all(locked)
    print(
        f"Sign-in, {login_limit} wrong passwords alternating instances, then the right one on "
        f"each: {'locked out on both' if login_ok else 'NOT locked out'} "
        f"(LOGIN_FAILURE_LIMIT={login_limit}): {'holds' if login_ok else 'BROKEN'}"
    )
    return share_ok and login_ok


def _slow_body(token: str, size: int, rate: int) -> tuple[int, object]:
    """A multipart body of `size` file bytes sent at `rate` bytes a second, with its length
    (a browser sends Content-Length; without it Django would see an empty form)."""
    head = (
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
            f"{token}\r\n--{BOUNDARY}\r\n"
            'Content-Disposition: form-data; name="files"; filename="slow scan.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + b"%PDF-1.4 slow "
        + secrets.token_hex(8).encode()
    )
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    chunk = rate // 10
    pieces = -(-size // chunk)

    def body():
        yield head
        for _ in range(pieces):
            time.sleep(0.1)
            yield b"s" * chunk
        yield tail

    return len(head) + pieces * chunk + len(tail), body()


def slow_uploader(base: str, account: dict, stop: threading.Event, outcomes: list) -> None:
    client, _ = _signed_in(base, account["email"])
    path = f"/cases/{account['case']}/records/"
    try:
        while not stop.is_set():
            page = client.get(path)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
            started = time.monotonic()
            length, body = _slow_body(token, 2 * 1024 * 1024, 40 * 1024)
            answer = client.post(
                f"{path}upload/",
                content=body,
                headers={
                    "Content-Length": str(length),
                    "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
                    "Accept": "application/json",
                    "Referer": f"{base}{path}",
                },
            )
            outcomes.append((answer.status_code, time.monotonic() - started))
    finally:
        client.close()


def _locust(env: dict, *, users: int, seconds: int, work: Path, tag: str, rate: int) -> list:
    results = work / f"results-{tag}.json"
    ramp = -(-users // rate) + 2
    subprocess.run(
        [str(BIN / "locust"), "-f", str(Path(__file__).resolve()), "--headless"]
        + ["--users", str(users), "--spawn-rate", str(rate), "--run-time", f"{seconds + ramp}s"]
        + ["--only-summary", "--loglevel", "WARNING", "--exit-code-on-error", "0"],
        env={**env, "LOAD_RESULTS": str(results)},
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=(work / f"locust-{tag}.log").open("w"),
        timeout=seconds + ramp + 120,
    )
    return json.loads(results.read_text())


def _steady(rows: list) -> tuple[list, float]:
    """Journey requests from the moment the last patient signed in, and that window's length."""
    sign_in = [r for r in rows if r[0] == "sign in"]
    journey = [r for r in rows if r[0] not in ("sign in", "login page")]
    if not sign_in or not journey:
        return journey, 1.0
    start = max(r[3] + r[1] / 1000 for r in sign_in)
    end = max(r[3] + r[1] / 1000 for r in journey)
    return [r for r in journey if r[3] >= start], max(end - start, 1.0)


def _rss_mb(master_pid: int) -> list[float]:
    sizes = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(
                line.split(":", 1) for line in status.read_text().splitlines() if ":" in line
            )
        except OSError:
            continue
        if int(fields.get("PPid", "0")) == master_pid:
            sizes.append(int(fields["VmRSS"].split()[0]) / 1024)
    return sizes


def _wait_healthy(url: str, deadline: float) -> None:
    import httpx

    while True:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"{url} did not answer in time")
        time.sleep(0.2)


def _prepare(args, env: dict, work: Path, server: str) -> dict:
    import psycopg
    import redis

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")
    for url in (env["CACHE_URL"], env["REDIS_URL"]):
        redis.Redis.from_url(url).flushdb()
    subprocess.run([str(BIN / "secondopinion"), "migrate", "-v", "0"], env=env, check=True)
    accounts = work / "accounts.json"
    load_py = ROOT / "bench" / "load.py"
    seed = [sys.executable, str(load_py), "--seed", str(args.users), str(accounts)]
    subprocess.run(seed, env=env, check=True)
    extra = work / "extra.json"
    subprocess.run(
        [sys.executable, __file__, "--seed-extra", str(extra), str(args.slow)], env=env, check=True
    )
    env["LOAD_ACCOUNTS"] = str(accounts)
    return json.loads(extra.read_text())


def _run_load(args, env, work, hosts, extra, *, slow: int) -> tuple[list, float, list]:
    stop, outcomes, threads = threading.Event(), [], []
    for n in range(slow):
        thread = threading.Thread(
            target=slow_uploader,
            args=(hosts[n % 2], extra["slow"][n], stop, outcomes),
            daemon=True,
        )
        thread.start()
        threads.append(thread)
    if slow:
        time.sleep(3)  # every slow upload under way before the patients arrive
    try:
        rows = _locust(
            env,
            users=args.users,
            seconds=args.duration,
            work=work,
            tag=f"slow{slow}",
            rate=args.arrivals,
        )
    finally:
        stop.set()
    for thread in threads:
        thread.join(timeout=120)
    steady, window = _steady(rows)
    return steady, window, outcomes


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=40, help="seconds once all are in")
    parser.add_argument("--slow", type=int, default=10, help="slow uploads in flight")
    parser.add_argument("--arrivals", type=int, default=2, help="patients per second")
    args = parser.parse_args()

    server = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
    redis_base = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379")
    work = Path(tempfile.mkdtemp(prefix="so-hosted-"))
    ports = [_free_port(), _free_port()]
    hosts = [f"http://127.0.0.1:{port}" for port in ports]
    env = {
        **os.environ,
        "DATABASE_URL": f"{server}/{DB_NAME}",
        "SECONDOPINION_DATA_DIR": str(work / "data"),
        "SECRET_KEY": "bench-" + "k" * 60,
        "SECURE_COOKIES": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "TASKS_BACKEND": "rq",
        "REDIS_URL": f"{redis_base}/14",
        "CACHE_URL": f"{redis_base}/13",
        "DJANGO_SETTINGS_MODULE": "secondopinion.settings",
        "WEB_ACCESS_LOG": "",
        "PYTHONPATH": str(ROOT),
        "HOST_A": hosts[0],
        "HOST_B": hosts[1],
    }
    print(f"Preparing {DB_NAME}, {args.users} patients and {args.slow} slow uploaders...")
    extra = _prepare(args, env, work, server)
    gunicorn = [str(BIN / "gunicorn"), "-c", "python:secondopinion.core.gunicorn_conf"]
    procs = [
        subprocess.Popen(
            [*gunicorn, "secondopinion.wsgi"],
            env={**env, "WEB_BIND": f"127.0.0.1:{port}"},
            cwd=ROOT,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    procs.append(
        subprocess.Popen(
            [str(BIN / "secondopinion"), "rqworker", "default", "--worker-ttl", "60"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    )
    try:
        deadline = time.monotonic() + 90
        for host in hosts:
            _wait_healthy(f"{host}/health/", deadline)
        config = subprocess.run(
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
            f"2 gunicorn instances x {config[0]} processes x {config[1]} threads; 1 rq worker; "
            f"{os.cpu_count()} CPUs; Redis {redis_base}; PostgreSQL {server.rsplit('@', 1)[-1]}\n"
        )
        limits = limits_check(hosts, extra["share_token"], 120, 5)
        baseline, base_window, _ = _run_load(args, env, work, hosts, extra, slow=0)
        loaded, load_window, outcomes = _run_load(args, env, work, hosts, extra, slow=args.slow)
        memory = [mb for proc in procs[:2] for mb in _rss_mb(proc.pid)]
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=60)
        shutil.rmtree(work, ignore_errors=True)

    print(f"\nBaseline: {args.users} patients with uploads, no slow upload ({base_window:.0f} s)")
    print(_line("journey", baseline, base_window))
    print(f"With {args.slow} slow uploads in flight ({load_window:.0f} s)")
    print(_line("journey", loaded, load_window))
    print("\nper page           baseline p95   with slow uploads p95")
    for name in sorted({r[0] for r in baseline + loaded}):
        before = _p95([r[1] for r in baseline if r[0] == name])
        after = _p95([r[1] for r in loaded if r[0] == name])
        print(f"  {name:<18} {before:>8.1f} ms   {after:>8.1f} ms")
    done = [o for o in outcomes if o[0] == 200]
    statuses = sorted({o[0] for o in outcomes})
    print(
        f"\nSlow uploads (2 MB at 40 KB/s): {len(outcomes)} finished, {len(done)} stored "
        f"(statuses {statuses}), median "
        f"{statistics.median([o[1] for o in outcomes]) if outcomes else 0:.0f} s each"
    )
    if memory:
        print(
            f"gunicorn processes: {len(memory)}, memory {min(memory):.0f} to {max(memory):.0f} MB "
            "each (resident)"
        )
    p95 = _p95([r[1] for r in loaded])
    errors = sum(1 for r in loaded if not r[2])
    met = limits and errors == 0 and p95 < 300 and args.users >= 50 and args.slow >= 10
    print(
        f"\nTarget (limits hold; 50 patients, 0 errors, p95 < 300 ms with 10 slow uploads): "
        f"{'met' if met else 'NOT met'} ({errors} errors, p95 {p95:.0f} ms)"
    )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--seed-extra":
        sys.path.insert(0, str(ROOT))
        seed_extra(Path(sys.argv[2]), int(sys.argv[3]))
    else:
        main()
