"""A second-opinion service the patient is looking into (an inquiry), and what they learned.

Every answer can be "don't know yet": yes/no questions use `Answer`, numbers and dates are empty
until known. The red-flag rules (pure, in `rules.py`) read a `ServiceFacts` built by
`secondopinion.providers.facts.service_facts`.
"""

from __future__ import annotations

import uuid

from django.db import models

from secondopinion.providers import rules


class Answer(models.TextChoices):
    UNKNOWN = rules.UNKNOWN, "Don't know yet"
    YES = rules.YES, "Yes"
    NO = rules.NO, "No"


class DoctorNamed(models.TextChoices):
    UNKNOWN = rules.UNKNOWN, "Don't know yet"
    YES = rules.YES, "Yes, they told me"
    NO = rules.NO, "No, they will not or cannot say"


class Status(models.TextChoices):
    CONSIDERING = "considering", "Considering"
    CONTACTED = "contacted", "Contacted"
    AGREED = "agreed", "Agreed to go ahead"
    RECORDS_SENT = "records_sent", "Records sent"
    WAITING = "waiting", "Waiting for the report"
    REPORT_RECEIVED = "report_received", "Report received"
    DECLINED = "declined", "They declined"
    RULED_OUT = "ruled_out", "I ruled it out"


class Insurance(models.TextChoices):
    UNKNOWN = rules.UNKNOWN, "Don't know yet"
    COVERS = "covers", "Covers it"
    PARTLY = "partly", "Covers part of it"
    NO = rules.NO, "Does not cover it"


class TurnaroundKind(models.TextChoices):
    CALENDAR = rules.CALENDAR, "Calendar days (every day counts)"
    BUSINESS = rules.BUSINESS, "Business days (Monday to Friday)"


RECORD_TYPES = [
    ("pathology_report", "Pathology report"),
    ("pathology_slides", "Pathology slides or tissue blocks"),
    ("imaging_reports", "Imaging reports (what the radiologist wrote)"),
    ("imaging_studies", "Imaging studies (the scans themselves, DICOM files, often on a CD)"),
    ("clinical_summary", "Clinical summary or doctor's notes"),
    ("operative_report", "Operative report (what the surgeon wrote)"),
    ("lab_results", "Lab results"),
    ("genomic_reports", "Genomic test reports (tests of the tumor's genes)"),
    ("medication_list", "Medication list"),
    ("other", "Other"),
]
RECORD_LABELS = dict(RECORD_TYPES)

SEND_METHODS = [
    ("portal", "Upload to their portal"),
    ("mail", "Mail or courier"),
    ("fax", "Fax"),
    ("email", "Email"),
    ("cd", "CD or DVD"),
]
SEND_LABELS = dict(SEND_METHODS)

MAX_COST = 1_000_000
MAX_TURNAROUND_DAYS = 365
MAX_CALLS = 50
# A booked call may not be more than a year before the case began, nor more than 2 years ahead.
CALL_PAST_DAYS = 365
CALL_FUTURE_DAYS = 730


def _answer(label: str, **kw) -> models.CharField:
    return models.CharField(
        label, max_length=10, choices=Answer.choices, default=Answer.UNKNOWN, **kw
    )


