"""Forms for links, opinions, the decision, questions and the handoff."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from secondopinion.core.editguard import EditGuardMixin
from secondopinion.opinions.models import (
    Agrees,
    Decision,
    Handoff,
    Opinion,
    PatientQuestion,
    Stance,
)
from secondopinion.opinions.tokens import DEFAULT_DAYS, MAX_DAYS
from secondopinion.plans.reader.reading import Component
from secondopinion.providers.forms import DATETIME_INPUT, booked_call_clean

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class LinkForm(forms.Form):
    days = forms.IntegerField(
        label="How many days should the link work?",
        min_value=1,
        max_value=MAX_DAYS,
        initial=DEFAULT_DAYS,
        help_text=f"{DEFAULT_DAYS} days is usual. You can withdraw the link at any time.",
    )
    passcode = forms.CharField(
        label="Passcode (optional)",
        required=False,
        min_length=6,
        max_length=100,
        help_text="If you add one, tell it to the service by phone, not in the same email as the link.",
    )


class PasscodeForm(forms.Form):
    passcode = forms.CharField(label="Passcode", max_length=100, widget=forms.PasswordInput)


# The structured questions, asked the same way of the reviewer (share link) and the patient.
STRUCTURED = [
    "stance",
    "diagnosis_agrees",
    "diagnosis_difference",
    "stage_agrees",
    "stage_opinion",
    "recommendations",
    "tests_suggested",
    "trials_mentioned",
]
STRUCTURED_WIDGETS = {
    "stance": forms.RadioSelect,
    "diagnosis_agrees": forms.RadioSelect,
    "stage_agrees": forms.RadioSelect,
    "diagnosis_difference": forms.Textarea(attrs={"rows": 2}),
    "recommendations": forms.Textarea(attrs={"rows": 5}),
    "tests_suggested": forms.Textarea(attrs={"rows": 2}),
    "trials_mentioned": forms.Textarea(attrs={"rows": 2}),
}
STRUCTURED_HELP = {
    "stance": "Confirms: the same treatments. Changes: mostly the same, with some changes. "
    "Different: another plan.",
    "recommendations": "The treatments as written, for example: “Lumpectomy, then radiation. "
    "Letrozole for 5 years.” On the next page you check what we read.",
    "tests_suggested": "For example: a 21-gene recurrence score, genetic testing, an MRI.",
    "trials_mentioned": "A clinical trial is a research study of a treatment. Write “none” if "
    "none is suggested.",
}


def _structured_choices(form) -> None:
    for name in ("diagnosis_agrees", "stage_agrees"):
        form.fields[name].choices = [c for c in Agrees.choices if c[0]]
        form.fields[name].required = False
    form.fields["stance"].choices = list(Stance.choices)
    for name, text in STRUCTURED_HELP.items():
        form.fields[name].help_text = text


class ReportUploadForm(forms.ModelForm):
    """What the reviewing doctor sends back. Only the PDF is required."""

    report = forms.FileField(label="Your written report (PDF)")

    class Meta:
        model = Opinion
        fields = ["doctor_name", *STRUCTURED]
        labels = {
            "doctor_name": "Your name",
            "stance": "Compared with the first plan, you…",
            "diagnosis_agrees": "Do you agree with the diagnosis?",
            "diagnosis_difference": "If not, how does your diagnosis differ?",
            "stage_agrees": "Do you agree with the stage?",
            "stage_opinion": "If not, what stage do you give?",
            "recommendations": "The treatments you recommend",
            "tests_suggested": "Tests you suggest",
            "trials_mentioned": "Clinical trials you suggest",
        }
        widgets = STRUCTURED_WIDGETS

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _structured_choices(self)
        self.fields["stance"].required = False
        stance = cast(forms.ChoiceField, self.fields["stance"])
        stance.choices = [c for c in Stance.choices if c[0] != "unclear"]
        self.order_fields(["report", "doctor_name", *STRUCTURED])


class OpinionForm(EditGuardMixin, forms.ModelForm):
    report = forms.FileField(label="The written report (PDF, optional)", required=False)

    class Meta:
        model = Opinion
        fields = [
            "service",
            "doctor_name",
            "received_on",
            *STRUCTURED,
            "diagnosis",
            "open_questions",
        ]
        widgets = {
            **STRUCTURED_WIDGETS,
            "received_on": DATE_INPUT,
            "diagnosis": forms.Textarea(attrs={"rows": 3}),
            "open_questions": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"diagnosis": "Their words about the diagnosis (optional, not compared)"}

    def __init__(self, *args, case, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        service = cast(forms.ModelChoiceField, self.fields["service"])
        service.queryset = case.services.all()
        service.required = False
        service.empty_label = "Not one of my services"
        _structured_choices(self)


# --- checking what the plan reader read --------------------------------------------------

MODALITY_CHOICES = [
    ("surgery", "Surgery"),
    ("radiation", "Radiation"),
    ("chemotherapy", "Chemotherapy"),
    ("endocrine", "Hormone (endocrine) therapy"),
    ("targeted", "Targeted therapy"),
    ("immunotherapy", "Immunotherapy"),
    ("antibody-drug conjugate", "Antibody-drug conjugate"),
    ("radiopharmaceutical", "Radiopharmaceutical"),
    ("active surveillance", "Active surveillance"),
    ("supportive", "Supportive care"),
    ("clinical trial", "Clinical trial"),
    ("test", "Test"),
    ("other", "Other"),
]


class ComponentForm(forms.Form):
    """One treatment as read, for a person to correct. Source words are kept as they were."""

    modality = forms.ChoiceField(
        label="Kind of treatment",
        choices=[("", "Choose…"), *MODALITY_CHOICES],
        required=False,  # an added row left on "Choose…" adds nothing
    )
    drugs = forms.CharField(
        label="Medicines",
        required=False,
        max_length=300,
        help_text="Generic names, separated by commas.",
    )
    procedure = forms.CharField(
        label="Operation, radiation type or test", required=False, max_length=120
    )
    duration_months = forms.DecimalField(
        label="How long (months)",
        required=False,
        min_value=0,
        max_value=600,
        decimal_places=1,
        help_text="5 years is 60 months. Leave empty if not said.",
    )
    phase = forms.IntegerField(
        label="Order (1 = first)", min_value=1, max_value=20, initial=1, required=False
    )
    remove = forms.BooleanField(label="This is wrong: remove it", required=False)
    original = forms.JSONField(widget=forms.HiddenInput, required=False)

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("original") and not data.get("remove") and not data.get("modality"):
            self.add_error("modality", "Choose the kind of treatment, or tick “remove it”.")
        return data

    def component_dict(self) -> dict | None:
        """The corrected component as Component.to_dict() gives it, or None when removed."""
        data = self.cleaned_data
        if not data or data.get("remove"):
            return None
        original = data.get("original")
        base: dict[str, Any] = original if isinstance(original, dict) else {}
        if not data.get("modality"):
            return None  # the empty row for a missed treatment, left alone
        blank = (
            Component(
                modality=data["modality"],
                drugs=(),
                procedure=None,
                duration_months=None,
                phase=1,
                text="",
                start=0,
                end=0,
            ).to_dict()
            if not base
            else {}
        )
        result = {**blank, **base}
        duration = data.get("duration_months")
        result.update(
            modality=data["modality"],
            drugs=[d.strip().lower() for d in (data.get("drugs") or "").split(",") if d.strip()],
            procedure=(data.get("procedure") or "").strip() or None,
            duration_months=float(duration) if duration is not None else None,
            phase=data.get("phase") or 1,
        )
        Component.from_dict(result)  # refuse a dict the plans API would not take back
        return result


ComponentFormSet = forms.formset_factory(ComponentForm, extra=1, max_num=60, absolute_max=80)


def _months(value):
    """60.0 reads as 60 in the field."""
    if value is None:
        return None
    return int(value) if float(value) == int(value) else value


def component_initial(components: list[dict]) -> list[dict]:
    return [
        {
            "modality": c.get("modality"),
            "drugs": ", ".join(c.get("drugs") or ()),
            "procedure": c.get("procedure") or "",
            "duration_months": _months(c.get("duration_months")),
            "phase": c.get("phase") or 1,
            "original": c,
        }
        for c in components
    ]


def formset_components(formset) -> list[dict]:
    return [d for f in formset.forms if (d := f.component_dict()) is not None]


class DecisionForm(EditGuardMixin, forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["choice", "reasons", "decided_on", "treatment_start"]
        widgets = {
            "choice": forms.Textarea(attrs={"rows": 2}),
            "reasons": forms.Textarea(attrs={"rows": 4}),
            "decided_on": DATE_INPUT,
            "treatment_start": DATE_INPUT,
        }


class QuestionForm(forms.ModelForm):
    class Meta:
        model = PatientQuestion
        fields = ["group", "text"]
        labels = {"text": "Your own question"}


class QuestionAnswerForm(EditGuardMixin, forms.ModelForm):
    class Meta:
        model = PatientQuestion
        fields = ["asked", "answer"]
        widgets = {"answer": forms.Textarea(attrs={"rows": 2})}


class HandoffForm(EditGuardMixin, forms.ModelForm):
    class Meta:
        model = Handoff
        fields = ["delivered_on", "delivered_how", "response", "response_on", "followup_at"]
        widgets = {
            "delivered_on": DATE_INPUT,
            "response_on": DATE_INPUT,
            "response": forms.Textarea(attrs={"rows": 4}),
            "followup_at": DATETIME_INPUT,
        }

    def clean_followup_at(self):
        return booked_call_clean(self, "followup_at")
