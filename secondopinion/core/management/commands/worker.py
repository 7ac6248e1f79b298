"""`secondopinion worker`: the database queue's worker (django-tasks' `db_worker`, same options),
which first fails the jobs whose heartbeat stopped (their worker died), as every worker start does
(docs/jobs.md). `serve` runs it; a personal copy needs nothing else."""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from secondopinion.core.jobs import jobs_sweep


class Command(DbWorkerCommand):
    help = "Run the background worker (database queue), after failing jobs that died."

    def handle(self, *args: Any, **options: Any) -> None:
        for job in jobs_sweep():
            self.stderr.write(f"A background job ({job.kind}) had stopped; it is marked failed.")
        super().handle(*args, **options)
