"""One lifecycle for every background job, on both task backends (docs/jobs.md).

A job is one run of a kind of work on one object: reading a document's text, reading a pathology
report's facts, importing a CD, building a packet, looking a doctor up. Each kind registers a
`JobKind` from its app's `ready()`; its task body runs inside `job_run(kind, key)`, which keeps a
`core.Job` row: state, attempts, and a heartbeat written every JOB_HEARTBEAT_SECONDS while it
runs. From there:

- a failure that can pass (`jobrules.is_transient`) is tried again after a growing wait, up to
  JOB_RETRIES times; anything else fails at once with the kind's plain message;
- a run longer than its kind's timeout (JOB_TIMEOUT_<KIND>) is stopped and failed;
- a job whose heartbeat stopped (its process died) is found by `jobs_sweep` on start-up of `serve`
  and of every worker, and by `check-integrity`: it is marked failed with a plain message, its
  half-written files are removed, and its page offers "Try again" (`job_retry`).

The object of the job (DiscImport, PacketBuild, Document, ...) keeps what its page shows; the kind's
`on_fail` writes the failure there, `requeue` puts it back to waiting.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import OperationalError, close_old_connections, connection, transaction
from django.db.models import F
from django.utils import timezone

from secondopinion.core import jobrules, vault
from secondopinion.core.applock import lock_held, lock_try
from secondopinion.core.models import Job
from secondopinion.core.words import count

log = logging.getLogger(__name__)

INTERRUPTED = "Interrupted"  # error_class of a job found dead (its process stopped)
INTERRUPTED_MESSAGE = (
    "This stopped because the app was interrupted. Nothing half-made was kept. "
    "Please press Try again."
)
TIMEOUT_MESSAGE = (
    "This took longer than the {minutes} allowed and was stopped. Nothing half-made was kept. "
    "Please press Try again; if it happens again, the file may be too large."
)
# The states of a job that has not ended: job_fail may claim it.
UNFINISHED = (Job.State.QUEUED, Job.State.RUNNING, Job.State.RETRYING)
LOCAL_PREFIX = "local:"  # a scratch entry naming a local folder or file (staging), not storage


class JobTimeout(BaseException):  # noqa: N818 - reads as what happened
    """Raised inside a run that went past its kind's timeout. A BaseException, so the broad
    `except Exception` of a task that turns bad input into a message does not swallow it."""


@dataclass(frozen=True)
class JobKind:
    """One kind of background work. `task` is the django-tasks Task that takes the object's id;
    `on_fail(key, message)` records the failure on the object (and removes what it wrote);
    `requeue(key)` puts the object back to waiting, False when it cannot run again."""

    name: str
    task: Any
    on_fail: Callable[[int, str], None]
    requeue: Callable[[int], bool]
    case_of: Callable[[int], int | None]
    fail_message: str = "Something went wrong. Nothing half-made was kept. Please press Try again."


KINDS: dict[str, JobKind] = {}


def job_kind_register(kind: JobKind) -> JobKind:
    KINDS[kind.name] = kind
    return kind


def kind_for_task(module_path: str) -> JobKind | None:
    return next((k for k in KINDS.values() if k.task.module_path == module_path), None)


# --- settings ----------------------------------------------------------------------------------


def job_timeout(kind: str) -> int:
    return int(settings.JOB_TIMEOUTS.get(kind, settings.JOB_TIMEOUT_DEFAULT))


def job_retries() -> int:
    return int(settings.JOB_RETRIES)


def retry_wait(attempt: int) -> float:
    return jobrules.backoff_seconds(attempt, base=settings.JOB_RETRY_SECONDS)


def _minutes(seconds: int) -> str:
    minutes = max(1, round(seconds / 60))
    return count(minutes, "minute")


# --- enqueueing --------------------------------------------------------------------------------


def job_enqueue(kind: str, key: int, *, case_pk: int | None = None) -> Job:
    """Start (or start again) job `kind` on object `key` once the current transaction commits."""
    job, _ = Job.objects.update_or_create(
        kind=kind,
        key=key,
        defaults={
            "case_pk": case_pk if case_pk is not None else KINDS[kind].case_of(key),
            "state": Job.State.QUEUED,
            "attempts": 0,
            "message": "",
            "error_class": "",
            "scratch": [],
            "started_at": None,
            "heartbeat_at": None,
            "next_attempt_at": None,
            "finished_at": None,
        },
    )
    transaction.on_commit(lambda: _send(kind, key))
    return job


def _send(kind: str, key: int, *, run_after: datetime | None = None) -> None:
    task = KINDS[kind].task
    if run_after is not None and task.get_backend().supports_defer:
        task = task.using(run_after=run_after)
    result = task.enqueue(key)
    Job.objects.filter(kind=kind, key=key).update(task_id=str(result.id)[:64])


def job_for(kind: str, key: int) -> Job | None:
    return Job.objects.filter(kind=kind, key=key).first()


def job_scratch_add(kind: str, key: int, *names: str) -> None:
    """Say what this run is writing, so a dead run's leftovers can be removed. Storage names, a
    folder as "name/", or "local:/path" for a local staging folder."""
    job = Job.objects.filter(kind=kind, key=key).first()
    if job is not None:
        Job.objects.filter(pk=job.pk).update(scratch=[*job.scratch, *names])


def job_scratch_keep(kind: str, key: int, *names: str) -> None:
    """The run's result now owns these (its rows point at them): a run that dies after this must
    not remove them. Call it in the transaction that commits those rows, so both happen or
    neither does."""
    job = Job.objects.filter(kind=kind, key=key).first()
    if job is not None:
        kept = set(names)
        Job.objects.filter(pk=job.pk).update(scratch=[n for n in job.scratch if n not in kept])


@contextmanager
def job_local_copy(kind: str, key: int, name: str) -> Iterator[Path]:
    """`vault.local_copy` inside job `kind` on `key`: on object storage the temporary copy (of a
    CD's ZIP, as large as the disc) is named in the job's scratch, so a run killed while it
    holds the copy leaves nothing in the staging folder."""

    def note(path: Path) -> None:
        job_scratch_add(kind, key, f"{LOCAL_PREFIX}{path}")

    with vault.local_copy(name, on_copy=note) as path:
        yield path


# --- running -----------------------------------------------------------------------------------


class _Heartbeat(threading.Thread):
    """Writes the job's heartbeat every `interval` seconds until stopped, or until the run has
    outlived its timeout (then it stops beating, so the job is found dead even where the timeout
    cannot interrupt the run: Windows, or a task not in the main thread)."""

    def __init__(self, job_pk: int, *, interval: float, timeout: float) -> None:
        super().__init__(name=f"job-heartbeat-{job_pk}", daemon=True)
        self.job_pk, self.interval, self.timeout = job_pk, interval, timeout
        self._stop_event = threading.Event()
        self.beats = 0

    def run(self) -> None:
        started = timezone.now()
        try:
            while not self._stop_event.wait(self.interval):
                now = timezone.now()
                if (now - started).total_seconds() > self.timeout:
                    return
                with suppress(OperationalError):  # busy database: the next beat will do
                    Job.objects.filter(pk=self.job_pk, state=Job.State.RUNNING).update(
                        heartbeat_at=now
                    )
                    self.beats += 1
        finally:
            connection.close()  # this thread's own connection

    def stop(self) -> None:
        self._stop_event.set()
        if self.is_alive():
            self.join(timeout=5)


def _alarm_handler(signum: int, frame: object) -> None:
    raise JobTimeout()


@contextmanager
def _alarm(seconds: int) -> Iterator[None]:
    """SIGALRM after `seconds`, where this process may own it: POSIX, the main thread, and no
    one else's handler (rq sets its own, from the job_timeout we pass it)."""
    usable = (
        hasattr(signal, "SIGALRM")
        and threading.current_thread() is threading.main_thread()
        and signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, None)
    )
    if not usable:
        yield
        return
    signal.signal(signal.SIGALRM, _alarm_handler)
    signal.alarm(max(1, int(seconds)))
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)


