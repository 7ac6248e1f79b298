"""The job lifecycle (core/jobs.py): done, retried with growing waits when the failure can pass,
failed at once on bad input, stopped at its timeout, a heartbeat while it runs, dead jobs swept
with their half-written files, and Try again."""

from __future__ import annotations

import dataclasses
import os
import sqlite3
import time
from datetime import datetime, timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import OperationalError
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from secondopinion.accounts.models import AuditEvent
from secondopinion.core import jobrules, vault
from secondopinion.core.jobs import (
    INTERRUPTED,
    INTERRUPTED_MESSAGE,
    KINDS,
    JobKind,
    job_enqueue,
    job_fail,
    job_fail_resume,
    job_local_copy,
    job_retry,
    job_run,
    jobs_sweep,
)
from secondopinion.core.models import Job
from secondopinion.records.models import DiscImport

KIND = "test_kind"
BODY: dict[int, object] = {}  # key -> what the job does (a callable)
failed_calls: list[tuple[int, str]] = []


@task()
def test_job(key: int) -> None:
    with job_run(KIND, key) as go:
        if go:
            BODY[key]()


@pytest.fixture
def kind(settings):
    settings.JOB_RETRIES = 3
    settings.JOB_RETRY_SECONDS = 10
    failed_calls.clear()
    spec = JobKind(
        name=KIND,
        task=test_job,
        on_fail=lambda key, message: failed_calls.append((key, message)),
        requeue=lambda key: True,
        case_of=lambda key: None,
        fail_message="It did not work. Please press Try again.",
    )
    KINDS[KIND] = spec
    yield spec
    KINDS.pop(KIND, None)
    BODY.clear()


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }


def _raise(exc: BaseException):
    def body() -> None:
        raise exc

    return body


def _job(key: int = 1) -> Job:
    return Job.objects.get(kind=KIND, key=key)


@pytest.mark.django_db
def test_it_marks_a_job_done_after_one_attempt(kind):
    ran = []
    BODY[1] = lambda: ran.append(1)
    test_job.call(1)
    job = _job()
    assert ran == [1]
    assert (job.state, job.attempts, job.message) == ("done", 1, "")
    assert job.finished_at is not None and failed_calls == []


@pytest.mark.django_db
@pytest.mark.skipif(
    "sqlite" not in os.environ.get("DATABASE_URL", "sqlite"),
    reason="simulates SQLite's 'database is locked'; on PostgreSQL it closes the test connection",
)
def test_it_retries_a_locked_database_with_growing_waits_then_fails_plainly(kind, database_queue):
    BODY[1] = _raise(OperationalError("database is locked"))
    waits = []
    for attempt in range(1, 4):
        before = timezone.now()
        test_job.call(1)
        job = _job()
        assert (job.state, job.attempts, job.error_class) == (
            "retrying",
            attempt,
            "OperationalError",
        )
        queued = DBTaskResult.objects.order_by("-enqueued_at").first()
        assert queued.args_kwargs["args"] == [1]
        waits.append(round((queued.run_after - before).total_seconds()))
    assert waits == [10, 40, 160]
    assert failed_calls == []
    test_job.call(1)  # the fourth attempt: no retries left
    job = _job()
    assert (job.state, job.attempts) == ("failed", 4)
    assert failed_calls == [(1, "It did not work. Please press Try again.")]
    assert DBTaskResult.objects.count() == 3  # no fourth retry queued


@pytest.mark.django_db
def test_it_does_not_retry_bad_input(kind, database_queue):
    BODY[1] = _raise(ValueError("not a DICOM file"))
    test_job.call(1)
    job = _job()
    assert (job.state, job.attempts, job.error_class) == ("failed", 1, "ValueError")
    assert job.message == "It did not work. Please press Try again."
    assert DBTaskResult.objects.count() == 0
    assert failed_calls == [(1, job.message)]


@pytest.mark.django_db
def test_it_stops_a_job_past_its_timeout(kind, settings):
    settings.JOB_TIMEOUTS = {KIND: 1}
    BODY[1] = lambda: time.sleep(10)
    started = time.monotonic()
    test_job.call(1)
    assert time.monotonic() - started < 5
    job = _job()
    assert (job.state, job.error_class) == ("failed", "Timeout")
    assert "longer than the 1 minute allowed" in job.message
    assert failed_calls == [(1, job.message)]


