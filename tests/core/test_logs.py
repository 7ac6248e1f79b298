"""Log lines: a request id shared by the page and its jobs, JSON by LOG_FORMAT, and never a token.

The lines are read from the real console handler that settings.LOGGING configures (its stream
swapped for a buffer), so the filter and formatter under test are the ones a server runs. The
worker test runs a real rq worker process on the real Redis at REDIS_URL (skipped loudly when
unreachable, a failure under CI=true).
"""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import django_rq
import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.test import override_settings

from secondopinion.core.logmask import JSONFormatter
from secondopinion.core.requestid import request_id_set
from tests.core.logjobs import share_notify
from tests.core.test_health import _redis_or_skip, redis_db
from tests.opinions.factories import make_build, make_link

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def console_lines(*, as_json: bool = False):
    """What the configured console handler writes, as a list of lines filled on exit."""
    handler = next(h for h in logging.getLogger().handlers if type(h) is logging.StreamHandler)
    buffer, lines = io.StringIO(), []
    old_stream, old_formatter = handler.setStream(buffer), handler.formatter
    if as_json:
        handler.setFormatter(JSONFormatter())
    try:
        yield lines
    finally:
        handler.setStream(old_stream)
        handler.setFormatter(old_formatter)
        lines.extend(buffer.getvalue().splitlines())


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def test_it_gives_each_request_an_id_and_keeps_a_sane_one_from_the_proxy(client, db):
    first, second = client.get("/about/"), client.get("/about/")
    assert len(first["X-Request-ID"]) == 32 and first["X-Request-ID"] != second["X-Request-ID"]
    assert client.get("/about/", HTTP_X_REQUEST_ID="nginx-4f2a9c1d")["X-Request-ID"] == (
        "nginx-4f2a9c1d"
    )
    for bad in ("short", "has space inside it", "/r/abcdefghijkl/", "x" * 65, "a\nERROR forged"):
        assert client.get("/about/", HTTP_X_REQUEST_ID=bad)["X-Request-ID"] != bad


@pytest.mark.django_db
def test_a_404_on_a_share_path_logs_the_id_and_no_token(client, case):
    link, token = make_link(case)
    with console_lines(as_json=True) as lines:
        response = client.get(f"/r/{token}/no-such-page/")
        client.get(f"/r/{token}x/")  # an unknown link: refused, and not logged at all
    assert response.status_code == 404
    assert lines and all(token not in line for line in lines)
    entries = [json.loads(line) for line in lines]
    assert [(e["level"], e["logger"]) for e in entries] == [("WARNING", "django.request")]
    assert entries[0]["message"] == "Not Found: /r/[token]/no-such-page/"
    assert entries[0]["request_id"] == response["X-Request-ID"]
    assert entries[0]["time"].endswith("+00:00")


@pytest.mark.django_db
def test_a_500_on_a_share_path_logs_the_traceback_and_no_token(client, case):
    build = make_build(case)
    link, token = make_link(case, service=build.service)
    default_storage.delete(build.file_name)  # storage lost the packet
    client.raise_request_exception = False
    with console_lines() as lines:
        response = client.get(f"/r/{token}/packet/")
    assert response.status_code == 500
    text = "\n".join(lines)
    assert "ERROR django.request" in text and "Internal Server Error: /r/[token]/packet/" in text
    assert "Traceback" in text and "FileNotFoundError" in text
    assert f"[{response['X-Request-ID']}]" in text
    assert token not in text


@pytest.mark.django_db
def test_search_words_never_reach_the_log(client, owner_client):
    with console_lines() as lines:
        owner_client.get("/centers/nowhere/", {"q": "invasive ductal carcinoma", "zip": "02215"})
        logging.getLogger("secondopinion").warning("slow: %s", "/centers/?q=invasive+ductal")
    text = "\n".join(lines)
    assert "Not Found: /centers/nowhere/" in text and "slow: /centers/?[query]" in text
    assert "invasive" not in text and "02215" not in text


@pytest.mark.system  # migrate and an rq worker as processes
def test_a_worker_failure_carries_the_request_id_and_no_token(tmp_path, capsys):
    _redis_or_skip(capsys)

    rq = {
        "TASKS": {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}},
        "RQ_QUEUES": {"default": {"URL": redis_db(11)}},
        "RQ": {
            "JOB_CLASS": "secondopinion.core.rqjobs.Job",
            "QUEUE_CLASS": "secondopinion.core.rqjobs.Queue",
        },
    }
    token = "Q_NeWWi6jg7lqOifOGsa6KuZVLehQFOVWMululYqiws"
    with override_settings(**rq), request_id_set("web-req-0123456789"):
        django_rq.get_queue("default").empty()
        share_notify.enqueue(f"https://so.example.org/r/{token}/")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.update(
        DJANGO_SETTINGS_MODULE="secondopinion.settings",
        SECONDOPINION_DATA_DIR=str(tmp_path / "data"),
        TASKS_BACKEND="rq",
        REDIS_URL=redis_db(11),
        LOG_FORMAT="json",
        LOG_LEVEL="INFO",
    )
    # The worker sweeps dead jobs from the database when it starts: it needs its tables.
    subprocess.run(
        [sys.executable, "-m", "secondopinion", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=120,
        check=True,
    )
    result = subprocess.run(
        [sys.executable, "-m", "secondopinion", "rqworker", "default", "--burst"]
        + ["--worker-class", "secondopinion.core.rqjobs.SimpleWorker"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    assert token not in output
    entries = [json.loads(line) for line in output.splitlines() if line.strip()]
    failures = [e for e in entries if e["level"] == "ERROR"]
    assert failures, output[-2000:]
    assert all(e["request_id"] == "web-req-0123456789" for e in failures)
    assert any("/r/[token]/" in e.get("exception", "") for e in failures)
