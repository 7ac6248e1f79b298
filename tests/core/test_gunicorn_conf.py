"""The gunicorn settings' logs: share-link and invite tokens never reach them, and gunicorn's own
lines look like every other process's (UTC with offset, JSON when asked, the request id)."""

from __future__ import annotations

import io
import json
import re
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from secondopinion.core import gunicorn_conf

TOKEN = "Q_NeWWi6jg7lqOifOGsa6KuZVLehQFOVWMululYqiws"


def _atoms(path: str, referer: str = "-") -> dict:
    logger = gunicorn_conf.TokenHidingLogger(Config())
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": path,
        "PATH_INFO": path,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": referer,
    }
    resp = SimpleNamespace(status="200 OK", sent=10, headers=[])
    return logger.atoms(resp, [], environ, timedelta(milliseconds=5))


def test_it_hides_share_link_and_invite_tokens_in_access_log_lines():
    share = _atoms(f"/r/{TOKEN}/files/3/", referer=f"https://example.org/r/{TOKEN}/")
    invite = _atoms(f"/accounts/invite/{TOKEN}/")
    for atoms in (share, invite):
        line = gunicorn_conf.access_log_format % atoms
        assert TOKEN not in line and "[token]" in line
        assert TOKEN not in atoms["r"] and TOKEN not in atoms["f"]
    assert share["U"] == "/r/[token]/files/3/"


def test_it_keeps_other_paths_as_they_are():
    path = "/cases/0b8e7c8e-4a57-4d1e-9a57-1c1f0e9a2b11/records/"
    assert _atoms(path)["U"] == path
    assert gunicorn_conf.logger_class is gunicorn_conf.TokenHidingLogger


UTC_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00")
REQUEST_ID = "9df1d366c17b6747b22d8bb827abc887"


@pytest.fixture
def new_york(monkeypatch):
    """Local time as Django leaves it in a gunicorn worker: TZ set to TIME_ZONE."""
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _logger(monkeypatch, log_format: str):
    monkeypatch.setenv("LOG_FORMAT", log_format)
    config = Config()
    config.set("accesslog", "-")
    config.set("access_log_format", gunicorn_conf.access_log_format)
    logger = gunicorn_conf.TokenHidingLogger(config)
    out = io.StringIO()
    for log in (logger.error_log, logger.access_log):
        for handler in log.handlers:
            if getattr(handler, "_gunicorn", False):  # not pytest's own
                handler.setStream(out)
    return logger, out


def _request(logger, path: str, request_id: str = REQUEST_ID) -> None:
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": path,
        "PATH_INFO": path.partition("?")[0],
        "QUERY_STRING": path.partition("?")[2],
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "::1",
    }
    resp = SimpleNamespace(status="404 Not Found", sent=10, headers=[("X-Request-ID", request_id)])
    logger.access(resp, [], environ, timedelta(milliseconds=5))


def test_its_lines_are_utc_with_the_request_id_in_plain_text(monkeypatch, new_york):
    logger, out = _logger(monkeypatch, "plain")
    logger.error("Error handling request /r/%s/", TOKEN)
    _request(logger, f"/r/{TOKEN}/?q=invasive")
    error, access = out.getvalue().splitlines()
    assert UTC_TIME.match(error) and UTC_TIME.match(access)
    assert error.endswith("ERROR gunicorn.error [-] Error handling request /r/[token]/")
    assert f'INFO gunicorn.access [{REQUEST_ID}] ::1 "GET /r/[token]/" 404' in access
    assert TOKEN not in out.getvalue() and "invasive" not in out.getvalue()


def test_its_lines_are_json_when_log_format_is_json(monkeypatch, new_york):
    logger, out = _logger(monkeypatch, "json")
    logger.info("Booting worker with pid: %s", 42)
    _request(logger, f"/accounts/invite/{TOKEN}/")
    _request(logger, "/cases/", request_id="bad id\nforged line")
    boot, access, unsure = (json.loads(line) for line in out.getvalue().splitlines())
    assert UTC_TIME.match(boot["time"]) and UTC_TIME.match(access["time"])
    assert boot["message"] == "Booting worker with pid: 42" and boot["logger"] == "gunicorn.error"
    assert access["request_id"] == REQUEST_ID and access["logger"] == "gunicorn.access"
    assert access["message"].startswith('::1 "GET /accounts/invite/[token]/" 404')
    assert unsure["request_id"] == "-"  # not the app's id: not written


def test_it_masks_once_however_often_gunicorn_sets_it_up(monkeypatch):
    logger, _ = _logger(monkeypatch, "plain")
    logger.setup(logger.cfg)
    assert len(logger.error_log.filters) == len(logger.access_log.filters) == 1
