"""docs/deploy.md followed as far as this machine allows: its environment file, its first-start
commands, its units' command lines and its nginx server block, in front of PostgreSQL, Redis and
moto's S3 server.

Everything is read from docs/deploy.md (tests/deploy/docs.py) and only the machine-specific parts
are changed (ports, addresses, folders, the certificate, credentials); each change must find its
text, so a page that drifts from what is tested fails here. In order:

- the environment file, placeholders filled in, read the way "First start" reads it
  (`set -a; . env; set +a`), with the real Redis (database 9) as queue and cache and a fresh
  PostgreSQL database made for this test and dropped after;
- the first-start commands (`setup`, `collectstatic`, `createstaff`) as the docs write them;
- two web processes and one worker from the units' `ExecStart=` lines, nginx with the docs' block
  (a self-signed certificate made here);
- then, through nginx over https: the operator and a patient sign in, the patient makes a share
  link (printed with the non-standard port), a reviewer opens it, and a small text document
  uploaded through nginx is read by the rq worker; the health check answers over plain http; and
  nginx's access log holds no token and no query string.

Without nginx (`apt-get install nginx-light`; ./test installs it when run as root), PostgreSQL
(DATABASE_URL's server, else 127.0.0.1:5432 as user postgres) or Redis, the test is skipped
loudly, and fails under CI=true.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import boto3
import httpx
import psycopg
import pytest
import redis
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.core.test_hosted import redis_or_skip
from tests.deploy.docs import (
    DEPLOY_MD,
    docs_file,
    env_file_filled,
    env_read_as_shell,
    replaced,
)

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PASSWORD = "correct horse battery staple 42"
OPERATOR = "you@example.org"  # the docs' createstaff address
# Redis databases 10 to 15 belong to other tests.
REDIS = "redis://127.0.0.1:6379/9"
POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"
BUCKET = "secondopinion-documents"  # the docs' own name: moto's server starts empty
OPT_BIN = "/opt/secondopinion/.venv/bin/"

# nginx, two gunicorns, an rq worker and moto's S3 server: the system stage.
pytestmark = pytest.mark.system


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _loud_skip(capsys, message: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    with capsys.disabled():  # straight to the terminal: pytest hides skip reasons
        print(f"\n!!! {message} !!!", file=sys.stderr)
    pytest.skip(message)


def _nginx_or_skip(capsys) -> str:
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
    if not nginx:
        _loud_skip(
            capsys, "NGINX NOT INSTALLED (apt-get install nginx-light): the deploy test did not run"
        )
    return nginx


@pytest.fixture
def fresh_postgres(capsys):
    """A new, empty PostgreSQL database on DATABASE_URL's server (else the local one), dropped
    after the test: the docs' `createdb`, so `setup` runs every migration as on a bare machine."""
    server = os.environ.get("DATABASE_URL", "")
    server = server if server.startswith(("postgres://", "postgresql://")) else POSTGRES
    try:
        admin = psycopg.connect(server, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        _loud_skip(
            capsys,
            f"POSTGRESQL NOT REACHABLE ({exc.__class__.__name__}): the deploy test did not run",
        )
    name = f"so_deploy_{uuid.uuid4().hex[:12]}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield re.sub(r"/[^/]*$", f"/{name}", server)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def redis_9(capsys):
    redis_or_skip(REDIS, capsys, "the deploy test")
    client = redis.Redis.from_url(REDIS)
    client.flushdb()
    yield REDIS
    client.flushdb()
    client.close()


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


def server_block() -> str:
    return docs_file("/etc/nginx/sites-available/secondopinion", "nginx")


def _nginx_conf(tmp_path: Path, *, ports: dict[str, int], logs: Path) -> Path:
    cert, key = _certificate(tmp_path)
    block = replaced(
        server_block(),
        [
            ("server 127.0.0.1:8001;", f"server 127.0.0.1:{ports['web1']};"),
            ("server 127.0.0.1:8002;", f"server 127.0.0.1:{ports['web2']};"),
            ("listen 80;", f"listen 127.0.0.1:{ports['http']};"),
            ("listen [::]:80;\n", ""),
            ("listen 443 ssl http2;", f"listen 127.0.0.1:{ports['https']} ssl http2;"),
            ("listen [::]:443 ssl http2;\n", ""),
            ("server_name secondopinion.example.org;", "server_name localhost;"),
            ("/etc/letsencrypt/live/secondopinion.example.org/fullchain.pem", str(cert)),
            ("/etc/letsencrypt/live/secondopinion.example.org/privkey.pem", str(key)),
            ("/var/log/nginx/", f"{logs}/"),
        ],
    )
    temp = tmp_path / "nginx-temp"
    temp.mkdir()
    conf = tmp_path / "nginx.conf"
    conf.write_text(
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
    return conf


def _environment(tmp_path: Path, *, database_url: str, https_port: int) -> dict[str, str]:
    """The docs' environment file for this machine, written to a file and read back the way
    "First start" reads it."""
    text = replaced(
        env_file_filled(),
        [
            ("ALLOWED_HOSTS=secondopinion.example.org", "ALLOWED_HOSTS=localhost,127.0.0.1"),
            (
                "CSRF_TRUSTED_ORIGINS=https://secondopinion.example.org",
                f"CSRF_TRUSTED_ORIGINS=https://localhost:{https_port}",
            ),
            (
                "DATABASE_URL=postgres://secondopinion:secret@127.0.0.1:5432/secondopinion",
                f"DATABASE_URL={database_url}",
            ),
            ("REDIS_URL=redis://127.0.0.1:6379/0", f"REDIS_URL={REDIS}"),
            ("CACHE_URL=redis://127.0.0.1:6379/1", f"CACHE_URL={REDIS}"),
            ("AWS_ACCESS_KEY_ID=...", "AWS_ACCESS_KEY_ID=testing"),
            ("AWS_SECRET_ACCESS_KEY=...", "AWS_SECRET_ACCESS_KEY=testing"),
            (
                "SECONDOPINION_DATA_DIR=/srv/secondopinion",
                f"SECONDOPINION_DATA_DIR={tmp_path}/data",
            ),
            (
                "BACKUP_KEY_FILE=/etc/secondopinion/backup.key",
                f"BACKUP_KEY_FILE={tmp_path}/backup.key",
            ),
        ],
    )
    path = tmp_path / "env"
    path.write_text(text)
    path.chmod(0o640)
    values = env_read_as_shell(path)
    (tmp_path / "data").mkdir(mode=0o700)
    ignored = ("DJANGO_", "PYTEST", "AWS_", "DATABASE_URL", "REDIS_URL", "CACHE_URL", "TASKS_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(ignored) and k not in values}
    return {**env, **values, "DJANGO_SETTINGS_MODULE": "secondopinion.settings"}


def first_start_commands() -> list[list[str]]:
    """The commands of "First start" run as the service user: setup, collectstatic, createstaff."""
    text = DEPLOY_MD.read_text()
    found = re.search(r"```sh\nset -a; \. /etc/secondopinion/env; set \+a\n(.*?)```", text, re.S)
    assert found, 'docs/deploy.md has no "First start" block that reads the environment file'
    prefix = "sudo -E -u secondopinion secondopinion "
    return [
        [str(BIN / "secondopinion"), *shlex.split(line[len(prefix) :], comments=True)]
        for line in found.group(1).splitlines()
        if line.startswith(prefix)
    ]


def unit_command(unit: str, **specifiers: str) -> list[str]:
    """A unit's ExecStart= from the docs, with this venv for /opt/secondopinion's and the unit's
    %-specifiers filled in."""
    found = re.search(r"^ExecStart=(.+)$", docs_file(f"/etc/systemd/system/{unit}", "ini"), re.M)
    assert found, f"the docs' {unit} has no ExecStart="
    line = replaced(found.group(1), [(OPT_BIN, f"{BIN}/")])
    for letter, value in specifiers.items():
        line = line.replace(f"%{letter}", value)
    return shlex.split(line)


# The patient arrives: an account with a case and a doctor's service (sign-up mails a link,
# which this machine cannot deliver).
SEED = """
import datetime
from secondopinion.accounts.models import User
from secondopinion.cases.models import Case
from secondopinion.providers.facts import service_save
from secondopinion.providers.models import Service
owner = User.objects.create_user("patient@example.org", {password!r}, display_name="Pat Patient")
case = Case.objects.create(owner=owner, patient_name="Pat Patient", cancer_type="breast")
service = Service(case=case, name="Hope Second Opinions", doctor_name="Ada Moreau")
service_save(service=service, today=datetime.date.today())
print(case.public_id, service.public_id)
"""


class Processes:
    """The servers of the test, each writing its output to files in `logs`."""

    def __init__(self, env: dict[str, str], logs: Path, cwd: Path) -> None:
        self.env, self.logs, self.cwd = env, logs, cwd
        self.procs: dict[str, subprocess.Popen] = {}

    def start(self, name: str, args: list[str], **extra: str) -> None:
        with (
            (self.logs / f"{name}.out").open("w") as out,
            (self.logs / f"{name}.err").open("w") as err,
        ):
            self.procs[name] = subprocess.Popen(
                args, cwd=self.cwd, env={**self.env, **extra}, stdout=out, stderr=err
            )

    def wait(self, url: str, deadline: float, **kw) -> None:
        while True:
            try:
                httpx.get(url, timeout=1, **kw)
                return
            except httpx.TransportError:
                for name, proc in self.procs.items():
                    if proc.poll() is not None:
                        err = (self.logs / f"{name}.err").read_text()[-3000:]
                        raise AssertionError(f"{name} stopped: {err}") from None
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        for proc in reversed(self.procs.values()):
            proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def _run(args: list[str], env: dict[str, str], cwd: Path, stdin: str = "") -> str:
    # A session of its own: no terminal, so createstaff reads its password from stdin.
    result = subprocess.run(
        args,
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        start_new_session=True,
        check=False,
    )
    assert result.returncode == 0, f"{shlex.join(args[1:])}: {result.stderr[-3000:]}"
    return result.stdout


def test_the_documented_install_serves_the_journey_and_runs_its_jobs(
    tmp_path, capsys, fresh_postgres, redis_9
):
    nginx = _nginx_or_skip(capsys)
    started = time.monotonic()
    ports = {name: _free_port() for name in ("http", "https", "web1", "web2", "s3")}
    logs = tmp_path / "logs"
    logs.mkdir()
    conf = _nginx_conf(tmp_path, ports=ports, logs=logs)
    check = subprocess.run([nginx, "-t", "-c", str(conf)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    env = _environment(tmp_path, database_url=fresh_postgres, https_port=ports["https"])
    env.update(AWS_S3_ENDPOINT_URL=f"http://127.0.0.1:{ports['s3']}", WEB_WORKERS="1")
    data = tmp_path / "data"  # the units' WorkingDirectory
    servers = Processes(env, logs, data)
    figures: dict[str, float] = {}
    try:
        servers.start(
            "s3",
            [str(BIN / "python"), "-m", "moto.server", "-H", "127.0.0.1", "-p", str(ports["s3"])],
        )
        commands = first_start_commands()
        assert [c[1] for c in commands] == ["setup", "collectstatic", "createstaff"]
        for command in commands:
            _run(command, env, data, stdin=f"{PASSWORD}\n{PASSWORD}\n")
        figures["setup"] = time.monotonic() - started
        assert (data / "static" / "core" / "site.css").exists()

        for name in ("web1", "web2"):
            servers.start(
                name,
                unit_command("secondopinion-web@.service", i=str(ports[name])),
                WEB_BIND=f"127.0.0.1:{ports[name]}",
            )
        servers.start(
            "worker", unit_command("secondopinion-worker@.service", H="deploy-test", i="1")
        )
        servers.start("nginx", [nginx, "-c", str(conf)])
        seed = [str(BIN / "python"), "-m", "secondopinion", "shell", "--no-imports", "-c"]
        case_id, service_id = _run([*seed, SEED.format(password=PASSWORD)], env, data).split()
        deadline = time.monotonic() + 120  # a machine shared by many builds starts slowly
        servers.wait(f"http://127.0.0.1:{ports['s3']}/", deadline)
        boto3.client(
            "s3",
            endpoint_url=f"http://127.0.0.1:{ports['s3']}",
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        ).create_bucket(Bucket=BUCKET)
        for name in ("web1", "web2"):
            servers.wait(f"http://127.0.0.1:{ports[name]}/health/", deadline)
        servers.wait(f"https://localhost:{ports['https']}/accounts/login/", deadline, verify=False)
        figures["first page"] = time.monotonic() - started
        for name in ("web1", "web2"):  # straight to gunicorn, plain http, an IP address as Host
            assert httpx.get(f"http://127.0.0.1:{ports[name]}/health/").status_code == 200
        figures["job done"] = _journey(case_id, service_id, ports=ports, logs=logs)
    finally:
        servers.stop()
    took = time.monotonic() - started
    cpu = os.times()
    with capsys.disabled():
        print(
            f"\n[deploy test: setup {figures['setup']:.1f} s, first page {figures['first page']:.1f} s, "
            f"job done {figures['job done']:.1f} s after its upload, total {took:.1f} s {STEPS}; "
            f"CPU of the processes {cpu.children_user + cpu.children_system:.1f} s, "
            f"load average {os.getloadavg()[0]:.1f}]",
            file=sys.stderr,
        )


STEPS: dict[str, float] = {}


def _step(name: str, since: list[float]) -> None:
    now = time.monotonic()
    STEPS[name] = round(now - since[0], 1)
    since[0] = now


def _sign_in(browser: httpx.Client, email: str) -> None:
    page = browser.get("/accounts/login/")
    assert page.status_code == 200 and page.headers["X-Request-ID"]
    signed_in = browser.post(
        "/accounts/login/",
        data={"username": email, "password": PASSWORD, "csrfmiddlewaretoken": _csrf(page.text)},
        headers={"Referer": f"{browser.base_url}/accounts/login/"},
    )
    assert signed_in.status_code == 302, signed_in.text[:2000]


def _journey(case_id: str, service_id: str, *, ports: dict[str, int], logs: Path) -> float:
    """The patient's and the reviewer's steps through nginx; the seconds the upload's background
    job took to be done, as the patient sees it."""
    base = f"https://localhost:{ports['https']}"
    since = [time.monotonic()]
    # The health check over plain http, through nginx: the deep one sees the rq worker too.
    plain = httpx.get(f"http://127.0.0.1:{ports['http']}/health/?deep=1", timeout=10)
    assert plain.status_code == 200, plain.text
    checks = plain.json()["checks"]
    assert checks["storage"]["ok"] and checks["cache"]["ok"]  # moto's bucket, Redis
    assert checks["queue"]["facts"]["workers"] == 1
    assert httpx.get(f"http://127.0.0.1:{ports['http']}/cases/").status_code == 301
    _step("health", since)

    with httpx.Client(base_url=base, verify=False, timeout=20) as operator:  # noqa: S501 - self-signed
        _sign_in(operator, OPERATOR)  # the account createstaff made
    with httpx.Client(base_url=base, verify=False, timeout=20) as browser:  # noqa: S501 - self-signed
        _sign_in(browser, "patient@example.org")
        _step("sign in", since)
        dashboard = browser.get(f"/cases/{case_id}/")
        assert dashboard.status_code == 200 and "Pat Patient" in dashboard.text
        _step("dashboard", since)

        records = f"/cases/{case_id}/records/"
        uploaded_at = time.monotonic()
        sent = browser.post(
            f"{records}upload/",
            files={"files": ("note.txt", b"Pathology: margins are clear.\n", "text/plain")},
            data={"csrfmiddlewaretoken": _csrf(browser.get(records).text)},
            headers={"Referer": f"{base}{records}", "Accept": "application/json"},
        )
        assert sent.status_code == 200, sent.text[:2000]
        document = sent.json()["results"][0]["document"]
        while (
            "margins are clear" not in (page := browser.get(f"{records}documents/{document}/")).text
        ):
            assert time.monotonic() - uploaded_at < 30, "the worker did not read the upload in 30 s"
            time.sleep(0.2)
        job_done = time.monotonic() - uploaded_at
        assert 'class="doc-text"' in page.text
        _step("upload read by the worker", since)

        new_link = f"/cases/{case_id}/opinions/links/new/{service_id}/"
        form = browser.get(new_link)
        made = browser.post(
            new_link,
            data={"days": "14", "passcode": "", "csrfmiddlewaretoken": _csrf(form.text)},
            headers={"Referer": f"{base}{new_link}"},
        )
        assert made.status_code == 200, made.text[:2000]
        _step("share link and packet", since)
        printed = re.search(rf"{re.escape(base)}/r/([\w-]+)/", made.text)
        assert printed, f"no share link with the port {ports['https']} on the page"
        token = printed.group(1)
        browser.get("/cases/", params={"zip": "02215", "q": "invasive ductal carcinoma"})

    with httpx.Client(verify=False, timeout=20) as reviewer:  # noqa: S501 - self-signed
        opened = reviewer.get(printed.group(0), headers={"Referer": printed.group(0)})
        assert opened.status_code == 200 and "Pat Patient" in opened.text
        _step("reviewer", since)
        css = reviewer.get(f"{base}/static/core/site.css", headers={"Referer": printed.group(0)})
        assert css.status_code == 200 and css.headers["Content-Type"].startswith("text/css")

    _logs_hold_no_secret(logs, token=token)
    _gunicorn_lines_are_json(logs, request_id=dashboard.headers["X-Request-ID"])
    return job_done


def _logs_hold_no_secret(logs: Path, *, token: str) -> None:
    time.sleep(0.2)  # nginx writes its access log line after the response
    access = (logs / "secondopinion.access.log").read_text()
    assert "/r/[token]" in access and '"POST /accounts/login/"' in access
    assert token not in access and "invasive" not in access and "02215" not in access
    assert "?" not in access
    for log in logs.iterdir():
        assert token not in log.read_text(), log.name


def _gunicorn_lines_are_json(logs: Path, *, request_id: str) -> None:
    """LOG_FORMAT=json (the docs' environment file): every line of gunicorn, its own included, is
    one JSON object with a UTC time, and the access line of a page carries the page's id."""
    lines = [
        json.loads(line)
        for name in ("web1", "web2")
        for part in ("out", "err")
        for line in (logs / f"{name}.{part}").read_text().splitlines()
    ]
    assert lines and all(line["time"].endswith("+00:00") for line in lines)
    access = [line for line in lines if line["logger"] == "gunicorn.access"]
    assert any(line["request_id"] == request_id for line in access), access[-3:]


def _csrf(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert found, "no CSRF field on the page"
    return found.group(1)
