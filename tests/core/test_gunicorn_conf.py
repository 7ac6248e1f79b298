"""The gunicorn settings' access log: share-link and invite tokens never reach it."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

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
