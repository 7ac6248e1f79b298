"""One id per request, in every log line it causes: the web process's and the worker's.

The request-id middleware (core.middleware.request_id) sets it for the request, taking the proxy's
X-Request-ID when it is sane (letters, digits, `-`, `_`, `.`, 8 to 64 of them; anything else could
carry a token or forge a log line) and making one otherwise. Jobs enqueued during the request carry
it (core.rqjobs puts it in the job's meta) and the worker sets it again around the job, so one
search for the id finds the page, its job and the job's failure.

Pure: no Django. The id lives in a contextvar, so threads (gunicorn's gthread workers) and tasks
each see their own.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_CURRENT: ContextVar[str] = ContextVar("request_id", default="")
SANE = re.compile(r"[A-Za-z0-9._-]{8,64}")


def request_id_new() -> str:
    return secrets.token_hex(16)


def request_id_accept(incoming: str | None) -> str:
    """The incoming id when it is sane, else a new one."""
    if incoming and SANE.fullmatch(incoming):
        return incoming
    return request_id_new()


def current_request_id() -> str:
    """The id of the request or job this code runs for; empty outside both."""
    return _CURRENT.get()


@contextmanager
def request_id_set(value: str) -> Iterator[str]:
    token = _CURRENT.set(value)
    try:
        yield value
    finally:
        _CURRENT.reset(token)