class Service(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="services")
    # Set when opened from the directory; the name is copied so a directory reload changes nothing.
    center = models.ForeignKey(
        "centers.Center", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    name = models.CharField("Name of the service or hospital", max_length=200)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CONSIDERING)
    status_reason = models.TextField(
        "Why (if they declined or you ruled it out)", max_length=1000, blank=True
    )

    # Contact.
    contact_person = models.CharField("Contact person", max_length=120, blank=True)
    contact_phone = models.CharField("Phone", max_length=40, blank=True)
    contact_email = models.EmailField("Email", blank=True)
    web_page = models.URLField("Web page", max_length=500, blank=True)

    # Cost.
    cost_amount = models.DecimalField(
        "What you would pay yourself",
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Leave empty if you don't know yet. Write 0 if it is free.",
    )
    currency = models.CharField("Currency", max_length=3, default="USD")
    included_calls = models.PositiveSmallIntegerField(
        "Calls with the doctor included in the price", null=True, blank=True
    )
    includes_video = _answer("Is a video visit included?")
    includes_notes = models.CharField(
        "Anything else the price includes or leaves out", max_length=500, blank=True
    )
    insurance = models.CharField(
        "Does insurance pay?", max_length=10, choices=Insurance.choices, default=Insurance.UNKNOWN
    )
    reimbursement = models.CharField(
        "Money back afterwards (reimbursement)", max_length=500, blank=True
    )
    financial_help = _answer("Financial help or scholarships offered?")
    financial_help_notes = models.CharField("About the financial help", max_length=500, blank=True)
    extra_communication_charge = _answer("Extra charge for calls or messages after the first one?")
    extra_communication_notes = models.CharField("About those charges", max_length=500, blank=True)

    # The reviewing doctor.
    doctor_named = models.CharField(
        "Will they tell you the reviewing doctor's name?",
        max_length=10,
        choices=DoctorNamed.choices,
        default=DoctorNamed.UNKNOWN,
    )
    doctor_name = models.CharField("Reviewing doctor's name", max_length=120, blank=True)
    doctor_institution = models.CharField("Where they work now", max_length=200, blank=True)
    doctor_institution_given = _answer("Will they tell you where the doctor works now?")
    doctor_specialty = models.CharField("Their specialty", max_length=120, blank=True)

    # The local doctor.
    talks_to_local_doctor = _answer("Will they talk with your local doctor?")
    local_doctor_charge = models.CharField(
        "Extra charge for that", max_length=200, blank=True, help_text='Write "none" if it is free.'
    )

    # Records.
    records_needed = models.JSONField("Records they need", default=list, blank=True)
    records_other = models.CharField("Other records they need", max_length=300, blank=True)
    send_methods = models.JSONField("How to send them", default=list, blank=True)
    send_notes = models.TextField("Where exactly to send them", max_length=1000, blank=True)
    records_sent_on = models.DateField("Date you sent your records", null=True, blank=True)

    # Turnaround and what is delivered.
    turnaround_days = models.PositiveSmallIntegerField(
        "Days until the answer, once they have your records", null=True, blank=True
    )
    turnaround_kind = models.CharField(
        "Counted in", max_length=10, choices=TurnaroundKind.choices, default=TurnaroundKind.CALENDAR
    )
    written_report = _answer(
        "Will you get a written report (summary, their view of the diagnosis, recommendations)?"
    )
    delivers_call = _answer("A call to go over the report?")
    # A booked call goes into the case's calendar file (opinions.services.schedule.calendar_items).
    call_at = models.DateTimeField(
        "Call with the reviewing doctor booked for",
        null=True,
        blank=True,
        help_text="Date and time of the call, if you have booked one. Leave empty if not.",
    )
    call_note = models.CharField(
        "About the call",
        max_length=120,
        blank=True,
        help_text='A few words, for example "video call" or "they will phone me".',
    )
    delivers_copy_to_local = _answer("A copy sent to your local doctor?")

    # The agreement and payment.
    agreement_received = _answer("Have you received their agreement?")
    agreement_read = _answer("Have you read all of it?")
    agreement_questions = models.TextField(
        "Questions about the agreement", max_length=2000, blank=True
    )
    agreement_signed = _answer("Have you signed it?")
    # The agreement's text as the patient pasted or uploaded it, and what the reader found in it
    # (secondopinion.agreements; the CONTRACT.md shape), kept together so they always agree.
    agreement_text = models.TextField("The agreement's text", blank=True)
    agreement_reading = models.JSONField(default=dict, blank=True, editable=False)
    payment_made = _answer("Have you paid?")

    # What the rules said at the last save: lets lists show the worst flag without recomputing.
    flags_snapshot = models.JSONField(default=list, blank=True, editable=False)
    worst_flag = models.CharField(max_length=10, blank=True, editable=False)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.status in rules.CLOSED_STATUSES

    @property
    def includes_known(self) -> bool:
        return (
            self.included_calls is not None
            or self.includes_video != Answer.UNKNOWN
            or bool(self.includes_notes.strip())
        )

    @property
    def records_needed_labels(self) -> list[str]:
        labels = [RECORD_LABELS.get(k, k) for k in self.records_needed if k != "other"]
        if "other" in self.records_needed or self.records_other:
            labels.append(self.records_other or "Other")
        return labels

    @property
    def send_method_labels(self) -> list[str]:
        return [SEND_LABELS.get(k, k) for k in self.send_methods]
