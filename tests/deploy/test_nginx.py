"""docs/deploy.md followed as far as this machine allows: nginx from Debian with the docs' own
server block (a self-signed certificate made here), two gunicorn instances, moto's S3 server.

The server block is read from docs/deploy.md, and only the machine-specific lines are changed
(ports, certificate, log and temporary paths); each change must find its line, so a block that
drifts from what is tested fails here. Then, through nginx over https: a patient signs in, makes a
share link (printed with the non-standard port), a reviewer opens it; the health check answers
over plain http; and nginx's access log holds no token and no query string.

Without nginx (`apt-get install nginx-light`; ./test installs it when run as root) the test is
skipped loudly, and fails under CI=true.
"""

from __future__ import annotations

import datetime
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import boto3
import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.db import connection

from secondopinion.accounts.hashers import Argon2OwaspHasher
from tests.factories import make_case, make_user
from tests.providers.factories import make_service

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PASSWORD = "correct horse battery staple 42"
BUCKET = "secondopinion-deploy-test"

# nginx, two gunicorns and moto's S3 server: the system stage.
pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _nginx_or_skip(capsys) -> str:
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
    if nginx:
        return nginx
    message = "NGINX NOT INSTALLED (apt-get install nginx-light): the deploy test did not run"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    with capsys.disabled():
        print(f"\n!!! {message} !!!", file=sys.stderr)
    pytest.skip(message)


def server_block() -> str:
    text = (ROOT / "docs" / "deploy.md").read_text()
    found = re.search(r"```nginx\n(# /etc/nginx/sites-available/secondopinion\n.*?)```", text, re.S)
    assert found, "docs/deploy.md has no nginx block for /etc/nginx/sites-available/secondopinion"
    return found.group(1)


def _adapted(block: str, replacements: list[tuple[str, str]]) -> str:
    for old, new in replacements:
        assert old in block, f"the docs' server block no longer has {old!r}"
        block = block.replace(old, new)
    return block


