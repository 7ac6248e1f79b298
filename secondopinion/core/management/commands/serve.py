"""Start the app on this computer: the web server and, beside it, the background worker.

The web server is waitress (pure Python, the same on Linux, macOS and Windows). It writes no
access log: a share-link or invite token in a request line would open the case to anyone who reads
the terminal. Everything else that is logged passes core.logmask. The worker is watched: when it
dies it is started again, a few times at most, so text reading, imports and packets never wait in
silence.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from collections import deque

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.core.servers.basehttp import get_internal_wsgi_application
from django.db import connection
from waitress import serve

from secondopinion.core.applock import AppRunning, app_lock
from secondopinion.core.jobs import jobs_sweep
from secondopinion.core.warmup import warm_in_background

WORKER_COMMAND = [sys.executable, "-m", "secondopinion", "worker", "--interval", "0.5"]


def _exit_cleanly(signum, frame) -> None:
    raise SystemExit(0)


class WorkerSupervisor:
    """Runs the worker and starts it again when it dies: at most `max_restarts` times within
    `window` seconds, after which it says so plainly and stops trying. `clock` and `spawn` are
    time.monotonic and subprocess.Popen, replaceable in tests."""

    GIVE_UP = (
        "The background worker keeps stopping, so it was not started again. Reading "
        "documents, imports and packets will wait. Please stop the app and start it "
        "again; if this keeps happening, run `secondopinion check-integrity`."
    )

    def __init__(
        self,
        command,
        *,
        say,
        max_restarts: int = 5,
        window: float = 600,
        poll=1.0,
        on_death=None,
        clock=time.monotonic,
        spawn=subprocess.Popen,
    ):
        self.command, self.say, self.on_death = command, say, on_death
        self.max_restarts, self.window, self.poll = max_restarts, window, poll
        self.clock, self.spawn = clock, spawn
        self.restarts: deque[float] = deque()
        self.process: subprocess.Popen | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="worker-supervisor", daemon=True)

    def start(self) -> None:
        self.process = self.spawn(self.command)
        self._thread.start()

    def _watch(self) -> None:
        while not self._stop.wait(self.poll):
            if not self.check():
                return

    def check(self) -> bool:
        """One look at the worker: started again if it died. False once it has given up."""
        code = self.process.poll() if self.process is not None else None
        if code is None:
            return True
        now = self.clock()
        while self.restarts and now - self.restarts[0] > self.window:
            self.restarts.popleft()
        giving_up = len(self.restarts) >= self.max_restarts
        if not giving_up:
            self.restarts.append(now)
            self.say(f"The background worker stopped (exit code {code}). Starting it again.")
        if self.on_death is not None:
            # What it was doing died with it: failed now, with Try again, even when no worker
            # is started again (else its page would say "running" until the app restarts).
            self.on_death()
        if giving_up:
            self.say(self.GIVE_UP)
            return False
        self.process = self.spawn(self.command)
        return True

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


class Command(BaseCommand):
    help = "Run the app at http://127.0.0.1:8000/ with its background worker."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-worker", action="store_true", help="Do not start the worker.")

    def handle(self, *args, host: str, port: int, no_worker: bool, **options):
        # Held while the app runs, so `restore` refuses to swap the data under it.
        try:
            with app_lock(settings.DATA_DIR):
                self._serve(host, port, no_worker)
        except AppRunning:
            raise CommandError(
                "The app is already running from this data folder. Use that one, or stop it first."
            ) from None

    def _jobs_dead(self) -> None:
        """Fail the jobs of a worker that is gone (at start-up, and when the worker died)."""
        try:
            for job in jobs_sweep(stale_after=0):
                self.stderr.write(
                    f"A background job ({job.kind}) had stopped; its page offers Try again."
                )
        finally:
            if threading.current_thread() is not threading.main_thread():
                connection.close()

    def _serve(self, host: str, port: int, no_worker: bool) -> None:
        supervisor = None
        if settings.TASKS_BACKEND == "database":
            # The app lock is ours: no worker of this data folder is alive, so every job still
            # marked running died with the last run of the app.
            self._jobs_dead()
        if not no_worker and settings.TASKS_BACKEND == "database":
            supervisor = WorkerSupervisor(
                WORKER_COMMAND, say=self.stderr.write, on_death=self._jobs_dead
            )
            supervisor.start()
        # Closing the terminal (SIGHUP) or a plain `kill` (SIGTERM) must also stop the worker, not
        # leave it running without its app: turn both into a normal exit so `finally` runs.
        for signum in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
            if signum is not None:
                signal.signal(signum, _exit_cleanly)
        # What takes a moment the first time (the ZIP table) is done now, not on the first page.
        warm_in_background()
        self.stdout.write(f"Second Opinion Navigator is running at http://{host}:{port}/")
        self.stdout.write("Open that address in your web browser. Press Ctrl+C here to stop.")
        self.stdout.flush()
        try:
            serve(
                get_internal_wsgi_application(),
                host=host,
                port=port,
                threads=8,
                ident="",  # no Server: header naming the software
                max_request_body_size=settings.UPLOAD_MAX_BYTES + 10 * 1024 * 1024,
                _quiet=True,
            )
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            if supervisor is not None:
                supervisor.stop()