@pytest.mark.django_db(transaction=True)
def test_it_writes_a_heartbeat_while_it_runs(kind, settings):
    settings.JOB_HEARTBEAT_SECONDS = 0.1
    seen = []

    def body() -> None:
        time.sleep(0.6)
        job = _job()
        seen.append(job.heartbeat_at - job.started_at)

    BODY[1] = body
    test_job.call(1)
    assert seen[0] >= timedelta(seconds=0.3)
    assert _job().state == "done"


@pytest.mark.django_db
def test_the_sweep_fails_a_silent_job_and_removes_what_it_half_wrote(kind, tmp_path):
    half = default_storage.save("disc/abc/half", ContentFile(b"x" * 10))
    folder_file = default_storage.save("disc/def/one", ContentFile(b"y"))
    staged = tmp_path / "staging" / "disc" / "def"
    staged.mkdir(parents=True)
    (staged / "one").write_bytes(b"y")
    other = default_storage.save("disc/keep/other", ContentFile(b"z"))
    long_ago = timezone.now() - timedelta(minutes=10)
    Job.objects.create(
        kind=KIND,
        key=1,
        state="running",
        started_at=long_ago,
        heartbeat_at=long_ago,
        scratch=[half, "disc/def/", f"local:{staged}"],
    )
    Job.objects.create(
        kind=KIND, key=2, state="running", started_at=timezone.now(), heartbeat_at=timezone.now()
    )
    swept = jobs_sweep()
    assert [j.key for j in swept] == [1]
    job = _job(1)
    assert (job.state, job.error_class, job.message) == ("failed", INTERRUPTED, INTERRUPTED_MESSAGE)
    assert failed_calls == [(1, INTERRUPTED_MESSAGE)]
    assert not default_storage.exists(half) and not default_storage.exists(folder_file)
    assert not staged.exists()
    assert default_storage.exists(other)
    assert _job(2).state == "running"  # alive: its heartbeat is fresh
    assert [j.key for j in jobs_sweep(stale_after=0)] == [2]  # no worker alive: it is dead


@pytest.mark.django_db
def test_a_job_is_stopping_until_its_object_is_told_and_its_files_are_gone(kind):
    """An observer in between (a page, Try again) never sees a failed job whose object still says
    it runs, and cannot start it again while the dead run's files are being removed."""
    half = default_storage.save("disc/abc/half", ContentFile(b"x"))
    seen = []

    def on_fail(key: int, message: str) -> None:
        job = _job(key)
        seen.append((job.state, job.finished_at, job_retry(job), default_storage.exists(half)))

    KINDS[KIND] = dataclasses.replace(kind, on_fail=on_fail)
    job = Job.objects.create(kind=KIND, key=1, state="running", scratch=[half])
    assert job_fail(job, "It stopped.", error_class="ValueError")
    assert seen == [("stopping", None, False, True)]
    job = _job()
    assert (job.state, job.message, job.scratch) == ("failed", "It stopped.", [])
    assert job.finished_at is not None and not default_storage.exists(half)
    assert not job_fail(job, "Again.", error_class="ValueError")  # it has ended
    assert len(seen) == 1


@pytest.mark.django_db
def test_a_job_left_stopping_by_a_dead_process_has_its_failure_finished(kind):
    half = default_storage.save("disc/abc/half", ContentFile(b"x"))
    long_ago = timezone.now() - timedelta(minutes=10)
    Job.objects.create(
        kind=KIND, key=1, state="stopping", message="It stopped.", heartbeat_at=long_ago,
        started_at=long_ago, scratch=[half],
    )  # fmt: skip
    Job.objects.create(kind=KIND, key=2, state="stopping", heartbeat_at=timezone.now())
    assert [j.key for j in jobs_sweep()] == [1]
    job = _job(1)
    assert (job.state, job.message, job.scratch) == ("failed", "It stopped.", [])
    assert failed_calls == [(1, "It stopped.")] and not default_storage.exists(half)
    assert _job(2).state == "stopping"  # its failing process is alive: left to it
    assert not job_fail(_job(2), "Other.", error_class="ValueError")  # already claimed
    assert _job(2).message == ""


