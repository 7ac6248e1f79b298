"""django-tasks' rq backend, with each job kind's timeout passed to rq (docs/jobs.md).

Without it every job runs under rq's default of 180 seconds, which a large CD or packet against
real object storage exceeds. rq's own Retry is not passed: rq would retry every exception,
bad input included; the job lifecycle (core/jobs.py) retries only failures that can pass, the same
way on both backends, as a job scheduled for later (which the worker's scheduler starts, hence
`rqworker --with-scheduler`, on by default in our `rqworker`).
"""

from __future__ import annotations

from typing import Any

import django_rq
from django_tasks.base import TASK_MAX_PRIORITY, Task, TaskResult, TaskResultStatus
from django_tasks.signals import task_enqueued
from django_tasks.utils import get_random_id
from django_tasks_rq.backend import Job, RQBackend, failed_callback, success_callback
from rq.job import Callback, JobStatus

from secondopinion.core.jobs import job_timeout, kind_for_task


def rq_timeout(task: Task) -> int:
    """Seconds rq lets this task run: its kind's JOB_TIMEOUT_<KIND>, else JOB_TIMEOUT_DEFAULT."""
    kind = kind_for_task(task.module_path)
    return job_timeout(kind.name if kind else "")


class JobsRQBackend(RQBackend):
    def enqueue(self, task: Task, args: Any, kwargs: Any) -> TaskResult:
        self.validate_task(task)
        task_result: TaskResult = TaskResult(
            task=task,
            id=get_random_id(),
            status=TaskResultStatus.READY,
            enqueued_at=None,
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        queue = django_rq.get_queue(task.queue_name, job_class=Job)
        job = queue.create_job(
            task.module_path,
            args=args,
            kwargs=kwargs,
            job_id=task_result.id,
            timeout=rq_timeout(task),
            status=JobStatus.SCHEDULED if task.run_after else JobStatus.QUEUED,
            on_failure=Callback(failed_callback),
            on_success=Callback(success_callback),
            meta={"backend_name": self.alias},
        )
        if task.run_after is None:
            job = queue.enqueue_job(job, at_front=task.priority == TASK_MAX_PRIORITY)
        else:
            job = queue.schedule_job(job, task.run_after)
        object.__setattr__(task_result, "enqueued_at", job.enqueued_at)
        task_enqueued.send(type(self), task_result=task_result)
        return task_result
