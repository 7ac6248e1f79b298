"""The one record every background job keeps while it lives (see core/jobs.py and docs/jobs.md).

The job's own object (a CD import, a packet build, a document) keeps what the page shows; this row
keeps what the lifecycle needs: its state, its heartbeat, its attempts. `key` is the id of that
object and `case_pk` the id of its case (plain integers: core sits below every app).
"""

from __future__ import annotations

import uuid

from django.db import models


class Job(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        RETRYING = "retrying", "Waiting to try again"
        DONE = "done", "Finished"
        # Failed, and what it half-wrote is being removed; "failed" once that is over.
        STOPPING = "stopping", "Stopping after a problem"
        FAILED = "failed", "Stopped with a problem"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=30)
    key = models.BigIntegerField()
    case_pk = models.BigIntegerField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    message = models.CharField(max_length=300, blank=True)  # plain words, for the patient
    error_class = models.CharField(max_length=200, blank=True)  # for support; no health details
    task_id = models.CharField(max_length=64, blank=True)  # the queue's id of the latest run
    # Storage names and folders a run may leave half-written (removed when it is found dead).
    scratch = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="core_job_kind_key")]
        indexes = [models.Index(fields=["state"], name="core_job_state")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.key} ({self.state})"

    @property
    def is_active(self) -> bool:
        return self.state in (
            self.State.QUEUED,
            self.State.RUNNING,
            self.State.RETRYING,
            self.State.STOPPING,
        )