@pytest.mark.django_db
def test_only_one_process_takes_over_a_job_left_stopping(kind):
    long_ago = timezone.now() - timedelta(minutes=10)
    Job.objects.create(kind=KIND, key=1, state="stopping", heartbeat_at=long_ago)
    first, second = _job(), _job()  # two sweeps read it at once
    assert job_fail_resume(first)
    assert not job_fail_resume(second)
    assert failed_calls == [(1, "")] and _job().state == "failed"


@pytest.mark.django_db
def test_a_delivery_of_a_stopping_job_does_not_run_it(kind):
    ran = []
    BODY[1] = lambda: ran.append(1)
    Job.objects.create(kind=KIND, key=1, state="stopping", heartbeat_at=timezone.now())
    test_job.call(1)
    assert ran == [] and _job().state == "stopping"


@pytest.mark.django_db
def test_try_again_on_a_stopping_job_says_to_wait(kind, client, case):
    job = Job.objects.create(kind=KIND, key=1, case_pk=case.pk, state="stopping")
    client.force_login(case.owner)
    response = client.post(f"/cases/{case.public_id}/jobs/{job.public_id}/retry/", follow=True)
    assert "still removing what the stopped run left" in response.content.decode()
    assert _job().state == "stopping"


@pytest.mark.django_db
def test_a_local_copy_made_inside_a_job_on_object_storage_goes_when_the_job_is_found_dead(kind, s3):
    name = vault.stored_save("uploads/ab/cd.zip", ContentFile(b"PK a large disc"))
    Job.objects.create(kind=KIND, key=1, state="running", started_at=timezone.now())
    with job_local_copy(KIND, 1, name) as path:
        assert path.read_bytes() == b"PK a large disc"
        assert _job().scratch == [f"local:{path}"]
        # The worker is killed here: the copy stays in the staging folder until the sweep.
        Job.objects.filter(pk=_job().pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
        assert [j.key for j in jobs_sweep()] == [1]
        assert not path.exists()
    assert vault.stored_exists(name)  # the upload itself stays, for Try again


@pytest.mark.django_db
def test_a_local_copy_on_local_storage_is_the_stored_file_and_never_scratch(kind):
    name = vault.stored_save("uploads/ab/cd.zip", ContentFile(b"PK a large disc"))
    Job.objects.create(kind=KIND, key=1, state="running", started_at=timezone.now())
    with job_local_copy(KIND, 1, name) as path:
        assert path == vault.stored_local_path(name)
    assert _job().scratch == []  # a sweep must never remove the upload itself


@pytest.mark.django_db
def test_a_job_found_dead_waits_for_try_again(kind, django_capture_on_commit_callbacks):
    ran = []
    BODY[1] = lambda: ran.append(1)
    Job.objects.create(kind=KIND, key=1, state="failed", error_class=INTERRUPTED)
    test_job.call(1)  # rq delivering the dead run again, for example
    assert ran == [] and _job().state == "failed"
    with django_capture_on_commit_callbacks(execute=True):
        assert job_retry(_job())  # immediate backend: runs at once
    assert ran == [1] and (_job().state, _job().attempts) == ("done", 1)


@pytest.mark.django_db
def test_a_job_another_worker_runs_is_not_run_twice(kind):
    ran = []
    BODY[1] = lambda: ran.append(1)
    now = timezone.now()
    Job.objects.create(kind=KIND, key=1, state="running", started_at=now, heartbeat_at=now)
    test_job.call(1)
    assert ran == []


@pytest.mark.django_db
def test_try_again_is_a_post_scoped_to_the_case_and_audited(
    kind, client, case, stranger, django_capture_on_commit_callbacks
):
    ran = []
    BODY[1] = lambda: ran.append(1)
    job = Job.objects.create(kind=KIND, key=1, case_pk=case.pk, state="failed", message="x")
    url = f"/cases/{case.public_id}/jobs/{job.public_id}/retry/"
    client.force_login(stranger)
    assert client.post(url).status_code == 404
    client.force_login(case.owner)
    assert client.get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.public_id}/"
    assert ran == [1] and _job().state == "done"
    event = AuditEvent.objects.get(action="job.retried")
    assert (event.case, event.detail, event.object_id) == (case, KIND, str(job.public_id))
    # Done: there is nothing to try again.
    client.post(url)
    assert ran == [1] and AuditEvent.objects.filter(action="job.retried").count() == 1