def _should_skip(job: Job, now: datetime) -> bool:
    """A delivery this run must not act on: another worker runs the job right now (its heartbeat
    is fresh), or it was found dead and waits for the patient's Try again."""
    if job.state == Job.State.STOPPING:
        return True  # another process is failing it
    if job.state == Job.State.FAILED and job.error_class == INTERRUPTED:
        return True
    if job.state != Job.State.RUNNING:
        return False
    return not jobrules.heartbeat_stale(
        job.heartbeat_at,
        now=now,
        stale_after=settings.JOB_STALE_SECONDS,
        started_at=job.started_at or now,
    )


@contextmanager
def job_run(kind: str, key: int) -> Iterator[bool]:
    """Run the body as job `kind` on `key`; yields False when this delivery must do nothing.

    Success marks the job done. A transient failure with attempts left is scheduled again; any
    other failure, and the timeout, mark it failed through the kind's `on_fail` and do not
    propagate (the queue must not retry bad input).
    """
    spec = KINDS[kind]
    now = timezone.now()
    job, _ = Job.objects.get_or_create(kind=kind, key=key, defaults={"case_pk": spec.case_of(key)})
    if _should_skip(job, now):
        yield False
        return
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.RUNNING,
        attempts=F("attempts") + 1,
        started_at=now,
        heartbeat_at=now,
        next_attempt_at=None,
        message="",
        error_class="",
    )
    job.refresh_from_db()
    timeout = job_timeout(kind)
    beat = _Heartbeat(job.pk, interval=settings.JOB_HEARTBEAT_SECONDS, timeout=timeout)
    beat.start()
    try:
        with _alarm(timeout):
            yield True
    except BaseException as exc:  # noqa: BLE001 - every way out is recorded; see _failure
        beat.stop()
        _failure(spec, job, exc, timeout=timeout)
    else:
        beat.stop()
        Job.objects.filter(pk=job.pk, state=Job.State.RUNNING).update(
            state=Job.State.DONE, finished_at=timezone.now(), scratch=[]
        )


