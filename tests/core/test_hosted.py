"""Hosted mode: the same code under the hosted environment variables.

The Redis test talks to the real Redis at REDIS_URL (127.0.0.1:6379 in CI). When Redis is not
reachable it is skipped with a loud message, except under CI=true, where that is a failure.
"""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest
from django.core.management import call_command
from django.test import override_settings

from tests.deploy.docs import env_file_filled, env_read_as_systemd

# Every test runs the CLI, an rq worker or gunicorn as its own process: the system stage.
pytestmark = pytest.mark.system

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def _base_env(tmp_path: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST", "DATABASE_URL"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="secondopinion.settings",
        SECONDOPINION_DATA_DIR=str(tmp_path / "data"),
    )
    return env


def _hosted_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = _base_env(tmp_path)
    env.update(
        SECRET_KEY="x" * 20 + "hosted-test-key-not-used-anywhere-else-0123456789",
        ALLOWED_HOSTS="so.example.org,127.0.0.1",
        SECURE_SSL_REDIRECT="true",
        SECURE_HSTS_SECONDS="31536000",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="true",
        SECURE_HSTS_PRELOAD="true",
        BEHIND_PROXY="true",
        DATABASE_URL="postgres://so:secret@db.internal:5432/secondopinion",
        TASKS_BACKEND="rq",
        REDIS_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15"),
        STORAGE_BACKEND="s3",
        AWS_STORAGE_BUCKET_NAME="secondopinion-documents",
    )
    env.update(extra)
    return env


def _manage(args: list[str], env: dict[str, str], timeout: float = 60):
    return subprocess.run(
        [PYTHON, "-m", "secondopinion", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_it_passes_check_deploy_and_selects_s3_redis_and_postgres_from_the_environment(
    tmp_path,
):
    # The environment file of docs/deploy.md, as systemd reads it, placeholders filled in; only
    # the folders move into tmp_path.
    env = {
        **_base_env(tmp_path),
        **env_read_as_systemd(env_file_filled()),
        "SECONDOPINION_DATA_DIR": str(tmp_path / "data"),
        "BACKUP_KEY_FILE": str(tmp_path / "backup.key"),
    }
    code = (
        "from django.conf import settings;"
        "from django.core.management import call_command;"
        "call_command('check', deploy=True, fail_level='WARNING');"
        "print(settings.STORAGES['default']['BACKEND']);"
        "print(settings.TASKS['default']['BACKEND']);"
        "print(settings.DATABASES['default']['ENGINE'])"
    )
    result = _manage(["shell", "--no-imports", "-c", code], env)
    assert result.returncode == 0, result.stderr + result.stdout
    assert result.stdout.split()[-3:] == [
        "storages.backends.s3.S3Storage",
        "secondopinion.core.rqbackend.JobsRQBackend",
        "django.db.backends.postgresql",
    ], result.stderr
    assert "no issues" in result.stdout


def test_it_refuses_s3_storage_without_a_bucket(tmp_path):
    env = _hosted_env(tmp_path)
    del env["AWS_STORAGE_BUCKET_NAME"]
    result = _manage(["check"], env)
    assert result.returncode != 0 and "AWS_STORAGE_BUCKET_NAME" in result.stderr


def _redis_reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def redis_or_skip(url: str, capsys, what: str) -> None:
    """Go on when the Redis at `url` answers; otherwise skip loudly, and fail under CI=true
    (CI runs Redis: a test that needs it must not pass by skipping)."""
    if _redis_reachable(url):
        return
    message = f"REDIS NOT REACHABLE at {url}: {what} did not run"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    with capsys.disabled():  # straight to the terminal: pytest hides skip reasons
        print(f"\n!!! {message} !!!", file=sys.stderr)
    pytest.skip(message)


def test_it_runs_a_task_through_real_redis_with_a_worker(tmp_path, capsys):
    env = _hosted_env(tmp_path, STORAGE_BACKEND="local", DATABASE_URL="")
    url = env["REDIS_URL"]
    redis_or_skip(url, capsys, "the task-queue test")
    # The worker sweeps dead jobs from its database when it starts: it needs its tables.
    assert _manage(["migrate", "--noinput", "-v", "0"], env).returncode == 0
    # The worker is a real separate process; this test process enqueues through the same Redis.
    worker = subprocess.Popen(
        [PYTHON, "-m", "secondopinion", "rqworker", "default", "--worker-class", "rq.SimpleWorker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    rq_settings = {
        "TASKS": {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}},
        "RQ_QUEUES": {"default": {"URL": url}},
        "RQ": {"JOB_CLASS": "django_tasks_rq.Job"},
    }
    out = io.StringIO()
    try:
        with override_settings(**rq_settings):
            call_command("queue-check", "--wait", "60", stdout=out)
    finally:
        worker.terminate()
        _, worker_log = worker.communicate(timeout=30)
    assert "The task queue works" in out.getvalue(), worker_log[-2000:]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_it_serves_the_health_check_through_gunicorn_with_its_config(tmp_path):
    port = _free_port()
    env = _hosted_env(
        tmp_path,
        STORAGE_BACKEND="local",
        DATABASE_URL="",
        TASKS_BACKEND="database",
        SECURE_SSL_REDIRECT="false",
        WEB_BIND=f"127.0.0.1:{port}",
        WEB_WORKERS="1",
        WEB_ACCESS_LOG="",
    )
    server = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "-c",
            "python:secondopinion.core.gunicorn_conf",
            "secondopinion.wsgi",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # Until the worker has started (and opened its database) a probe may get no answer or
        # a 503, as a load balancer would: it must turn 200 within the deadline.
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/health/", timeout=2)
                if response.status_code == 200 or time.monotonic() > deadline:
                    break
            except httpx.TransportError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
            time.sleep(0.05)
        assert response.status_code == 200 and response.json() == {"status": "ok"}
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_web_processes_share_one_cache_through_redis(tmp_path, capsys):
    """Rate limits (share links) must count across processes: CACHE_URL points them at Redis."""
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
    redis_or_skip(url, capsys, "the shared-cache test")
    env = _hosted_env(tmp_path, STORAGE_BACKEND="local", DATABASE_URL="", CACHE_URL=url)
    key = f"so-test-{os.getpid()}-{tmp_path.name}"
    code = (
        f"from django.core.cache import cache;cache.add('{key}', 0, 60);print(cache.incr('{key}'))"
    )
    counts = [
        _manage(["shell", "--no-imports", "-c", code], env).stdout.split()[-1] for _ in range(2)
    ]
    assert counts == ["1", "2"]


def test_it_refuses_a_cache_url_it_cannot_use(tmp_path):
    env = _hosted_env(tmp_path, STORAGE_BACKEND="local", CACHE_URL="memcached://x")
    result = _manage(["check"], env)
    assert result.returncode != 0 and "CACHE_URL" in result.stderr
