"""The case: one person's cancer, the first plan, how long treatment can wait, and their goals."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from secondopinion.cases.cancer_types import BY_CODE, CHOICES, cancer_in_sentence


class Urgency(models.TextChoices):
    UNKNOWN = "", "Not recorded"
    URGENT = "urgent", "Start as soon as possible"
    SOON = "soon", "Start within a few weeks"
    NOT_URGENT = "not_urgent", "No rush"


class AskedDoctor(models.TextChoices):
    NOT_YET = "not_yet", "Not yet"
    ASKED = "asked", "I asked and am waiting"
    ANSWERED = "answered", "My doctor answered"


class DoctorAnswer(models.TextChoices):
    UNKNOWN = "", "No answer yet"
    CAN_WAIT = "can_wait", "Waiting a few weeks is fine"
    SHORT_WAIT = "short_wait", "Only a short wait is fine"
    SHOULD_NOT_WAIT = "should_not_wait", "I should not wait"


class Case(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cases"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Who and what.
    patient_name = models.CharField("Patient's name", max_length=120)
    # Identity and contact for the reviewing doctor (optional; see IDENTITY_REASON in forms.py).
    legal_name = models.CharField("Full legal name", max_length=200, blank=True)
    date_of_birth = models.DateField("Date of birth", null=True, blank=True)
    patient_phone = models.CharField("Phone", max_length=40, blank=True)
    patient_address = models.TextField("Mailing address", max_length=500, blank=True)
    cancer_type = models.CharField("Type of cancer", max_length=30, choices=CHOICES)
    cancer_type_other = models.CharField("If other, what type", max_length=120, blank=True)
    diagnosis_date = models.DateField("Date of diagnosis", null=True, blank=True)
    stage_told = models.CharField("Stage, as your doctor told you", max_length=60, blank=True)

    # The treating (local) doctor.
    doctor_name = models.CharField("Doctor's name", max_length=120, blank=True)
    doctor_institution = models.CharField(
        "Practice, hospital or clinic", max_length=200, blank=True
    )
    doctor_phone = models.CharField("Phone", max_length=40, blank=True)
    doctor_fax = models.CharField("Fax", max_length=40, blank=True)
    doctor_email = models.EmailField("Email", blank=True)

    # The first opinion.
    first_plan = models.TextField(
        "The treatment your doctor recommends", max_length=4000, blank=True
    )
    # The first plan as read by secondopinion.plans (Component.to_json() dicts), corrected by
    # the patient when first_plan_checked is set; read again when first_plan changes.
    first_plan_components = models.JSONField(default=list, blank=True)
    first_plan_unread = models.JSONField(default=list, blank=True)
    first_plan_read_from = models.TextField(blank=True)
    # The reader found "I agree with the plan as proposed" (an opinion that then omits nothing).
    first_plan_agrees = models.BooleanField(default=False)
    first_plan_checked = models.BooleanField(default=False)
    first_plan_date = models.DateField("Date of that recommendation", null=True, blank=True)
    first_plan_urgency = models.CharField(
        "How urgent your doctor said it is", max_length=20, choices=Urgency.choices, blank=True
    )

    # Timeline.
    asked_doctor = models.CharField(
        "Did you ask your doctor?",
        max_length=20,
        choices=AskedDoctor.choices,
        default=AskedDoctor.NOT_YET,
    )
    doctor_answer = models.CharField(
        "What your doctor said", max_length=20, choices=DoctorAnswer.choices, blank=True
    )
    doctor_answer_notes = models.TextField(
        "Their words, if you want to note them", max_length=2000, blank=True
    )
    safe_to_wait_until = models.DateField("Safe to wait until", null=True, blank=True)
    planned_treatment_start = models.DateField("Planned start of treatment", null=True, blank=True)

    # Goals.
    treatment_goals = models.TextField("What you want from treatment", max_length=4000, blank=True)
    quality_of_life_goals = models.TextField(
        "What matters most in daily life", max_length=4000, blank=True
    )
    goal_work = models.TextField("Work", max_length=1000, blank=True)
    goal_family = models.TextField("Family events coming up", max_length=1000, blank=True)
    goal_side_effects = models.TextField(
        "Side effects you most want to avoid", max_length=1000, blank=True
    )
    goal_travel = models.TextField("Travel", max_length=1000, blank=True)
    outcomes_read = models.BooleanField(
        "I have read about the two possible outcomes", default=False
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.patient_name

    @property
    def full_name(self) -> str:
        """The legal name when given, else the name the patient goes by."""
        return self.legal_name.strip() or self.patient_name.strip()

    @property
    def cancer(self):
        return BY_CODE.get(self.cancer_type)

    @property
    def cancer_label(self) -> str:
        if self.cancer_type == "other" and self.cancer_type_other:
            return self.cancer_type_other
        return self.cancer.label if self.cancer else "cancer"

    @property
    def cancer_phrase(self) -> str:
        """The cancer as it reads inside a sentence: "a specialist in breast cancer"."""
        return cancer_in_sentence(self.cancer_label)

    @property
    def days_left(self) -> int | None:
        """Days from today to the safe-to-wait date; None when no date is known."""
        if self.safe_to_wait_until is None:
            return None
        return (self.safe_to_wait_until - timezone.localdate()).days

    def days_left_from(self, today: datetime.date) -> int | None:
        if self.safe_to_wait_until is None:
            return None
        return (self.safe_to_wait_until - today).days

    @property
    def has_goals(self) -> bool:
        return bool(self.treatment_goals.strip() or self.quality_of_life_goals.strip())
