"""/health/ for a load balancer and /health/?deep=1 for a monitor: each dependency fails in turn.

Failures are real ones: Redis at a port nothing listens on, a bucket that is gone, a storage
folder that cannot be made, PostgreSQL that does not answer. The queue test with a live worker
uses the real Redis at REDIS_URL (skipped loudly when unreachable, a failure under CI=true).
"""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

import boto3
import django_rq
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from rq import Worker

from secondopinion.core.tasks import queue_ping

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_db(number: int) -> str:
    """REDIS_URL's server with a database of the test's own: tests/core/test_hosted.py runs a
    real worker on REDIS_URL's database at the same time (pytest-xdist), which would take this
    test's jobs and count as a worker here."""
    return urlparse(REDIS_URL)._replace(path=f"/{number}").geturl()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the block ends: nothing listens


def _redis_or_skip(capsys) -> None:
    from tests.core.test_hosted import redis_or_skip  # noqa: PLC0415 - test_hosted imports this

    redis_or_skip(REDIS_URL, capsys, "the live-worker health test")


def _rq(settings, url: str) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": url}}


def _deep(client, **extra):
    response = client.get("/health/", {"deep": "1"}, **extra)
    return response.status_code, response.json()


# --- who gets an answer, and how --------------------------------------------------------------


@pytest.mark.django_db
def test_it_answers_a_plain_http_probe_with_an_ip_host_without_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["so.example.org"]
    response = client.get("/health/", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"
    # Anyone else goes through the whole stack: https redirect, then the host check.
    outside = client.get("/health/", HTTP_HOST="so.example.org", REMOTE_ADDR="203.0.113.9")
    assert outside.status_code == 301 and outside["Location"].startswith("https://")
    assert (
        client.get("/health/", HTTP_HOST="10.0.0.7", REMOTE_ADDR="203.0.113.9").status_code == 400
    )


@pytest.mark.django_db
def test_a_configured_probe_address_is_answered_and_a_relayed_visitor_is_not(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.HEALTH_PROBE_ADDRESSES = ["10.20.0.0/16"]
    lb = client.get("/health/", {"deep": "1"}, HTTP_HOST="10.20.1.1", REMOTE_ADDR="10.20.3.4")
    assert lb.status_code == 200 and "checks" in lb.json()
    # Through nginx on this machine: from 127.0.0.1, but for a visitor from the internet.
    relayed = client.get("/health/", {"deep": "1"}, secure=True, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert relayed.status_code == 200 and relayed.json() == {"status": "ok"}  # no details


@pytest.mark.django_db
def test_the_deep_check_times_every_dependency(client):
    status, report = _deep(client)
    assert status == 200 and report["status"] == "ok" and report["failed"] == []
    assert list(report["checks"]) == ["database", "cache", "queue", "storage"]
    assert all(c["ok"] and c["ms"] >= 0 for c in report["checks"].values())


# --- each dependency failing in turn ----------------------------------------------------------


@pytest.mark.django_db
def test_it_names_the_cache_when_redis_does_not_answer(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
        }
    }
    status, report = _deep(client)
    assert status == 503 and report["status"] == "error" and report["failed"] == ["cache"]
    assert report["checks"]["cache"]["reason"] == "ConnectionError"


@pytest.mark.django_db
def test_it_names_the_queue_when_its_redis_does_not_answer(client, settings):
    _rq(settings, f"redis://127.0.0.1:{_closed_port()}/0")
    status, report = _deep(client)
    assert status == 503 and report["failed"] == ["queue"]
    assert "ConnectionError" in report["checks"]["queue"]["reason"]


@pytest.mark.django_db
def test_the_queue_needs_a_worker_seen_lately(client, settings, capsys):
    _redis_or_skip(capsys)
    _rq(settings, redis_db(12))
    settings.HEALTH_WORKER_SECONDS = 60
    connection = django_rq.get_queue("default").connection
    for worker in Worker.all(connection=connection):  # left by an earlier run of this test
        worker.register_death()
    status, report = _deep(client)
    assert status == 503 and report["failed"] == ["queue"]
    assert "no worker seen in the last 60 s" in report["checks"]["queue"]["reason"]

    worker = Worker(["default"], connection=connection, name=f"health-test-{os.getpid()}")
    worker.register_birth()
    try:
        status, report = _deep(client)
    finally:
        worker.register_death()
    assert status == 200, report
    facts = report["checks"]["queue"]["facts"]
    assert facts["workers"] == 1 and {"queued", "failed"} <= set(facts)


@pytest.mark.django_db
def test_it_names_storage_when_the_bucket_is_gone(client, s3):
    status, report = _deep(client)
    assert status == 200 and not list(s3.listdir("health")[1])  # the probe object was removed
    bucket = boto3.resource("s3", region_name="us-east-1").Bucket(s3.bucket_name)
    bucket.objects.all().delete()
    bucket.delete()
    status, report = _deep(client)
    assert status == 503 and report["failed"] == ["storage"]
    assert report["checks"]["storage"]["reason"] == "NoSuchBucket"


@pytest.mark.django_db
def test_it_names_storage_when_the_files_folder_cannot_be_written(client, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the files folder should be")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocker)},
        },
    }
    status, report = _deep(client)
    assert status == 503 and report["failed"] == ["storage"]


@pytest.mark.system  # the CLI as a process
def test_status_names_the_database_when_postgresql_does_not_answer(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.update(
        DJANGO_SETTINGS_MODULE="secondopinion.settings",
        SECONDOPINION_DATA_DIR=str(tmp_path / "data"),
        DATABASE_URL=f"postgres://so:secret-pw@127.0.0.1:{_closed_port()}/so",
        TASKS_BACKEND="immediate",
    )
    result = subprocess.run(
        [sys.executable, "-m", "secondopinion", "status", "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["failed"] == ["database"]
    assert report["checks"]["database"]["reason"] == "OperationalError"
    assert "secret-pw" not in result.stdout + result.stderr
    assert "database failed" in result.stderr


@pytest.mark.django_db
def test_status_prints_each_check_with_its_time(settings):
    out = io.StringIO()
    call_command("status", stdout=out)
    lines = out.getvalue().splitlines()
    assert [line.split()[0] for line in lines] == ["database", "cache", "queue", "storage"]
    assert all(" ok " in line and " ms" in line for line in lines)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
        }
    }
    with pytest.raises(CommandError, match="cache failed"):
        call_command("status", stdout=io.StringIO())


@pytest.mark.django_db
def test_on_a_personal_copy_a_task_waiting_too_long_means_the_worker_is_gone(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.HEALTH_WORKER_SECONDS = 60
    queue_ping.enqueue("still waiting")
    status, report = _deep(client)
    assert status == 200 and report["checks"]["queue"]["facts"]["queued"] == 1
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(minutes=5))
    status, report = _deep(client)
    assert status == 503 and report["failed"] == ["queue"]
    assert "is the background worker running?" in report["checks"]["queue"]["reason"]
