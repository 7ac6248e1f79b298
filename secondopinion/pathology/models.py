"""Facts read from a pathology report, each pointing at the words it came from.

One `ReportReading` per document (the latest reading of its text), holding one `ReportFact` per
field. The patient reviews each fact: confirmed facts fill in the case summary; a correction keeps
the original reading beside it. Nothing here is overwritten silently: a new reading of changed
text replaces the facts only of that document, and reviews of facts whose value did not change
are carried over.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class ReportReading(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Reading the report"
        DONE = "done", "Read"
        NO_TEXT = "no_text", "No text to read"
        FAILED = "failed", "Could not read the report"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="pathology_readings"
    )
    document = models.OneToOneField(
        "records.Document", on_delete=models.CASCADE, related_name="pathology_reading"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    message = models.CharField(max_length=300, blank=True)  # plain words, never health details
    text = models.TextField(blank=True)  # the exact text the spans point into
    text_sha256 = models.CharField(max_length=64, blank=True)
    cancer = models.CharField(max_length=30, blank=True)
    truncated = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Reading of document {self.document_id}"


class Review(models.TextChoices):
    UNREVIEWED = "unreviewed", "Not checked yet"
    CONFIRMED = "confirmed", "Confirmed"
    CORRECTED = "corrected", "Corrected"


class ReportFact(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reading = models.ForeignKey(ReportReading, on_delete=models.CASCADE, related_name="facts")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="pathology_facts")
    field = models.CharField(max_length=30)
    value = models.JSONField()
    text = models.TextField()
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    status = models.CharField(max_length=10)  # stated, derived, uncertain
    details = models.JSONField(default=dict, blank=True)
    superseded = models.JSONField(default=list, blank=True)
    alternatives = models.JSONField(default=list, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    review = models.CharField(max_length=12, choices=Review.choices, default=Review.UNREVIEWED)
    corrected_value = models.CharField("Correct value", max_length=120, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["reading", "field"], name="pathology_fact_one_per_field"
            )
        ]

    def __str__(self) -> str:
        return f"{self.field}: {self.value}"

    @property
    def final_value(self):
        return self.corrected_value if self.review == Review.CORRECTED else self.value

    @property
    def is_confirmed(self) -> bool:
        return self.review in (Review.CONFIRMED, Review.CORRECTED)
