"""Service forms. Every answer may stay "don't know yet"; absurd numbers are refused with a reason."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django import forms
from django.utils import timezone

from secondopinion.core.editguard import EditGuardMixin
from secondopinion.providers.models import (
    CALL_FUTURE_DAYS,
    CALL_PAST_DAYS,
    MAX_CALLS,
    MAX_COST,
    MAX_TURNAROUND_DAYS,
    RECORD_TYPES,
    SEND_METHODS,
    Answer,
    DoctorNamed,
    Service,
    Status,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# The browser's date-and-time picker; the value is read in the site's time zone.
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def booked_call_error(when: datetime, *, case_created: datetime, now: datetime) -> str | None:
    """A plain reason why `when` cannot be a booked call, or None when it can.

    Catches typing slips (a wrong year) rather than judging the date: a call already held is fine.
    Also used for the local doctor's follow-up on the handoff page (opinions app).
    """
    if when < case_created - timedelta(days=CALL_PAST_DAYS):
        return "That date is more than a year before you started this case. Please check the year."
    if when > now + timedelta(days=CALL_FUTURE_DAYS):
        return "That date is more than 2 years from now. Please check the year."
    return None


def booked_call_clean(form: forms.ModelForm, field: str) -> datetime | None:
    """A form's booked call time (a service call, a follow-up), refused with a plain reason when
    `booked_call_error` finds one; the case's creation date bounds how far back it may be."""
    when = form.cleaned_data.get(field)
    if when is None:
        return None
    now = timezone.now()
    created = form.instance.case.created_at if form.instance.case_id else now
    problem = booked_call_error(when, case_created=created, now=now)
    if problem:
        raise forms.ValidationError(problem)
    return when


# Fields shown in groups on the edit page, in the guide's order.
GROUPS = [
    ("Where things stand", ["name", "status", "status_reason"]),
    ("Contact", ["contact_person", "contact_phone", "contact_email", "web_page"]),
    (
        "The reviewing doctor",
        [
            "doctor_named",
            "doctor_name",
            "doctor_institution",
            "doctor_institution_given",
            "doctor_specialty",
        ],
    ),
    (
        "Cost",
        [
            "cost_amount",
            "currency",
            "included_calls",
            "includes_video",
            "includes_notes",
            "insurance",
            "reimbursement",
            "financial_help",
            "financial_help_notes",
            "extra_communication_charge",
            "extra_communication_notes",
        ],
    ),
    ("Your local doctor", ["talks_to_local_doctor", "local_doctor_charge"]),
    (
        "Records",
        ["records_needed", "records_other", "send_methods", "send_notes", "records_sent_on"],
    ),
    (
        "When the answer comes and what you receive",
        [
            "turnaround_days",
            "turnaround_kind",
            "written_report",
            "delivers_call",
            "call_at",
            "call_note",
            "delivers_copy_to_local",
        ],
    ),
    (
        "The agreement and payment",
        [
            "agreement_received",
            "agreement_read",
            "agreement_questions",
            "agreement_signed",
            "payment_made",
        ],
    ),
]


class ServiceForm(EditGuardMixin, forms.ModelForm):
    # Plain number fields so our own messages replace Django's generic ones.
    cost_amount = forms.DecimalField(
        label="What you would pay yourself",
        required=False,
        help_text="Leave empty if you don't know yet. Write 0 if it is free.",
    )
    included_calls = forms.IntegerField(
        label="Calls with the doctor included in the price",
        required=False,
        help_text="Leave empty if you don't know yet.",
    )
    turnaround_days = forms.IntegerField(
        label="Days until the answer, once they have your records",
        required=False,
        help_text="Leave empty if you don't know yet.",
    )
    records_needed = forms.MultipleChoiceField(
        label="Records they need",
        choices=RECORD_TYPES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked if you don't know yet.",
    )
    send_methods = forms.MultipleChoiceField(
        label="How to send them",
        choices=SEND_METHODS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    doctor_institution_given = forms.ChoiceField(
        label="Will they tell you where the doctor works now?",
        choices=Answer.choices,
        required=False,
    )

    class Meta:
        model = Service
        fields = [name for _, names in GROUPS for name in names]
        widgets = {
            "records_sent_on": DATE_INPUT,
            "call_at": DATETIME_INPUT,
            "status_reason": forms.Textarea(attrs={"rows": 2}),
            "send_notes": forms.Textarea(attrs={"rows": 2}),
            "agreement_questions": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_doctor_institution_given(self):
        # Optional on the page (older forms and links post without it): no answer is "not known".
        return self.cleaned_data.get("doctor_institution_given") or Answer.UNKNOWN

    def clean_cost_amount(self):
        cost = self.cleaned_data.get("cost_amount")
        if cost is None:
            return None
        if cost < 0:
            raise forms.ValidationError("A cost cannot be below zero. Write 0 if it is free.")
        if cost > MAX_COST:
            raise forms.ValidationError(
                f"That is more than {MAX_COST:,}. Please check the number (no cents needed)."
            )
        return cost.quantize(Decimal("0.01"))

    def clean_included_calls(self):
        calls = self.cleaned_data.get("included_calls")
        if calls is not None and not 0 <= calls <= MAX_CALLS:
            raise forms.ValidationError(f"Please give a number of calls from 0 to {MAX_CALLS}.")
        return calls

    def clean_turnaround_days(self):
        days = self.cleaned_data.get("turnaround_days")
        if days is None:
            return None
        if days < 0:
            raise forms.ValidationError("The number of days cannot be below zero.")
        if days > MAX_TURNAROUND_DAYS:
            raise forms.ValidationError(
                f"That is more than a year ({MAX_TURNAROUND_DAYS} days). Please check the number."
            )
        return days

    def clean_call_at(self):
        return booked_call_clean(self, "call_at")

    def clean_currency(self):
        currency = (self.cleaned_data.get("currency") or "").strip().upper()
        if len(currency) != 3 or not currency.isalpha():
            raise forms.ValidationError('Use a 3-letter currency code, like "USD".')
        return currency

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if (
            data.get("status") in (Status.DECLINED, Status.RULED_OUT)
            and not (data.get("status_reason") or "").strip()
        ):
            self.add_error("status_reason", "Please write a few words on why, for your records.")
        if data.get("doctor_named") == DoctorNamed.NO and (data.get("doctor_name") or "").strip():
            self.add_error(
                "doctor_named",
                'You wrote a doctor\'s name. If they told you, choose "Yes, they told me".',
            )
        return data


class ServiceNewForm(forms.ModelForm):
    """The first step when adding a service by hand: just enough to find it again."""

    class Meta:
        model = Service
        fields = ["name", "web_page", "contact_phone"]
        help_texts = {"name": "A hospital, a cancer center or a commercial second-opinion service."}