FOREGROUND_DIR = "jobs"  # in the data folder's tmp/ (FILE_UPLOAD_TEMP_DIR): one lock per run


def _foreground_lock_path(kind: str, key: int) -> Path:
    return Path(settings.FILE_UPLOAD_TEMP_DIR) / FOREGROUND_DIR / f"{kind}-{key}.lock"


@contextmanager
def job_run_foreground(kind: str, key: int) -> Iterator[bool]:
    """`job_run` for a command that does the work itself, in the foreground (`import-cd`).

    The job has its row and heartbeat like any other, so a run killed with its terminal is
    found and failed by the same sweeps. While it runs it also holds the operating system's lock
    on a file of its own: a sweep that counts every running job as dead because no worker can be
    alive (`serve` start-up, a repair with the app stopped) leaves a job whose lock is held
    alone, since the command is not the app's worker and may well be running."""
    path = _foreground_lock_path(kind, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        lock_try(fd)
        with job_run(kind, key) as go:
            yield go
    finally:
        os.close(fd)  # closing releases the lock
        path.unlink(missing_ok=True)


def job_held(job: Job) -> bool:
    """True when a foreground command running this job holds its lock (it is alive)."""
    return lock_held(_foreground_lock_path(job.kind, job.key))


def _failure(spec: JobKind, job: Job, exc: BaseException, *, timeout: int) -> None:
    names = {cls.__name__ for cls in type(exc).__mro__}
    error_class = type(exc).__name__
    # Ids and class names only: an exception's message may quote a report or a name.
    if isinstance(exc, JobTimeout) or "JobTimeoutException" in names:
        log.warning("job %s #%s timed out after %s s", spec.name, job.key, timeout)
        job_fail(job, TIMEOUT_MESSAGE.format(minutes=_minutes(timeout)), error_class="Timeout")
        return
    if isinstance(exc, (KeyboardInterrupt, SystemExit)):
        raise exc  # the worker is stopping: the sweep at its next start deals with the job
    if jobrules.is_transient(exc) and job.attempts <= job_retries():
        close_old_connections()  # a dropped database connection is not reused
        wait = retry_wait(job.attempts)
        log.warning(
            "job %s #%s failed (%s), trying again in %.0f s", spec.name, job.key, error_class, wait
        )
        if not spec.requeue(job.key):
            job_fail(job, spec.fail_message, error_class=error_class)
            return
        when = timezone.now() + timedelta(seconds=wait)
        Job.objects.filter(pk=job.pk).update(
            state=Job.State.RETRYING, next_attempt_at=when, error_class=error_class
        )
        _send(spec.name, job.key, run_after=when)
        return
    log.error("job %s #%s failed (%s)", spec.name, job.key, error_class)
    job_fail(job, spec.fail_message, error_class=error_class)


def job_fail(job: Job, message: str, *, error_class: str) -> bool:
    """Mark an unfinished job failed, record it on its object, remove what it left half-written.
    False when the job had already ended, or another process is failing it (it got there first).

    Until its object says so and its half-written files are gone the job is "stopping", and only
    then "failed": nobody sees a failed job whose import still says it runs, and Try again cannot
    start it while the files of the dead run are still being removed."""
    claimed = Job.objects.filter(pk=job.pk, state__in=UNFINISHED).update(
        state=Job.State.STOPPING,
        message=message[:300],
        error_class=error_class[:200],
        heartbeat_at=timezone.now(),
    )
    if not claimed:
        return False
    _failure_finish(job, message)
    return True


def _failure_finish(job: Job, message: str) -> None:
    job.refresh_from_db()  # the run may have added to its scratch list since it was read
    spec = KINDS.get(job.kind)
    if spec is not None:
        spec.on_fail(job.key, message)
    scratch_remove(job.scratch)
    Job.objects.filter(pk=job.pk, state=Job.State.STOPPING).update(
        state=Job.State.FAILED, finished_at=timezone.now(), scratch=[]
    )


def job_retry(job: Job) -> bool:
    """The patient's Try again: a failed job runs again from the start. False if it cannot."""
    spec = KINDS.get(job.kind)
    if job.state != Job.State.FAILED or spec is None or not spec.requeue(job.key):
        return False
    job_enqueue(job.kind, job.key, case_pk=job.case_pk)
    return True


# --- leftovers ---------------------------------------------------------------------------------


def scratch_remove(entries: list[str]) -> None:
    """Remove what a dead run left: storage names, storage folders ("name/"), local paths."""
    for entry in entries:
        if entry.startswith(LOCAL_PREFIX):
            path = Path(entry[len(LOCAL_PREFIX) :])
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
        elif entry.endswith("/"):
            _storage_folder_remove(entry)
        else:
            _storage_name_remove(entry)


def _storage_name_remove(name: str) -> None:
    with suppress(FileNotFoundError):
        vault.stored_delete(name=name)
    local = vault.stored_local_path(name)
    if local is None:
        return
    folder = local.parent
    # A half-written local file sits beside its final name as ".<leaf>.<random>.part".
    for partial in folder.glob(f".{PurePosixPath(name).name}.*"):
        partial.unlink(missing_ok=True)


def _storage_folder_remove(prefix: str) -> None:
    vault.stored_folder_remove(prefix)


# --- finding dead jobs -------------------------------------------------------------------------


def jobs_sweep(*, stale_after: float | None = None) -> list[Job]:
    """Fail every running job whose heartbeat stopped `stale_after` seconds ago or more
    (JOB_STALE_SECONDS by default; 0 when no worker can be running, as at `serve` start-up),
    and feed in the queue's own record of runs that died (rq). Returns the jobs it failed."""
    stale_after = settings.JOB_STALE_SECONDS if stale_after is None else stale_after
    now = timezone.now()
    failed = []
    for job in Job.objects.filter(state=Job.State.RUNNING):
        stale = jobrules.heartbeat_stale(
            job.heartbeat_at, now=now, stale_after=stale_after, started_at=job.started_at or now
        )
        if stale and job_held(job):
            continue  # a foreground command runs it (import-cd): it is alive
        if stale and job_fail(job, INTERRUPTED_MESSAGE, error_class=INTERRUPTED):
            log.warning("job %s #%s was interrupted; marked failed", job.kind, job.key)
            failed.append(job)
    failed.extend(_stopping_finish(now, stale_after))
    if stale_after == 0:
        _db_task_rows_fail()
    failed.extend(rq_failed_feed())
    return failed


def _stopping_finish(now: datetime, stale_after: float) -> list[Job]:
    """Jobs left "stopping" because the process failing them died: each failure is finished."""
    finished = []
    for job in Job.objects.filter(state=Job.State.STOPPING):
        started = job.started_at or job.created_at
        stale = jobrules.heartbeat_stale(
            job.heartbeat_at, now=now, stale_after=stale_after, started_at=started
        )
        if stale and job_fail_resume(job):
            log.warning("job %s #%s was left stopping; its failure is finished", job.kind, job.key)
            finished.append(job)
    return finished


def job_fail_resume(job: Job) -> bool:
    """Take over the failure of a job left "stopping" and finish it: its object is told and its
    half-written files are removed again. False when another process took it over first."""
    taken = Job.objects.filter(
        pk=job.pk, state=Job.State.STOPPING, heartbeat_at=job.heartbeat_at
    ).update(heartbeat_at=timezone.now())
    if taken:
        _failure_finish(job, job.message)
    return bool(taken)


def _db_task_rows_fail() -> None:
    """The database queue's own rows of runs that died stay "running" forever; no worker is
    alive (stale_after == 0), so each of them is over."""
    if not apps.is_installed("django_tasks_db"):
        return
    from django_tasks_db.models import DBTaskResult  # noqa: PLC0415 - only with that backend

    DBTaskResult.objects.running().update(
        status="FAILED", finished_at=timezone.now(), exception_class_path=INTERRUPTED
    )


def rq_failed_feed() -> list[Job]:
    """rq keeps runs that raised or died (abandoned) in its failed-job registry; the job of each
    latest run still marked unfinished here is failed the same way as a dead heartbeat."""
    if not apps.is_installed("django_rq"):
        return []
    import django_rq  # noqa: PLC0415 - installed only when hosted with rq
    from rq.registry import FailedJobRegistry, StartedJobRegistry  # noqa: PLC0415 - as above

    failed = []
    for name in settings.RQ_QUEUES:
        queue = django_rq.get_queue(name)
        StartedJobRegistry(queue=queue).cleanup()  # moves abandoned runs to the failed registry
        for rq_job in queue.job_class.fetch_many(
            FailedJobRegistry(queue=queue).get_job_ids(), connection=queue.connection
        ):
            job = rq_run_died(rq_job)
            if job is not None:
                failed.append(job)
    return failed


def rq_run_died(rq_job: Any) -> Job | None:
    """The rq run `rq_job` died (its work-horse was killed, or rq recorded it as failed or
    abandoned): its job, when that run is its latest and still unfinished, is failed like a dead
    heartbeat. Returns the job it failed, else None."""
    job = _job_of_rq(rq_job)
    if job is not None and job_fail(job, INTERRUPTED_MESSAGE, error_class=INTERRUPTED):
        log.warning("job %s #%s: its rq run died; marked failed", job.kind, job.key)
        return job
    return None


def _job_of_rq(rq_job: Any) -> Job | None:
    if rq_job is None or not rq_job.args:
        return None
    spec = kind_for_task(rq_job.func_name)
    if spec is None:
        return None
    return Job.objects.filter(
        kind=spec.name, key=rq_job.args[0], task_id=rq_job.id, state__in=UNFINISHED
    ).first()
