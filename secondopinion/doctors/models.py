"""Research on a named doctor: the saved registry answers, each lookup, and the patient's notes.

The registries are asked in the background (tasks.py); pages only read these rows.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.db import models

from secondopinion.cases.models import Case
from secondopinion.doctors.clients.base import CacheEntry


class CachedAnswer(models.Model):
    """One raw JSON answer from a registry, keyed by a hash of the request.

    Entries are fresh for 7 days (clients/base.py). Older ones are kept: when a refresh fails,
    the last answer is shown with its date. The answers hold public registry data only, never
    anything about the patient.
    """

    key = models.CharField(max_length=64, unique=True)
    stored_at = models.DateTimeField()
    value = models.JSONField()

    def __str__(self) -> str:
        return f"{self.key[:12]} ({self.stored_at:%Y-%m-%d})"


class DatabaseCache:
    """The Cache protocol of clients/base.py, stored in CachedAnswer rows."""

    def get(self, key: str) -> CacheEntry | None:
        row = CachedAnswer.objects.filter(key=key).only("stored_at", "value").first()
        return CacheEntry(stored_at=row.stored_at, value=row.value) if row else None

    def set(self, key: str, value: Any, *, stored_at: datetime) -> None:
        CachedAnswer.objects.update_or_create(
            key=key, defaults={"stored_at": stored_at, "value": value}
        )


def cached_answers_prune(*, older_than: datetime) -> int:
    """Delete saved answers stored before `older_than`; returns how many went."""
    deleted, _ = CachedAnswer.objects.filter(stored_at__lt=older_than).delete()
    return deleted


class ResearchStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Looking up"
    DONE = "done", "Done"
    FAILED = "failed", "Could not finish"


INCOMPLETE_WORDS = "Not finished: a source did not answer"
STEP_WORDS = {
    "": "Waiting to start",
    "npi": "Checking the NPI registry (license and specialty)",
    "pubmed": "Counting articles on PubMed",
    "trials": "Looking for clinical trials",
    "done": "Finished",
}


class DoctorResearch(models.Model):
    """One named doctor, looked up for one case (and, when known, one service)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="doctor_research")
    # The providers app's Service.public_id, when the doctor reviews for that service. A plain
    # UUID, not a foreign key, so this app does not depend on the providers models.
    service_id = models.UUIDField(null=True, blank=True, db_index=True)
    doctor_name = models.CharField("Doctor's full name", max_length=120)
    affiliation = models.CharField(
        "Where they work (hospital or university)", max_length=200, blank=True
    )
    state = models.CharField("State (two letters)", max_length=2, blank=True)
    cancer_type = models.CharField(max_length=30)  # the case's cancer when looked up
    chosen_npi = models.CharField(max_length=10, blank=True)

    status = models.CharField(
        max_length=10, choices=ResearchStatus.choices, default=ResearchStatus.QUEUED
    )
    step = models.CharField(max_length=10, blank=True)
    card = models.JSONField(null=True, blank=True)  # EvidenceCard.to_dict()
    error = models.CharField(max_length=300, blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name_plural = "doctor research"

    def __str__(self) -> str:
        return self.doctor_name

    @property
    def in_progress(self) -> bool:
        return self.status in (ResearchStatus.QUEUED, ResearchStatus.RUNNING)

    @property
    def incomplete(self) -> bool:
        """Finished, but a source did not answer (offline, an error, old results kept): the
        lookup is not done, and the page must not say it is."""
        card = self.card or {}
        return self.status == ResearchStatus.DONE and bool(
            card.get("problems") or card.get("stale")
        )

    @property
    def complete(self) -> bool:
        return self.status == ResearchStatus.DONE and not self.incomplete

    @property
    def status_words(self) -> str:
        if self.incomplete:
            return INCOMPLETE_WORDS
        return self.get_status_display()

    @property
    def step_words(self) -> str:
        if self.incomplete:
            return INCOMPLETE_WORDS
        return STEP_WORDS.get(self.step, self.step)

    @property
    def no_evidence_on_cancer(self) -> bool:
        return bool(self.card and self.card.get("no_evidence_on_cancer"))


class NoteKind(models.TextChoices):
    BOARD = "board", "Board certification"
    AWARD = "award", "Award or honor"
    OTHER = "other", "Other"


class DoctorNote(models.Model):
    """Something the patient found out by hand (board certification, awards, ...)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    research = models.ForeignKey(DoctorResearch, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField("What kind of note", max_length=10, choices=NoteKind.choices)
    text = models.CharField("What you found", max_length=500)
    source_url = models.URLField("Where you found it (web address, optional)", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:40]
