"""Case forms. Each one names the problem beside the field; nothing saved is lost on a rejection."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone

from secondopinion.cases.models import Case
from secondopinion.core.editguard import EditGuardMixin

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# Shown above the identity fields: why a stranger's doctor needs them.
IDENTITY_REASON = (
    "The reviewing doctor needs these to be sure the records are yours, to match them with "
    "what your hospital sends, and to reach you or your doctor with a question. They go only "
    "in what you send to a service. All optional."
)


class CaseForm(EditGuardMixin, forms.ModelForm):
    identity_reason = IDENTITY_REASON

    class Meta:
        model = Case
        fields = [
            "patient_name",
            "legal_name",
            "date_of_birth",
            "patient_phone",
            "patient_address",
            "cancer_type",
            "cancer_type_other",
            "diagnosis_date",
            "stage_told",
            "doctor_name",
            "doctor_institution",
            "doctor_phone",
            "doctor_fax",
            "doctor_email",
            "first_plan",
            "first_plan_date",
            "first_plan_urgency",
        ]
        widgets = {
            "date_of_birth": DATE_INPUT,
            "diagnosis_date": DATE_INPUT,
            "first_plan_date": DATE_INPUT,
            "first_plan": forms.Textarea(attrs={"rows": 4}),
            "patient_address": forms.Textarea(attrs={"rows": 3}),
            "patient_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "doctor_phone": forms.TextInput(attrs={"type": "tel"}),
            "doctor_fax": forms.TextInput(attrs={"type": "tel"}),
        }
        help_texts = {
            "patient_name": "The person with cancer, as you want us to call them here.",
            "legal_name": "As on the insurance card and hospital records, for example "
            "“Ana María Ruiz Torres”.",
            "patient_address": "Street, city, state and ZIP code.",
            "doctor_fax": "Many doctors' offices still take records and letters by fax.",
            "stage_told": 'For example "stage 2". Leave empty if you were not told.',
            "doctor_name": "The doctor treating you now. We use this name in messages we draft.",
            "first_plan": 'In your own words, for example "surgery, then radiation".',
        }

    def clean_date_of_birth(self):
        born = self.cleaned_data.get("date_of_birth")
        today = timezone.localdate()
        if born and born > today:
            raise forms.ValidationError("A date of birth cannot be in the future.")
        if born and born < today - datetime.timedelta(days=365 * 125):
            raise forms.ValidationError("Please check the year: that is more than 125 years ago.")
        return born

    def clean_diagnosis_date(self):
        diagnosed = self.cleaned_data.get("diagnosis_date")
        if diagnosed and diagnosed > timezone.localdate():
            raise forms.ValidationError("The diagnosis date cannot be in the future.")
        return diagnosed

    def clean_first_plan_date(self):
        planned = self.cleaned_data.get("first_plan_date")
        if planned and planned > timezone.localdate():
            raise forms.ValidationError("The date of the recommendation cannot be in the future.")
        return planned

    def clean(self):
        super().clean()
        data = self.cleaned_data
        born, diagnosed = data.get("date_of_birth"), data.get("diagnosis_date")
        if born and diagnosed and diagnosed < born:
            self.add_error("diagnosis_date", "The diagnosis date is before the date of birth.")
        if data.get("cancer_type") == "other" and not data.get("cancer_type_other", "").strip():
            self.add_error("cancer_type_other", "Please tell us which type, in your own words.")
        return data


class TimelineForm(EditGuardMixin, forms.ModelForm):
    class Meta:
        model = Case
        fields = [
            "asked_doctor",
            "doctor_answer",
            "doctor_answer_notes",
            "safe_to_wait_until",
            "planned_treatment_start",
        ]
        widgets = {
            "asked_doctor": forms.RadioSelect,
            "doctor_answer": forms.RadioSelect,
            "safe_to_wait_until": DATE_INPUT,
            "planned_treatment_start": DATE_INPUT,
            "doctor_answer_notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "safe_to_wait_until": "The last date your doctor said it is safe to wait before "
            "treatment starts. Leave empty if you do not know yet.",
            "planned_treatment_start": "If a start date is booked, enter it here.",
        }

    def clean_safe_to_wait_until(self):
        safe = self.cleaned_data.get("safe_to_wait_until")
        # A date already saved may have passed; a new or changed one must not be in the past.
        changed = safe != self.instance.safe_to_wait_until
        if safe and changed and safe < timezone.localdate():
            raise forms.ValidationError(
                "This date has already passed. Please check it with your "
                "doctor and enter a date from today on."
            )
        return safe

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("doctor_answer") and data.get("asked_doctor") != "answered":
            data["asked_doctor"] = "answered"
        return data


class GoalsForm(EditGuardMixin, forms.ModelForm):
    class Meta:
        model = Case
        fields = [
            "treatment_goals",
            "quality_of_life_goals",
            "goal_work",
            "goal_family",
            "goal_side_effects",
            "goal_travel",
            "outcomes_read",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in [
                "treatment_goals",
                "quality_of_life_goals",
                "goal_work",
                "goal_family",
                "goal_side_effects",
                "goal_travel",
            ]
        }
        help_texts = {
            "treatment_goals": 'For example: "be cured if at all possible" or "keep the '
            'cancer under control for as long as I can".',
            "quality_of_life_goals": 'For example: "keep working", "stay able to walk my dog".',
            "goal_work": "Do you want or need to keep working during treatment?",
            "goal_family": "A wedding, a birth, a holiday you do not want to miss?",
            "goal_side_effects": "For example hair loss, tiredness, nerve pain, fertility.",
            "goal_travel": "Can you travel for treatment? How far?",
        }
