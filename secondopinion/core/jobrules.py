"""The rules of the job lifecycle that need no database: which failures may pass by themselves,
how long to wait before the next attempt, and when a job that stopped beating counts as dead.

Transient failures are the ones a second try a little later can get past: the database busy or
briefly unreachable, a dropped connection, object storage answering "slow down" or 5xx. Anything
else (a damaged file, a disc over the cap, a bug) fails the same way every time, so it is not
retried: the patient sees the plain message at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta

# Exception class names, matched anywhere in the exception's class hierarchy, so this module
# needs neither Django, botocore nor httpx to recognise theirs.
TRANSIENT_CLASSES = frozenset(
    {
        "OperationalError",  # django.db / sqlite3 / psycopg: "database is locked", lost server
        "InterfaceError",  # psycopg: the connection was closed under us
        "ConnectionError",  # builtin (refused, reset, aborted), redis.exceptions.ConnectionError
        "TimeoutError",  # builtin socket timeouts, redis.exceptions.TimeoutError
        "BotoCoreError",  # botocore: endpoint unreachable, read timeouts, ...
        "TransportError",  # httpx: network trouble on the way to a public registry
    }
)
# S3 error codes worth another try (the rest, such as AccessDenied or NoSuchBucket, are not).
TRANSIENT_S3_CODES = frozenset(
    {"SlowDown", "RequestTimeout", "InternalError", "ServiceUnavailable", "Throttling", "503"}
)
# Words of an OperationalError that will not pass by waiting (a schema problem is a bug).
PERMANENT_DB_WORDS = ("no such table", "no such column", "syntax error", "does not exist")


def is_transient(exc: BaseException) -> bool:
    """True when waiting a little and trying again may succeed."""
    names = {cls.__name__ for cls in type(exc).__mro__}
    if "ClientError" in names:  # botocore.exceptions.ClientError carries the S3 code
        response = getattr(exc, "response", None) or {}
        code = str(response.get("Error", {}).get("Code", ""))
        status = response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
        return code in TRANSIENT_S3_CODES or int(status) >= 500
    if not names & TRANSIENT_CLASSES:
        return False
    if "OperationalError" in names:
        text = str(exc).lower()
        return not any(word in text for word in PERMANENT_DB_WORDS)
    return True


def backoff_seconds(attempt: int, *, base: float, cap: float = 600.0) -> float:
    """Seconds to wait after failed attempt number `attempt` (1, 2, ...): base, 4×base, 16×base,
    ... never more than `cap`."""
    if attempt < 1:
        return 0.0
    return min(cap, base * 4 ** (attempt - 1))


def backoff_schedule(retries: int, *, base: float, cap: float = 600.0) -> list[float]:
    """The waits before each retry, in order (what rq's Retry(interval=...) takes)."""
    return [backoff_seconds(n, base=base, cap=cap) for n in range(1, retries + 1)]


def heartbeat_stale(
    heartbeat_at: datetime | None, *, now: datetime, stale_after: float, started_at: datetime
) -> bool:
    """A running job is dead when its last sign of life is older than `stale_after` seconds
    (`stale_after=0`: every running job, used when no worker can be alive)."""
    last = heartbeat_at or started_at
    return now - last >= timedelta(seconds=stale_after)


class ThrottledProgress:
    """A job's progress callback, progress(done, total), that passes it on to `save` at most
    every `every` seconds (and always at the end), so a large disc or case does not write a
    database row for each of its files."""

    def __init__(self, save: Callable[[int, int], object], *, every: float = 0.5) -> None:
        self.save, self.every, self.last = save, every, 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < self.every and done < total:
            return
        self.last = now
        self.save(done, total)