@pytest.mark.django_db
def test_enqueueing_again_starts_the_job_from_scratch(kind, django_capture_on_commit_callbacks):
    BODY[1] = _raise(ValueError("bad"))
    with django_capture_on_commit_callbacks(execute=True):
        job_enqueue(KIND, 1)
    assert _job().state == "failed"
    BODY[1] = lambda: None
    with django_capture_on_commit_callbacks(execute=True):
        job_enqueue(KIND, 1)
    assert (_job().state, _job().attempts, _job().message) == ("done", 1, "")


# --- the rules -------------------------------------------------------------------------------


class ClientError(Exception):  # the shape of botocore.exceptions.ClientError
    def __init__(self, code: str, status: int) -> None:
        super().__init__(code)
        self.response = {"Error": {"Code": code}, "ResponseMetadata": {"HTTPStatusCode": status}}


class BotoCoreError(Exception):
    pass


class EndpointConnectionError(BotoCoreError):
    pass


@pytest.mark.parametrize(
    ("exc", "transient"),
    [
        (OperationalError("database is locked"), True),
        (sqlite3.OperationalError("database is locked"), True),
        (OperationalError("server closed the connection unexpectedly"), True),
        (OperationalError("no such table: records_document"), False),
        (ConnectionResetError("reset by peer"), True),
        (TimeoutError("timed out"), True),
        (EndpointConnectionError("unreachable"), True),
        (ClientError("SlowDown", 503), True),
        (ClientError("InternalError", 500), True),
        (ClientError("AccessDenied", 403), False),
        (ClientError("NoSuchKey", 404), False),
        (ValueError("not a DICOM file"), False),
        (FileNotFoundError("gone"), False),
        (KeyError("x"), False),
    ],
)
def test_it_tells_failures_that_can_pass_from_bad_input(exc, transient):
    assert jobrules.is_transient(exc) is transient


def test_the_waits_grow_fourfold_up_to_a_cap():
    assert jobrules.backoff_schedule(5, base=10, cap=600) == [10, 40, 160, 600, 600]
    assert jobrules.backoff_seconds(0, base=10) == 0


def test_a_job_is_dead_when_its_heartbeat_is_older_than_the_threshold():
    now = timezone.now()
    beat = now - timedelta(seconds=30)
    assert jobrules.heartbeat_stale(beat, now=now, stale_after=20, started_at=beat)
    assert not jobrules.heartbeat_stale(beat, now=now, stale_after=60, started_at=beat)
    assert jobrules.heartbeat_stale(None, now=now, stale_after=0, started_at=now)


# --- where it shows, and where it starts -----------------------------------------------------


@pytest.mark.django_db
def test_the_import_and_document_pages_show_the_failure_and_try_again(owner_client, case):
    from secondopinion.records.jobs import import_fail  # noqa: PLC0415 - the records app's kind
    from tests.records.helpers import make_document  # noqa: PLC0415

    disc_import = DiscImport.objects.create(case=case, source_name="cd.zip", status="running")
    job = Job.objects.create(kind="cd_import", key=disc_import.pk, case_pk=case.pk, state="running")
    assert job_fail(job, INTERRUPTED_MESSAGE, error_class=INTERRUPTED)
    page = owner_client.get(f"/cases/{case.public_id}/records/imports/{disc_import.public_id}/")
    text = page.content.decode()
    assert INTERRUPTED_MESSAGE in text and "the import goes on" not in text
    assert f"/cases/{case.public_id}/jobs/{job.public_id}/retry/" in text
    import_fail(disc_import.pk, "x")  # idempotent: a second failure changes nothing shown

    document = make_document(case)
    job = Job.objects.create(kind="text", key=document.pk, case_pk=case.pk, state="running")
    assert job_fail(job, INTERRUPTED_MESSAGE, error_class=INTERRUPTED)
    page = owner_client.get(f"/cases/{case.public_id}/records/documents/{document.public_id}/")
    assert f"/jobs/{job.public_id}/retry/" in page.content.decode()


