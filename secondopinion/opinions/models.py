"""Sending the case and receiving opinions: packets, share links and their log, opinions,
the patient's questions, the decision, and the handoff to the local doctor.

Share links store only a hash of their token (see tokens.py). Files (packets, reports) live in
default storage under server-generated names; the names are kept here.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from secondopinion.opinions import questions_bank


class PacketBuild(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Being made"
        DONE = "done", "Ready"
        FAILED = "failed", "Could not be made"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="packet_builds")
    service = models.ForeignKey(
        "providers.Service", on_delete=models.CASCADE, related_name="packet_builds"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    bytes_done = models.BigIntegerField(default=0)
    bytes_total = models.BigIntegerField(default=0)
    error = models.TextField(blank=True)
    # Keys of vault items the patient left out (see sources.py); everything else goes in.
    excluded = models.JSONField(default=list, blank=True)
    file_name = models.CharField(max_length=300, blank=True)
    file_size = models.BigIntegerField(default=0)
    file_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Packet {self.public_id}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.bytes_done / self.bytes_total) if self.bytes_total else 0

    @property
    def download_name(self) -> str:
        return f"second-opinion-packet-{self.created_at:%Y-%m-%d}.zip"


class ShareLink(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="share_links")
    service = models.ForeignKey(
        "providers.Service", on_delete=models.CASCADE, related_name="share_links"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    passcode_hash = models.CharField(max_length=200, blank=True)
    # Wrong passcodes since the owner last reset the count (shown to the owner). Tries are
    # limited per address (see passcodes.py), never for everyone at once.
    failed_passcodes = models.PositiveIntegerField(default=0)
    passcodes_reset_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Link {self.public_id}"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None and timezone.now() < self.expires_at

    @property
    def state_words(self) -> str:
        if self.revoked_at:
            return "Withdrawn"
        return "Active" if self.is_live else "Expired"


class LinkEvent(models.Model):
    class Action(models.TextChoices):
        OPEN = "open", "Opened the page"
        PACKET = "packet", "Downloaded the packet"
        FILE = "file", "Downloaded a file"
        REPORT = "report", "Uploaded a report"
        PASSCODE_FAILED = "passcode_failed", "Typed a wrong passcode"
        PASSCODE_PAUSED = "passcode_paused", "Too many wrong passcodes: this address must wait"

    link = models.ForeignKey(ShareLink, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    address = models.GenericIPAddressField(null=True, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    detail = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.action} at {self.at:%Y-%m-%d %H:%M}"


class Stance(models.TextChoices):
    CONFIRMS = "confirms", "Confirms the first plan"
    PROPOSES_CHANGES = "proposes_changes", "Proposes changes to the first plan"
    PROPOSES_OTHER = "proposes_other", "Proposes a different plan"
    UNCLEAR = "unclear", "Not clear yet"


class Agrees(models.TextChoices):
    """A structured yes / no, so diagnosis and stage are never compared from wording."""

    UNKNOWN = "", "Not answered"
    YES = "yes", "Yes, I agree"
    NO = "no", "No, I see it differently"


def _lines(text: str) -> list[str]:
    return [line.strip(" -•\t") for line in text.splitlines() if line.strip(" -•\t")]


class Opinion(models.Model):
    class Source(models.TextChoices):
        LINK = "link", "Uploaded by the reviewing doctor"
        PATIENT = "patient", "Entered by you"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="opinions")
    service = models.ForeignKey(
        "providers.Service",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="opinions",
        verbose_name="Service",
    )
    link = models.ForeignKey(
        ShareLink, on_delete=models.SET_NULL, null=True, blank=True, related_name="opinions"
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.PATIENT)
    created_at = models.DateTimeField(auto_now_add=True)

    doctor_name = models.CharField("Doctor's name", max_length=120, blank=True)
    received_on = models.DateField("Date of the opinion", default=timezone.localdate)
    stance = models.CharField(
        "What does this doctor say about the first plan?",
        max_length=20,
        choices=Stance.choices,
        default=Stance.UNCLEAR,
    )
    diagnosis_agrees = models.CharField(
        "Does this doctor agree with the diagnosis?",
        max_length=3,
        choices=Agrees.choices,
        blank=True,
    )
    diagnosis_difference = models.TextField(
        "If not, how does their diagnosis differ?", max_length=2000, blank=True
    )
    stage_agrees = models.CharField(
        "Does this doctor agree with the stage?", max_length=3, choices=Agrees.choices, blank=True
    )
    stage_opinion = models.CharField("If not, what stage do they give?", max_length=60, blank=True)
    diagnosis = models.TextField(
        "The diagnosis, as this doctor understands it", max_length=2000, blank=True
    )
    recommendations = models.TextField(
        "Recommended treatments",
        max_length=4000,
        blank=True,
        help_text="As the doctor wrote them. We read them into treatments you can check.",
    )
    tests_suggested = models.TextField(
        "Tests suggested", max_length=2000, blank=True, help_text="One per line."
    )
    trials_mentioned = models.TextField(
        "Clinical trials mentioned",
        max_length=2000,
        blank=True,
        help_text="One per line. A clinical trial is a research study of a treatment.",
    )
    open_questions = models.TextField(
        "Questions you still have", max_length=4000, blank=True, help_text="One per line."
    )

    # What the plan reader (secondopinion.plans) read from the treatments, tests and trials,
    # as Component.to_json() dicts (with their status: plan, history, turned down), corrected by a person when plan_checked is set.
    # plan_read_from is the text they were read from: if the text changes, they are read again.
    plan_components = models.JSONField(default=list, blank=True)
    plan_unread = models.JSONField(default=list, blank=True)
    plan_read_from = models.TextField(blank=True)
    # The reader found "I agree with the plan as proposed" (an opinion that then omits nothing).
    plan_agrees = models.BooleanField(default=False)
    plan_checked = models.BooleanField(default=False)

    report_name = models.CharField(max_length=300, blank=True)  # storage name
    report_original = models.CharField(max_length=200, blank=True)
    report_size = models.BigIntegerField(default=0)
    report_sha256 = models.CharField(max_length=64, blank=True)
    # A report that carried active content: `report_name` is the disarmed copy everybody opens;
    # the upload as it came is kept here, private (never handed to the patient). Empty otherwise.
    report_kept_name = models.CharField(max_length=300, blank=True)
    report_kept_sha256 = models.CharField(max_length=64, blank=True)
    report_kept_size = models.BigIntegerField(default=0)
    report_removed = models.CharField(max_length=300, blank=True)  # plain words: what went

    class Meta:
        ordering = ["received_on", "created_at"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        who = self.doctor_name or "Reviewing doctor"
        return f"{who} ({self.service.name})" if self.service is not None else who

    @property
    def recommendation_list(self) -> list[str]:
        return _lines(self.recommendations)

    @property
    def test_list(self) -> list[str]:
        return _lines(self.tests_suggested)

    @property
    def trial_list(self) -> list[str]:
        return _lines(self.trials_mentioned)

    @property
    def question_list(self) -> list[str]:
        return _lines(self.open_questions)

    @property
    def plan_text(self) -> str:
        """Everything the plan reader reads: treatments, then tests, then trials."""
        parts = (self.recommendations, self.tests_suggested, self.trials_mentioned)
        return "\n".join(p.strip() for p in parts if p.strip())


class Decision(models.Model):
    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="decision")
    updated_at = models.DateTimeField(auto_now=True)
    choice = models.TextField("What you decided", max_length=2000, blank=True)
    reasons = models.TextField("Why", max_length=4000, blank=True)
    decided_on = models.DateField("Date", null=True, blank=True)
    treatment_start = models.DateField("Treatment starts on", null=True, blank=True)

    def __str__(self) -> str:
        return "Decision"


class PatientQuestion(models.Model):
    class Group(models.TextChoices):
        SERVICE = questions_bank.SERVICE, "Before choosing a service"
        REVIEWER = questions_bank.REVIEWER, "For the reviewing doctor"
        LOCAL = questions_bank.LOCAL, "For my local doctor"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="questions")
    group = models.CharField("For whom", max_length=10, choices=Group.choices)
    bank_key = models.CharField(max_length=40, blank=True)
    text = models.CharField("Question", max_length=500)
    asked = models.BooleanField("Asked", default=False)
    answer = models.TextField("Answer", max_length=4000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["group", "created_at", "pk"]

    def __str__(self) -> str:
        return self.text


class Handoff(models.Model):
    """The one-page summary given to the local doctor, and what came back."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="handoff")
    updated_at = models.DateTimeField(auto_now=True)
    delivered_on = models.DateField("Date you gave it to your local doctor", null=True, blank=True)
    delivered_how = models.CharField(
        "How", max_length=200, blank=True, help_text="For example: at my visit, by the portal."
    )
    response = models.TextField("What your local doctor said", max_length=4000, blank=True)
    response_on = models.DateField("Date of their answer", null=True, blank=True)
    # Goes into the case's calendar file, like the reviewing doctor's call.
    followup_at = models.DateTimeField(
        "Call or visit with your local doctor booked for",
        null=True,
        blank=True,
        help_text="Date and time, if you have booked one to talk about the opinions.",
    )

    def __str__(self) -> str:
        return "Handoff"

    @property
    def loop_closed(self) -> bool:
        return bool(self.delivered_on and self.response.strip())