def _certificate(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def _wait(url: str, procs: list[subprocess.Popen], deadline: float, **kw) -> None:
    while True:
        try:
            httpx.get(url, timeout=1, **kw)
            return
        except httpx.TransportError:
            for proc in procs:
                if proc.poll() is not None:
                    message = f"{proc.args[0]} stopped: {proc.stderr.read()[-3000:]}"
                    raise AssertionError(message) from None
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _database_for_gunicorn(data_dir: Path) -> str:
    """The committed test database, for the gunicorn processes: a copy of the SQLite one (the
    migrations are run once per test session, not again here), or the same PostgreSQL one."""
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        user, password = s.get("USER") or "postgres", s.get("PASSWORD") or ""
        host, port = s.get("HOST") or "127.0.0.1", s.get("PORT") or 5432
        return f"postgres://{user}:{password}@{host}:{port}/{s['NAME']}"
    data_dir.mkdir(parents=True, exist_ok=True)
    dest = sqlite3.connect(data_dir / "db.sqlite3")
    try:
        connection.ensure_connection()
        connection.connection.backup(dest)
    finally:
        dest.close()
    return ""


def test_the_documented_nginx_serves_the_journey_and_logs_no_token(tmp_path, capsys):
    nginx = _nginx_or_skip(capsys)
    started = time.monotonic()
    http_port, https_port, app1, app2, s3_port = (_free_port() for _ in range(5))
    logs = tmp_path / "logs"
    logs.mkdir()
    cert, key = _certificate(tmp_path)

    owner = make_user("patient@example.org", display_name="Pat Patient")
    owner.password = Argon2OwaspHasher().encode(PASSWORD, Argon2OwaspHasher().salt())
    owner.save()
    case = make_case(owner, patient_name="Pat Patient")
    service = make_service(case, doctor_name="Ada Moreau")
    database_url = _database_for_gunicorn(tmp_path / "data")

    block = _adapted(
        server_block(),
        [
            ("server 127.0.0.1:8001;", f"server 127.0.0.1:{app1};"),
            ("server 127.0.0.1:8002;", f"server 127.0.0.1:{app2};"),
            ("listen 80;", f"listen 127.0.0.1:{http_port};"),
            ("listen [::]:80;\n", ""),
            ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
            ("listen [::]:443 ssl http2;\n", ""),
            ("server_name secondopinion.example.org;", "server_name localhost;"),
            ("/etc/letsencrypt/live/secondopinion.example.org/fullchain.pem", str(cert)),
            ("/etc/letsencrypt/live/secondopinion.example.org/privkey.pem", str(key)),
            ("/var/log/nginx/", f"{logs}/"),
        ],
    )
    temp = tmp_path / "nginx-temp"
    temp.mkdir()
    (tmp_path / "nginx.conf").write_text(
        f"""user root;
worker_processes 1;
daemon off;
pid {tmp_path}/nginx.pid;
error_log {logs}/main-error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
{block}
}}
"""
    )
    check = subprocess.run(
        [nginx, "-t", "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST", "AWS_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="secondopinion.settings",
        SECONDOPINION_DATA_DIR=str(tmp_path / "data"),
        SECRET_KEY="deploy-test-" + "k" * 50,
        ALLOWED_HOSTS="localhost,127.0.0.1",
        CSRF_TRUSTED_ORIGINS=f"https://localhost:{https_port}",
        BEHIND_PROXY="true",
        SECURE_SSL_REDIRECT="true",
        DATABASE_URL=database_url,
        TASKS_BACKEND="immediate",
        STORAGE_BACKEND="s3",
        AWS_STORAGE_BUCKET_NAME=BUCKET,
        AWS_S3_ENDPOINT_URL=f"http://127.0.0.1:{s3_port}",
        AWS_S3_REGION_NAME="us-east-1",
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        WEB_WORKERS="1",
        WEB_THREADS="4",
        WEB_ACCESS_LOG="",
    )
    procs: list[subprocess.Popen] = []

    def start(args: list[str], **extra: str) -> None:
        procs.append(
            subprocess.Popen(
                args,
                cwd=ROOT,
                env={**env, **extra},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
        )

    try:
        start([str(BIN / "python"), "-m", "moto.server", "-H", "127.0.0.1", "-p", str(s3_port)])
        gunicorn = [str(BIN / "gunicorn"), "-c", "python:secondopinion.core.gunicorn_conf"]
        for port in (app1, app2):
            start([*gunicorn, "secondopinion.wsgi"], WEB_BIND=f"127.0.0.1:{port}")
        start([nginx, "-c", str(tmp_path / "nginx.conf")])
        deadline = time.monotonic() + 120  # a machine shared by many builds starts slowly
        _wait(f"http://127.0.0.1:{s3_port}/", procs, deadline)
        boto3.client(
            "s3",
            endpoint_url=f"http://127.0.0.1:{s3_port}",
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        ).create_bucket(Bucket=BUCKET)
        for port in (app1, app2):
            _wait(f"http://127.0.0.1:{port}/health/", procs, deadline)
        _wait(f"http://127.0.0.1:{http_port}/health/", procs, deadline)
        booted = time.monotonic()
        for port in (app1, app2):  # straight to gunicorn, plain http, an IP address as Host
            assert httpx.get(f"http://127.0.0.1:{port}/health/").status_code == 200
        _journey(case, service, http_port=http_port, https_port=https_port, logs=logs)
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
    took, journey = time.monotonic() - started, time.monotonic() - booted
    cpu = os.times()
    with capsys.disabled():
        print(
            f"\n[deploy test: nginx + 2 gunicorn + moto S3 in {took:.1f} s, of which the journey "
            f"{journey:.1f} s {STEPS}; CPU of the servers "
            f"{cpu.children_user + cpu.children_system:.1f} s]",
            file=sys.stderr,
        )


STEPS: dict[str, float] = {}


def _step(name: str, since: list[float]) -> None:
    now = time.monotonic()
    STEPS[name] = round(now - since[0], 1)
    since[0] = now


def _journey(case, service, *, http_port: int, https_port: int, logs: Path) -> None:
    base = f"https://localhost:{https_port}"
    since = [time.monotonic()]
    # The health check over plain http, through nginx and straight from gunicorn by IP address.
    plain = httpx.get(f"http://127.0.0.1:{http_port}/health/?deep=1", timeout=10)
    assert plain.status_code == 200, plain.text
    assert plain.json()["checks"]["storage"]["ok"]  # moto's bucket, written and read back
    assert httpx.get(f"http://127.0.0.1:{http_port}/cases/").status_code == 301
    _step("health", since)

    with httpx.Client(base_url=base, verify=False, timeout=20) as browser:  # noqa: S501 - self-signed
        page = browser.get("/accounts/login/")
        assert page.status_code == 200 and page.headers["X-Request-ID"]
        signed_in = browser.post(
            "/accounts/login/",
            data={
                "username": "patient@example.org",
                "password": PASSWORD,
                "csrfmiddlewaretoken": _csrf(page.text),
            },
            headers={"Referer": f"{base}/accounts/login/"},
        )
        assert signed_in.status_code == 302, signed_in.text[:2000]
        _step("sign in", since)
        dashboard = browser.get(f"/cases/{case.public_id}/")
        assert dashboard.status_code == 200 and "Pat Patient" in dashboard.text
        _step("dashboard", since)
        new_link = f"/cases/{case.public_id}/opinions/links/new/{service.public_id}/"
        form = browser.get(new_link)
        made = browser.post(
            new_link,
            data={"days": "14", "passcode": "", "csrfmiddlewaretoken": _csrf(form.text)},
            headers={"Referer": f"{base}{new_link}"},
        )
        assert made.status_code == 200, made.text[:2000]
        _step("share link and packet", since)
        printed = re.search(rf"{re.escape(base)}/r/([\w-]+)/", made.text)
        assert printed, f"no share link with the port {https_port} on the page"
        token = printed.group(1)
        browser.get("/cases/", params={"zip": "02215", "q": "invasive ductal carcinoma"})

    with httpx.Client(verify=False, timeout=20) as reviewer:  # noqa: S501 - self-signed
        opened = reviewer.get(printed.group(0), headers={"Referer": printed.group(0)})
        assert opened.status_code == 200 and "Pat Patient" in opened.text
        _step("reviewer", since)
        assert reviewer.get(f"{base}/static/core/site.css", headers={"Referer": printed.group(0)})

    time.sleep(0.2)  # nginx writes its access log line after the response
    access = (logs / "secondopinion.access.log").read_text()
    assert "/r/[token]" in access and '"POST /accounts/login/"' in access
    assert token not in access and "invasive" not in access and "02215" not in access
    assert "?" not in access
    for log in logs.iterdir():
        assert token not in log.read_text(), log.name


def _csrf(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert found, "no CSRF field on the page"
    return found.group(1)
