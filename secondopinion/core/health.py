"""Health checks for a load balancer, a monitor and an operator.

`health_report(deep=False)` asks the database only: is the app able to answer at all. With
`deep=True` it also asks every service a page depends on, each timed:

- database: `SELECT 1`;
- cache: a set, get and delete of a random key (rate limits and lockouts live there);
- queue: on Redis (rq), a worker seen within settings.HEALTH_WORKER_SECONDS, the queue length and
  the failed jobs; on a personal copy (the database queue), the tasks waiting and how long the
  oldest has waited, which grows without end when the worker is gone;
- storage: a write, read and delete of a tiny object under `health/`.

Each check answers a plain name, "ok" or "failed", its time in ms and a short reason made from the
kind of error only (never an exception's message, which may hold a password in a URL, a bucket
policy or a path). Nothing here reads a patient's data.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import connection

from secondopinion.core import vault

PROBE_PREFIX = "health/"


class CheckFailed(Exception):
    """A dependency answered, but not as it should; the message is safe to show."""


@dataclass
class Check:
    name: str
    ok: bool
    ms: float
    reason: str = ""
    facts: dict[str, Any] = field(default_factory=dict)


def _timed(name: str, probe: Callable[[], dict[str, Any] | None]) -> Check:
    started = time.perf_counter()
    try:
        facts = probe() or {}
    except CheckFailed as exc:
        return Check(name, False, _ms(started), str(exc))
    except Exception as exc:  # noqa: BLE001 - any failure of a dependency means unhealthy
        # The kind of error only: messages can carry credentials (a URL with a password).
        return Check(name, False, _ms(started), f"{type(exc).__name__}")
    return Check(name, True, _ms(started), facts=facts)


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


def database_probe() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise CheckFailed("the database gave a wrong answer")


def cache_probe() -> None:
    key, value = f"health:{secrets.token_hex(8)}", secrets.token_hex(8)
    cache.set(key, value, 30)
    try:
        if cache.get(key) != value:
            raise CheckFailed("the cache did not keep a value")
    finally:
        cache.delete(key)


def storage_probe() -> None:
    content = secrets.token_bytes(16)
    name = vault.stored_save(f"{PROBE_PREFIX}probe-{secrets.token_hex(8)}", ContentFile(content))
    try:
        with vault.stored_open(name) as handle:
            if handle.read() != content:
                raise CheckFailed("storage gave back different bytes")
    finally:
        vault.stored_delete(name=name)


def _rq_probe() -> dict[str, Any]:
    import django_rq  # noqa: PLC0415 - installed with the hosted extra only (TASKS_BACKEND=rq)
    from rq import Worker  # noqa: PLC0415 - as above

    queue = django_rq.get_queue("default")
    window = timedelta(seconds=settings.HEALTH_WORKER_SECONDS)
    now = datetime.now(UTC)
    workers = Worker.all(connection=queue.connection)
    alive = [w for w in workers if w.last_heartbeat and now - _aware(w.last_heartbeat) <= window]
    facts = {
        "workers": len(alive),
        "queued": queue.count,
        "failed": queue.failed_job_registry.count,
    }
    if not alive:
        raise CheckFailed(
            f"no worker seen in the last {settings.HEALTH_WORKER_SECONDS} s "
            f"({facts['queued']} queued, {facts['failed']} failed)"
        )
    return facts


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _database_queue_probe() -> dict[str, Any]:
    from django_tasks_db.models import DBTaskResult  # noqa: PLC0415 - only with this backend

    now = datetime.now(UTC)
    waiting = DBTaskResult.objects.ready()
    oldest = waiting.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    facts = {
        "queued": waiting.count(),
        "failed": DBTaskResult.objects.failed().count(),
        "oldest_wait_s": round((now - oldest).total_seconds()) if oldest else 0,
    }
    if facts["oldest_wait_s"] > settings.HEALTH_WORKER_SECONDS:
        raise CheckFailed(
            f"a task has waited {facts['oldest_wait_s']} s: is the background worker running?"
        )
    return facts


def queue_probe() -> dict[str, Any] | None:
    backend = str(settings.TASKS["default"]["BACKEND"])
    if backend.endswith("RQBackend"):
        return _rq_probe()
    if backend.endswith("DatabaseBackend"):
        return _database_queue_probe()
    return {"mode": "tasks run at once"}


def _public(check: Check) -> dict[str, Any]:
    shown = asdict(check)
    del shown["name"]
    return shown


PROBES: list[tuple[str, Callable[[], dict[str, Any] | None]]] = [
    ("database", database_probe),
    ("cache", cache_probe),
    ("queue", queue_probe),
    ("storage", storage_probe),
]


def health_report(*, deep: bool = False) -> dict[str, Any]:
    """{"status": "ok" | "error"}; deep adds "failed": [names] and "checks": {name: {...}} for the
    cache, the queue and storage as well."""
    probes = PROBES if deep else PROBES[:1]
    checks = [_timed(name, probe) for name, probe in probes]
    failed = [c.name for c in checks if not c.ok]
    report: dict[str, Any] = {"status": "error" if failed else "ok"}
    if deep:
        report["failed"] = failed
        report["checks"] = {c.name: _public(c) for c in checks}
    return report