@pytest.mark.django_db
def test_serve_fails_every_running_job_before_it_starts_its_worker(kind):
    from secondopinion.core.management.commands.serve import Command  # noqa: PLC0415

    now = timezone.now()
    Job.objects.create(kind=KIND, key=1, state="running", started_at=now, heartbeat_at=now)
    DBTaskResult.objects.create(
        task_path="tests.core.test_jobs.test_job",
        args_kwargs={"args": [1], "kwargs": {}},
        status="RUNNING",
        backend_name="default",
        queue_name="default",
        run_after=now,
        exception_class_path="",
        traceback="",
    )
    Command()._jobs_dead()
    assert (_job().state, _job().error_class) == ("failed", INTERRUPTED)
    assert DBTaskResult.objects.get().status == "FAILED"


def test_rq_jobs_carry_their_kinds_timeout(settings, capsys):
    from tests.core.test_hosted import redis_or_skip  # noqa: PLC0415

    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
    redis_or_skip(url, capsys, "the rq timeout test")
    import django_rq  # noqa: PLC0415 - only with rq

    from secondopinion.opinions.tasks import packet_build_task  # noqa: PLC0415

    settings.RQ_QUEUES = {"default": {"URL": url}}
    settings.TASKS = {
        "default": {"BACKEND": "secondopinion.core.rqbackend.JobsRQBackend", "QUEUES": ["default"]}
    }
    settings.JOB_TIMEOUTS = {**settings.JOB_TIMEOUTS, "packet": 4321}
    # Scheduled far ahead, so no worker of this Redis runs it before it is removed.
    later = timezone.now() + timedelta(days=1)
    result = packet_build_task.using(run_after=later).enqueue(0)
    job = django_rq.get_queue("default").fetch_job(result.id)
    try:
        assert job.timeout == 4321
    finally:
        django_rq.get_queue("default").scheduled_job_registry.remove(job, delete_job=True)


@pytest.mark.django_db
def test_runs_rq_recorded_as_failed_are_fed_into_the_lifecycle(kind, settings, capsys, monkeypatch):
    from tests.core.test_hosted import redis_or_skip  # noqa: PLC0415

    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
    redis_or_skip(url, capsys, "the rq failed-runs test")
    import django_rq  # noqa: PLC0415 - only with rq
    from django.apps import apps  # noqa: PLC0415
    from rq.registry import FailedJobRegistry  # noqa: PLC0415

    settings.RQ_QUEUES = {"default": {"URL": url}}
    queue = django_rq.get_queue("default")
    # A run rq saw die (its worker was killed, or it raised): in its failed-job registry.
    dead = queue.create_job(test_job.module_path, args=[7])
    dead.save()
    earlier = queue.create_job(test_job.module_path, args=[8])  # an older run of job 8
    earlier.save()
    registry = FailedJobRegistry(queue=queue)
    registry.add(dead, exc_string="AbandonedJobError")
    registry.add(earlier, exc_string="AbandonedJobError")
    now = timezone.now()
    for key, task_id in ((7, dead.id), (8, "a-later-run")):
        Job.objects.create(
            kind=KIND, key=key, state="running", started_at=now, heartbeat_at=now, task_id=task_id
        )
    real_is_installed = apps.is_installed  # as with TASKS_BACKEND=rq
    monkeypatch.setattr(apps, "is_installed", lambda n: n == "django_rq" or real_is_installed(n))
    try:
        fed = jobs_sweep()
    finally:
        for rq_job in (dead, earlier):
            registry.remove(rq_job, delete_job=True)
    assert [j.key for j in fed] == [7]
    assert (_job(7).state, _job(7).error_class) == ("failed", INTERRUPTED)
    assert _job(8).state == "running"  # its latest run is another one, maybe alive


@pytest.mark.django_db
def test_deleting_a_case_deletes_its_job_records(case, stranger):
    from secondopinion.cases.lifecycle import case_delete  # noqa: PLC0415
    from tests.factories import make_case  # noqa: PLC0415

    other = make_case(stranger, patient_name="Someone Else")
    Job.objects.create(kind="packet", key=1, case_pk=case.pk, state="failed")
    Job.objects.create(kind="packet", key=2, case_pk=other.pk, state="failed")
    case_delete(case=case)
    assert list(Job.objects.values_list("case_pk", flat=True)) == [other.pk]


