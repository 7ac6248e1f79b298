"""Start the app on this computer: the web server and, beside it, the background worker."""

from __future__ import annotations

import signal
import subprocess
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.core.servers.basehttp import WSGIServer, get_internal_wsgi_application, run

from secondopinion.core.applock import AppRunning, app_lock


def _exit_cleanly(signum, frame) -> None:
    raise SystemExit(0)


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

    def _serve(self, host: str, port: int, no_worker: bool) -> None:
        worker = None
        if not no_worker and settings.TASKS_BACKEND == "database":
            worker = subprocess.Popen(  # noqa: S603 - our own interpreter and command
                [sys.executable, "-m", "secondopinion", "db_worker", "--interval", "0.5"]
            )
        # Closing the terminal (SIGHUP) or a plain `kill` (SIGTERM) must also stop the worker, not
        # leave it running without its app: turn both into a normal exit so `finally` runs.
        for signum in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
            if signum is not None:
                signal.signal(signum, _exit_cleanly)
        self.stdout.write(f"Second Opinion Navigator is running at http://{host}:{port}/")
        self.stdout.write("Open that address in your web browser. Press Ctrl+C here to stop.")
        try:
            run(host, port, get_internal_wsgi_application(), threading=True, server_cls=WSGIServer)
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)
