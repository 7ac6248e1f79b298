"""`secondopinion rqworker QUEUE`: django-rq's worker, which first feeds the jobs that died into
the job lifecycle (a stopped heartbeat, rq's abandoned and failed runs; docs/jobs.md), and always
runs rq's scheduler, which starts the retries the lifecycle schedules for later. While it runs,
the project's worker class (core.rqjobs.Worker) fails a job as soon as its work-horse dies, and
sweeps again at each of rq's maintenance rounds."""

from __future__ import annotations

from typing import Any

from django_rq.management.commands.rqworker import Command as RqWorkerCommand

from secondopinion.core.jobs import jobs_sweep


class Command(RqWorkerCommand):
    help = "Run an rq worker (with its scheduler), after failing jobs that died."

    def handle(self, *args: Any, **options: Any) -> None:
        for job in jobs_sweep():
            self.stderr.write(f"A background job ({job.kind}) had stopped; it is marked failed.")
        options["with_scheduler"] = True
        super().handle(*args, **options)
