"""`secondopinion queue-check`: send a test task through the task queue and wait for a worker.

For a hosted install: proves that this process can reach the queue (Redis with TASKS_BACKEND=rq)
and that at least one worker is running and can import the code.
"""

from __future__ import annotations

import secrets
import time

from django.core.management.base import BaseCommand, CommandError
from django_tasks import TaskResultStatus

from secondopinion.core.tasks import queue_ping


class Command(BaseCommand):
    help = "Enqueue a test task and wait until a worker has run it."

    def add_arguments(self, parser):
        parser.add_argument("--wait", type=float, default=30.0, help="Seconds to wait (30).")

    def handle(self, *args, wait: float, **options):
        token = secrets.token_hex(8)
        started = time.monotonic()
        result = queue_ping.enqueue(token)
        while True:
            if result.status == TaskResultStatus.SUCCESSFUL and result.return_value == token:
                break
            if result.status == TaskResultStatus.FAILED:
                raise CommandError("The worker ran the test task but it failed.")
            if time.monotonic() - started > wait:
                raise CommandError(
                    f"No worker ran the test task within {wait:g} seconds "
                    f"(status: {result.status}). Is a worker running?"
                )
            time.sleep(0.1)
            result.refresh()
        took = time.monotonic() - started
        self.stdout.write(f"The task queue works: a worker ran the test task in {took:.2f} s.")
