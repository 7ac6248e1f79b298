"""Forms for links, opinions, the decision, questions and the handoff."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from secondopinion.opinions.models import Decision, Handoff, Opinion, PatientQuestion, Stance
from secondopinion.opinions.tokens import DEFAULT_DAYS, MAX_DAYS
from secondopinion.providers.forms import DATETIME_INPUT, booked_call_error

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


class ReportUploadForm(forms.Form):
    """What the reviewing doctor sends back. Only the PDF is required."""

    report = forms.FileField(label="Your written report (PDF)")
    doctor_name = forms.CharField(label="Your name", max_length=120, required=False)
    stance = forms.ChoiceField(
        label="Compared with the first plan, you…",
        choices=[("", "Prefer not to say here")] + list(Stance.choices),
        required=False,
    )
    diagnosis = forms.CharField(
        label="Your understanding of the diagnosis",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    recommendations = forms.CharField(
        label="Your recommendations, one per line",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class OpinionForm(forms.ModelForm):
    report = forms.FileField(label="The written report (PDF, optional)", required=False)

    class Meta:
        model = Opinion
        fields = [
            "service",
            "doctor_name",
            "received_on",
            "stance",
            "diagnosis",
            "recommendations",
            "tests_suggested",
            "trials_mentioned",
            "open_questions",
        ]
        widgets = {
            "received_on": DATE_INPUT,
            "diagnosis": forms.Textarea(attrs={"rows": 3}),
            "recommendations": forms.Textarea(attrs={"rows": 4}),
            "tests_suggested": forms.Textarea(attrs={"rows": 3}),
            "trials_mentioned": forms.Textarea(attrs={"rows": 2}),
            "open_questions": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, case, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = case.services.all()
        self.fields["service"].required = False
        self.fields["service"].empty_label = "Not one of my services"


class DecisionForm(forms.ModelForm):
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


class QuestionAnswerForm(forms.ModelForm):
    class Meta:
        model = PatientQuestion
        fields = ["asked", "answer"]
        widgets = {"answer": forms.Textarea(attrs={"rows": 2})}


class HandoffForm(forms.ModelForm):
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
        when = self.cleaned_data.get("followup_at")
        if when is None:
            return None
        now = timezone.now()
        created = self.instance.case.created_at if self.instance.case_id else now
        problem = booked_call_error(when, case_created=created, now=now)
        if problem:
            raise forms.ValidationError(problem)
        return when
