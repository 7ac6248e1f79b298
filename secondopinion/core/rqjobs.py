"""The rq classes (settings.RQ, TASKS_BACKEND=rq): the request id travels with a job.

`Queue.create_job` adds the current request id (core.requestid) to the job's meta as the job is
made, in the web process. The workers (`Worker`, and `SimpleWorker`, which runs jobs in its own
process, for tests) set it again around the whole job, its failure handling included, so the
worker's lines for that job (the traceback of a failure too) carry the id of the page that asked.
A job enqueued outside a request (a command, the scheduler) runs under an id of its own.
"""

from __future__ import annotations

from typing import Any

import rq
from django_rq.queues import DjangoRQ
from django_tasks_rq.backend import Job as TasksJob

from secondopinion.core.requestid import current_request_id, request_id_new, request_id_set

META_KEY = "request_id"


class Queue(DjangoRQ):
    def create_job(self, *args: Any, **kwargs: Any) -> Any:
        meta = dict(kwargs.pop("meta", None) or {})
        meta.setdefault(META_KEY, current_request_id() or request_id_new())
        kwargs["meta"] = meta
        return super().create_job(*args, **kwargs)


Job = TasksJob  # django-tasks' job class, named here so settings.RQ names one module


class _RequestIdMixin:
    def perform_job(self, job: rq.job.Job, queue: rq.Queue, *args: Any, **kwargs: Any) -> bool:
        with request_id_set(job.meta.get(META_KEY) or request_id_new()):
            return super().perform_job(job, queue, *args, **kwargs)  # type: ignore[misc]


class Worker(_RequestIdMixin, rq.Worker):
    """rq's forking worker. When the work-horse (the child running a job) dies while this parent
    lives on (killed, out of memory, past its timeout), the job is failed at once rather than at
    the next worker start or the nightly integrity check; and every maintenance round (rq's
    `maintenance_interval`, 10 minutes) sweeps the jobs of workers that died whole."""

    def handle_work_horse_killed(self, job: rq.job.Job, retpid, ret_val, rusage) -> None:
        super().handle_work_horse_killed(job, retpid, ret_val, rusage)
        from secondopinion.core.jobs import rq_run_died  # noqa: PLC0415 - needs the app loaded

        with request_id_set(job.meta.get(META_KEY) or request_id_new()):
            try:
                rq_run_died(job)
            except Exception:  # the worker must live on; the next sweep tries again
                self.log.exception("failing the job of a dead work-horse did not work")

    def run_maintenance_tasks(self) -> None:
        super().run_maintenance_tasks()
        from secondopinion.core.jobs import jobs_sweep  # noqa: PLC0415 - needs the app loaded

        try:
            jobs_sweep()
        except Exception:  # as above
            self.log.exception("the sweep of dead jobs did not work")


class SimpleWorker(_RequestIdMixin, rq.SimpleWorker):
    pass