@pytest.fixture
def rq_queue(settings, capsys):
    """The jobs backend on the real Redis, in a database of its own (no other test's worker
    takes these jobs), emptied before and after."""
    from tests.core.test_health import redis_db  # noqa: PLC0415
    from tests.core.test_hosted import redis_or_skip  # noqa: PLC0415

    url = redis_db(10)
    redis_or_skip(url, capsys, "the rq retry tests")
    import django_rq  # noqa: PLC0415 - only with rq

    settings.RQ_QUEUES = {"default": {"URL": url}}
    settings.TASKS = {
        "default": {"BACKEND": "secondopinion.core.rqbackend.JobsRQBackend", "QUEUES": ["default"]}
    }
    queue = django_rq.get_queue("default")
    queue.connection.flushdb()
    yield queue
    queue.connection.flushdb()


def _rq_work(queue) -> None:
    """One rq worker, in this process (so it runs this module's test job), until the queue is
    empty."""
    from secondopinion.core.rqjobs import Job as RQJob  # noqa: PLC0415 - only with rq
    from secondopinion.core.rqjobs import SimpleWorker  # noqa: PLC0415

    worker = SimpleWorker([queue], connection=queue.connection, job_class=RQJob)
    worker.work(burst=True, with_scheduler=False)


def _rq_scheduled(queue) -> list[tuple[object, datetime]]:
    """The runs rq holds for later: (rq job, when it may start)."""
    registry = queue.scheduled_job_registry
    jobs = [queue.fetch_job(job_id) for job_id in registry.get_job_ids()]
    return [(j, registry.get_scheduled_time(j)) for j in jobs]


def _rq_due_now(queue, rq_job) -> None:
    """Start a scheduled run now instead of after its wait (what rq's scheduler does then)."""
    queue.scheduled_job_registry.remove(rq_job)
    queue.enqueue_job(rq_job)


@pytest.mark.django_db(transaction=True)  # a real commit: the job is sent to rq on commit
def test_on_rq_a_failure_that_can_pass_is_scheduled_again_with_the_configured_waits(
    kind, rq_queue, settings
):
    settings.JOB_RETRIES = 2
    settings.JOB_RETRY_SECONDS = 7
    calls = []

    def flaky() -> None:
        calls.append(1)
        raise ConnectionResetError("object storage dropped the connection")

    BODY[1] = flaky
    job_enqueue(KIND, 1)
    waits = []
    for attempt in (1, 2):
        _rq_work(rq_queue)
        job = _job()
        assert (job.state, job.attempts, job.error_class) == (
            "retrying",
            attempt,
            "ConnectionResetError",
        )
        [(rq_job, starts_at)] = _rq_scheduled(rq_queue)
        assert list(rq_job.args) == [1] and rq_job.id == job.task_id
        assert rq_job.retries_left is None  # not rq's own Retry: it would retry bad input too
        assert rq_job.timeout == settings.JOB_TIMEOUT_DEFAULT
        # rq starts it when the lifecycle said (rq keeps whole seconds), the wait after the run.
        assert abs((starts_at - job.next_attempt_at).total_seconds()) < 1
        waits.append(round((job.next_attempt_at - job.started_at).total_seconds()))
        assert len(rq_queue) == 0  # nothing runs before the wait is over
        _rq_due_now(rq_queue, rq_job)
    assert waits == [7, 28]  # JOB_RETRY_SECONDS, then four times as long
    _rq_work(rq_queue)  # the third attempt: JOB_RETRIES (2) used up
    job = _job()
    assert (job.state, job.attempts) == ("failed", 3)
    assert job.message == "It did not work. Please press Try again."
    assert failed_calls == [(1, job.message)]
    assert len(calls) == 3
    assert _rq_scheduled(rq_queue) == [] and len(rq_queue) == 0
    assert rq_queue.failed_job_registry.get_job_ids() == []  # the lifecycle failed it, not rq


@pytest.mark.django_db(transaction=True)
def test_on_rq_bad_input_fails_at_once_and_is_not_tried_again(kind, rq_queue):
    calls = []

    def bad() -> None:
        calls.append(1)
        raise ValueError("not a DICOM file")

    BODY[1] = bad
    job_enqueue(KIND, 1)
    _rq_work(rq_queue)
    job = _job()
    assert (job.state, job.attempts, job.error_class) == ("failed", 1, "ValueError")
    assert failed_calls == [(1, "It did not work. Please press Try again.")]
    _rq_work(rq_queue)
    assert len(calls) == 1
    assert _rq_scheduled(rq_queue) == [] and len(rq_queue) == 0
    assert rq_queue.failed_job_registry.get_job_ids() == []
