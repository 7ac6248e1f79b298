"""`secondopinion serve` (what ./run starts): the web server and its worker start and stop together,
the worker is started again when it dies, and nothing the server prints holds a token."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

# The real `secondopinion serve` (waitress and its worker): the system stage.
pytestmark = pytest.mark.system

ROOT = Path(__file__).resolve().parents[2]
PYTHON = [sys.executable, "-m", "secondopinion"]

MAKE_LINKS = """
from secondopinion.accounts.models import User
from secondopinion.accounts.sharing import invite_link_create
from secondopinion.cases.models import Case
from secondopinion.opinions.services.links import link_create
from secondopinion.providers.models import Service
owner = User.objects.create_user(email="serve-test@example.org", password="a-long-test-password")
case = Case.objects.create(owner=owner, patient_name="Ana", cancer_type="breast")
service = Service.objects.create(case=case, name="Example Cancer Center")
link, share_token = link_create(case=case, service=service, user=owner)
invite, invite_token = invite_link_create(case=case, role="viewer", created_by=owner)
print(share_token, invite_token)
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children(pid: int) -> list[int]:
    """Children of every thread of `pid` (the supervisor starts a new worker from its thread)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        children = task / "children"
        if children.exists():
            found += [int(p) for p in children.read_text().split()]
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split()[2] == "Z")


def _wait_for(condition, what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not happen in {seconds} s"
        time.sleep(0.2)


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url) as response:  # noqa: S310 - our own loopback server
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture
def app(tmp_path):
    """A set-up data folder and a running `serve` with its worker; yields (process, port, env)."""
    if not Path("/proc").exists():  # pragma: no cover - the process checks read /proc (Linux)
        pytest.skip("needs /proc")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="secondopinion.settings",
        SECONDOPINION_DATA_DIR=str(tmp_path / "data"),
        TASKS_BACKEND="database",
        SECURE_COOKIES="false",
        LOG_LEVEL="INFO",  # the most talkative setting: still no token may appear
    )
    subprocess.run([*PYTHON, "setup"], cwd=ROOT, env=env, check=True, capture_output=True)
    port = _free_port()
    log = tmp_path / "serve.log"
    out = log.open("w")
    server = subprocess.Popen(
        [*PYTHON, "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
        text=True,
    )

    def answers() -> bool:
        try:
            return _get(f"http://127.0.0.1:{port}/health/") == 200
        except OSError:
            return False

    try:
        _wait_for(answers, "the server answering")
        yield server, port, env, log
    finally:
        if server.poll() is None:
            server.kill()
        for pid in _children(server.pid):
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        out.close()


def _output(log: Path) -> str:
    return log.read_text()


def test_it_serves_with_a_worker_and_stops_the_worker_on_sigterm(app):
    server, port, env, log = app
    workers = _children(server.pid)
    assert len(workers) == 1, "serve starts exactly one worker"
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=20)
    _wait_for(lambda: not _alive(workers[0]), "the worker stopping with the server", 15)
    assert f"http://127.0.0.1:{port}/" in _output(log)


def test_it_starts_the_worker_again_when_it_dies(app):
    server, port, env, log = app
    [first] = _children(server.pid)
    os.kill(first, signal.SIGKILL)

    def replaced() -> bool:
        children = [pid for pid in _children(server.pid) if _alive(pid)]
        return len(children) == 1 and children[0] != first

    _wait_for(replaced, "a new worker starting", 20)
    assert "background worker stopped" in _output(log)
    assert _get(f"http://127.0.0.1:{port}/health/") == 200


def test_its_output_never_holds_a_share_link_or_invite_token(app):
    server, port, env, log = app
    made = subprocess.run(
        [*PYTHON, "shell", "-c", MAKE_LINKS],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    share_token, invite_token = made.stdout.strip().splitlines()[-1].split()
    base = f"http://127.0.0.1:{port}"
    for path in (
        f"/r/{share_token}/",
        f"/r/{share_token}/no-such-page/",
        f"/r/{share_token}x/",
        f"/accounts/invite/{invite_token}/",
        f"/accounts/invite/{invite_token}/no-such-page/",
        "/centers/?zip=02215&q=invasive+ductal+carcinoma",
    ):
        assert _get(base + path) < 500, path
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=20)
    output = _output(log)
    assert share_token not in output and invite_token not in output
    assert "invasive" not in output


def test_restore_refuses_while_it_runs(app, tmp_path):
    server, port, env, log = app
    restore = subprocess.run(
        [*PYTHON, "restore", str(tmp_path / "no-such-backup")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert restore.returncode != 0 and "app is running" in restore.stderr


class _FakeWorker:
    """A worker process that is alive until the test kills it."""

    def __init__(self, command) -> None:
        self.command, self.code = command, None

    def poll(self):
        return self.code


class _FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _supervisor(clock: _FakeClock):
    from secondopinion.core.management.commands.serve import WorkerSupervisor  # noqa: PLC0415

    said, deaths, spawned = [], [], []

    def spawn(command):
        spawned.append(_FakeWorker(command))
        return spawned[-1]

    supervisor = WorkerSupervisor(
        ["worker"],
        say=said.append,
        on_death=lambda: deaths.append(clock()),
        clock=clock,
        spawn=spawn,
    )
    supervisor.process = spawn(supervisor.command)  # what start() does, without the thread
    return supervisor, said, deaths, spawned


def _die(supervisor, clock: _FakeClock, at: float, code: int = -9) -> bool:
    clock.now = at
    supervisor.process.code = code
    return supervisor.check()


def test_the_supervisor_gives_up_plainly_after_five_restarts_within_ten_minutes():
    clock = _FakeClock()
    supervisor, said, deaths, spawned = _supervisor(clock)
    assert supervisor.check() and len(spawned) == 1  # alive: nothing to do
    for n in range(5):  # five deaths within ten minutes: each one restarts the worker
        assert _die(supervisor, clock, 1000.0 + 100 * n)
        assert len(spawned) == n + 2 and supervisor.process is spawned[-1]
        assert said[-1] == "The background worker stopped (exit code -9). Starting it again."
    assert len(deaths) == 5  # each time, the jobs of the dead worker were failed
    assert _die(supervisor, clock, 1450.0) is False  # the sixth, 7.5 minutes after the first
    assert len(spawned) == 6  # not started again
    assert deaths == [1000.0, 1100.0, 1200.0, 1300.0, 1400.0, 1450.0]  # the last one's jobs too
    assert said[-1].startswith("The background worker keeps stopping, so it was not started again.")
    assert "Please stop the app and start it again" in said[-1]
    assert len(said) == 6


def test_the_supervisor_counts_only_the_restarts_of_the_last_ten_minutes():
    clock = _FakeClock()
    supervisor, said, deaths, spawned = _supervisor(clock)
    for at in (1000.0, 1100.0, 1200.0, 1300.0, 1400.0):
        assert _die(supervisor, clock, at)
    # Ten minutes and a second after the first restart: it no longer counts, four do.
    assert _die(supervisor, clock, 1601.0)
    assert len(spawned) == 7 and "Starting it again" in said[-1]
    # Five restarts within the last ten minutes again (1100 ... 1601): the next death gives up.
    assert _die(supervisor, clock, 1602.0) is False
    assert len(spawned) == 7 and "not started again" in said[-1]


def test_the_supervisor_starts_afresh_after_a_quiet_ten_minutes():
    clock = _FakeClock()
    supervisor, said, deaths, spawned = _supervisor(clock)
    for at in (1000.0, 1001.0, 1002.0, 1003.0, 1004.0):
        assert _die(supervisor, clock, at)
    for n in range(5):  # every earlier restart is over ten minutes old: five more are allowed
        assert _die(supervisor, clock, 1700.0 + n)
    assert len(spawned) == 11
    assert not [s for s in said if "not started again" in s]
    assert _die(supervisor, clock, 1705.0) is False
