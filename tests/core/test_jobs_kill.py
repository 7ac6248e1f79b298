"""A worker killed with SIGKILL in the middle of a job, on both task backends: when a worker starts
again the job is marked failed with a plain message, its half-written files are gone, Try again
(the real view, audited) queues it again and it finishes, with nothing left on disk.

Each step is its own process (tests/core/job_driver.py) against a file-based SQLite data folder.
The database backend runs `secondopinion worker` (what `serve` starts); the rq backend runs
`secondopinion rqworker` against the real Redis at REDIS_URL's server (database 13 of 127.0.0.1:6379 by default),
skipped loudly when Redis is not reachable, and a failure under CI=true. One more runs the rq
worker (database 14) with object storage on moto's S3 server and kills it with half the CD in
the bucket: nothing may be left in the staging folder or the bucket.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.core.test_health import redis_db
from tests.core.test_hosted import redis_or_skip

# Workers started and killed with SIGKILL (the system stage).
pytestmark = pytest.mark.system

ROOT = Path(__file__).resolve().parents[2]
# A database of its own on REDIS_URL's server: the system stage runs tests/core/test_hosted.py's
# worker on REDIS_URL's database at the same time (pytest-xdist), which would take these jobs.
REDIS_URL = redis_db(13)


def _env(backend: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "PYTEST", "DATABASE_URL"))
    }
    # A worker that starts treats a job silent for over a second as dead (default: two minutes).
    env.update(TASKS_BACKEND=backend, REDIS_URL=REDIS_URL, JOB_STALE_SECONDS="1")
    env.update(JOB_HEARTBEAT_SECONDS="1", STORAGE_BACKEND="local", HOSTED="false")
    env.update(extra or {})
    return env


def _step(backend: str, *args: str, extra: dict[str, str] | None = None) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "tests.core.job_driver", *args],
        cwd=ROOT,
        env=_env(backend, extra),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def _worker_command(backend: str) -> list[str]:
    if backend == "database":
        return ["worker", "--interval", "0.2"]
    return ["rqworker", "default", "--worker-class", "rq.SimpleWorker"]


def _worker(
    backend: str,
    data_dir: Path,
    pause: str,
    extra: dict[str, str] | None = None,
    command: list[str] | None = None,
) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.core.job_driver", "worker", str(data_dir)]
        + [str(data_dir / "marker"), pause, "--", *(command or _worker_command(backend))],
        cwd=ROOT,
        env=_env(backend, extra),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait(condition, what: str, process: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if process.poll() is not None:
            pytest.fail(f"the worker ended before {what}: {process.stderr.read()[-3000:]}")
        assert time.monotonic() < deadline, f"{what} did not happen in {seconds} s"
        time.sleep(0.2)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:  # pragma: no cover - a stuck worker
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    folder = tmp_path_factory.mktemp("jobs-template") / "data"
    folder.mkdir()
    return folder, _step("immediate", "setup", str(folder))


@pytest.fixture(params=["database", "rq"])
def backend(request, capsys):
    if request.param == "rq":
        redis_or_skip(REDIS_URL, capsys, "the rq worker kill tests")
    return request.param


def _copy(template, tmp_path) -> tuple[Path, dict]:
    folder, state = template
    data_dir = tmp_path / "data"
    shutil.copytree(folder, data_dir)
    return data_dir, state


def _kill_restart_retry(
    backend: str,
    data_dir: Path,
    kind: str,
    key: int,
    pause: str,
    extra: dict[str, str] | None = None,
) -> dict:
    """Kill the worker half way through the job, start a fresh one, press Try again; returns
    the state after the kill+restart ("failed") and after the retry ("done")."""
    first = _worker(backend, data_dir, pause, extra)
    try:
        _wait(lambda: (data_dir / "marker").exists(), "the pause point", first)
        at_kill = _step(backend, "state", str(data_dir), extra=extra)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
    finally:
        _stop(first)
    assert first.returncode == -signal.SIGKILL
    assert at_kill["jobs"][f"{kind}:{key}"][0] == "running"
    time.sleep(1.5)  # the dead job's last heartbeat is now older than JOB_STALE_SECONDS
    second = _worker(backend, data_dir, "none", extra)
    try:
        failed = {}

        def marked_failed() -> bool:
            failed.update(_step(backend, "state", str(data_dir), extra=extra))
            return failed["jobs"][f"{kind}:{key}"][0] == "failed"

        _wait(marked_failed, "the dead job marked failed", second)
        job_id = failed["jobs"][f"{kind}:{key}"][4]
        pressed = _step(backend, "retry", str(data_dir), job_id, extra=extra)
        done = {}

        def finished() -> bool:
            done.update(_step(backend, "state", str(data_dir), extra=extra))
            return done["jobs"][f"{kind}:{key}"][0] in ("done", "failed")

        _wait(finished, "the job run again", second)
    finally:
        _stop(second)
    return {"at_kill": at_kill, "failed": failed, "pressed": pressed, "done": done}


def test_it_fails_a_killed_cd_import_then_imports_it_on_try_again(backend, template, tmp_path):
    data_dir, _ = _copy(template, tmp_path)
    started = _step(backend, "import", str(data_dir))
    pk = started["import_pk"]
    run = _kill_restart_retry(backend, data_dir, "cd_import", pk, "import")
    disc_files = [f for f in run["at_kill"]["files"] if f.startswith("disc/")]
    assert disc_files, "the kill came after some images were stored"

    failed = run["failed"]
    state, error_class, message, attempts, _ = failed["jobs"][f"cd_import:{pk}"]
    assert (error_class, attempts) == ("Interrupted", 1)
    assert "interrupted" in message and "Try again" in message
    assert failed["imports"] == [
        {"pk": pk, "status": "failed", "error": message, "upload_name": started["upload"]}
    ]
    # Half the disc's images were in storage; they are gone, the uploaded ZIP stays for Try again.
    assert not [f for f in failed["files"] if f.startswith("disc/")]
    assert started["upload"] in failed["files"]
    assert failed["instances"] == 0

    assert run["pressed"] == {"status": 302, "audited": 1}
    done = run["done"]
    assert done["jobs"][f"cd_import:{pk}"][:2] == ["done", ""]
    assert done["imports"][0]["status"] == "done" and done["imports"][0]["upload_name"] == ""
    assert done["instances"] == 12  # the whole disc: 2 series of 6 images
    # Nothing left: every stored file belongs to a record, no staging copy, no upload.
    assert done["problems"] == [] and done["recent"] == []
    assert not [f for f in done["files"] if f.startswith(".")]
    assert started["upload"] not in done["files"]
    assert done["staging"] == []


def test_it_fails_a_killed_packet_build_then_builds_it_on_try_again(backend, template, tmp_path):
    data_dir, state = _copy(template, tmp_path)
    pk = _step(backend, "packet", str(data_dir), str(state["service_pk"]))["build_pk"]
    run = _kill_restart_retry(backend, data_dir, "packet", pk, "packet")
    partial = [f for f in run["at_kill"]["files"] if f.startswith("packets/")]
    assert partial and all(f.rsplit("/", 1)[-1].startswith(".") for f in partial), partial

    failed = run["failed"]
    assert failed["jobs"][f"packet:{pk}"][1] == "Interrupted"
    assert failed["packets"][0]["status"] == "failed"
    assert "interrupted" in failed["packets"][0]["error"]
    assert not [f for f in failed["files"] if f.startswith("packets/")]  # the half ZIP is gone

    assert run["pressed"] == {"status": 302, "audited": 1}
    done = run["done"]
    assert done["jobs"][f"packet:{pk}"][:2] == ["done", ""]
    packet = done["packets"][0]
    assert packet["status"] == "done"
    assert [f for f in done["files"] if f.startswith("packets/")] == [packet["file_name"]]
    assert done["problems"] == [] and done["recent"] == []


@pytest.fixture
def bucket(capsys):
    """moto's S3 server on a free local port, with an empty bucket; yields the app's settings
    for it (the environment of every step and worker)."""
    import boto3  # noqa: PLC0415 - with the hosted extras
    from moto.server import ThreadedMotoServer  # noqa: PLC0415 - with the test extras

    from tests.core.test_serve import _free_port  # noqa: PLC0415

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    credentials = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_bucket(Bucket="kill-test")
    try:
        yield {
            **credentials,
            "STORAGE_BACKEND": "s3",
            "AWS_STORAGE_BUCKET_NAME": "kill-test",
            "AWS_S3_ENDPOINT_URL": endpoint,
            "AWS_S3_REGION_NAME": "us-east-1",
        }
    finally:
        server.stop()


@pytest.mark.system
def test_on_rq_and_s3_a_killed_cd_import_leaves_nothing_in_staging_or_the_bucket(
    bucket, tmp_path, capsys
):

    # Its own Redis database: the rq worker of the test above (db 15) must not take this job.
    redis_url = redis_db(14)
    redis_or_skip(redis_url, capsys, "the rq + S3 kill test")
    import redis  # noqa: PLC0415 - with the hosted extras

    redis.Redis.from_url(redis_url).flushdb()
    extra = {**bucket, "REDIS_URL": redis_url}
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    _step("immediate", "setup", str(data_dir), extra=extra)
    started = _step("rq", "import", str(data_dir), extra=extra)
    pk = started["import_pk"]
    try:
        run = _kill_restart_retry("rq", data_dir, "cd_import", pk, "publish", extra)
    finally:
        redis.Redis.from_url(redis_url).flushdb()

    at_kill = run["at_kill"]
    assert len([f for f in at_kill["files"] if f.startswith("disc/")]) == 6  # half in the bucket
    assert at_kill["staging"], "the rest of the disc was still staged"

    failed = run["failed"]
    state, error_class, message, attempts, _ = failed["jobs"][f"cd_import:{pk}"]
    assert (state, error_class, attempts) == ("failed", "Interrupted", 1)
    assert message == (
        "This stopped because the app was interrupted. Nothing half-made was kept. "
        "Please press Try again."
    )
    assert failed["imports"] == [
        {"pk": pk, "status": "failed", "error": message, "upload_name": started["upload"]}
    ]
    # The half of the disc in the bucket and the half still staged are gone; the uploaded ZIP
    # stays in the bucket for Try again.
    assert not [f for f in failed["files"] if f.startswith("disc/")]
    assert started["upload"] in failed["files"]
    assert failed["staging"] == []
    assert failed["instances"] == 0

    assert run["pressed"] == {"status": 302, "audited": 1}
    done = run["done"]
    assert done["jobs"][f"cd_import:{pk}"][:2] == ["done", ""]
    assert done["imports"][0]["status"] == "done" and done["imports"][0]["upload_name"] == ""
    assert done["instances"] == 12
    # Every object in the bucket belongs to a row (the two documents, the disc's 12 images and 2
    # previews); nothing is left in the staging folder.
    assert done["problems"] == [] and done["recent"] == []
    assert len(done["files"]) == 2 + 12 + 2
    assert started["upload"] not in done["files"]
    assert done["staging"] == []


def test_it_fails_the_job_at_once_when_its_work_horse_dies_and_the_worker_lives(
    template, tmp_path, capsys
):
    # Redis database 8: 9 to 15 belong to other tests. No sweep can fail the job: heartbeats
    # count as stale only after an hour, and the worker is never restarted.
    redis_url = redis_db(8)
    redis_or_skip(redis_url, capsys, "the work-horse kill test")
    extra = {"REDIS_URL": redis_url, "JOB_STALE_SECONDS": "3600"}
    data_dir, _ = _copy(template, tmp_path)
    pk = _step("rq", "import", str(data_dir), extra=extra)["import_pk"]
    # The project's forking worker (settings.RQ), as the docs' unit runs it.
    worker = _worker("rq", data_dir, "import", extra, command=["rqworker", "default"])
    failed: dict = {}
    try:
        _wait(lambda: (data_dir / "marker").exists(), "the pause point", worker)
        horse = int((data_dir / "marker").read_text())
        assert horse != worker.pid
        os.kill(horse, signal.SIGKILL)
        killed_at = time.monotonic()

        def marked_failed() -> bool:
            failed.update(_step("rq", "state", str(data_dir), extra=extra))
            return failed["jobs"][f"cd_import:{pk}"][0] == "failed"

        _wait(marked_failed, "the job marked failed by the living worker", worker, seconds=30)
        took = time.monotonic() - killed_at
        assert worker.poll() is None, "the worker lives on"
    finally:
        _stop(worker)
    state, error_class, message, attempts, _ = failed["jobs"][f"cd_import:{pk}"]
    assert (error_class, attempts) == ("Interrupted", 1) and "Try again" in message
    assert not [f for f in failed["files"] if f.startswith("disc/")]
    assert failed["staging"] == []
    with capsys.disabled():
        print(f"\n[work-horse killed: its job failed within {took:.1f} s]", file=sys.stderr)
