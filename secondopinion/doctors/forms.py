"""Forms for looking up a doctor and adding notes by hand."""

from __future__ import annotations

import re

from django import forms

from secondopinion.doctors.models import DoctorNote

STATE_PROBLEM = "Please use the two-letter state code, like MA or TX."


class ResearchForm(forms.Form):
    doctor_name = forms.CharField(
        label="Doctor's full name",
        max_length=120,
        help_text="First and last name, as the service gave it. For example: Jane Smith.",
    )
    affiliation = forms.CharField(
        label="Where they work (optional)",
        max_length=200,
        required=False,
        help_text="The hospital or university. It helps tell apart doctors with the same name.",
    )
    state = forms.CharField(
        label="State (optional)",
        max_length=2,
        required=False,
        help_text="Two letters, for example MA. Used to search the NPI registry.",
        error_messages={"max_length": STATE_PROBLEM},
    )

    # The providers service this doctor reviews for, when started from a service page.
    service = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def clean_doctor_name(self) -> str:
        name = " ".join(self.cleaned_data["doctor_name"].split())
        if len(re.findall(r"[A-Za-z]{2,}", name)) < 1:
            raise forms.ValidationError("Please write the doctor's name in letters.")
        return name

    def clean_state(self) -> str:
        state = self.cleaned_data["state"].strip().upper()
        if state and not re.fullmatch(r"[A-Z]{2}", state):
            raise forms.ValidationError(STATE_PROBLEM)
        return state


class NoteForm(forms.ModelForm):
    source_url = forms.URLField(
        label="Where you found it (web address, optional)",
        required=False,
        assume_scheme="https",
        max_length=200,
    )

    class Meta:
        model = DoctorNote
        fields = ["kind", "text"]  # source_url is declared above (https by default)
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "text": "For example: board certified in medical oncology (checked on certification"
            " board website).",
        }


class ChooseForm(forms.Form):
    npi = forms.CharField(max_length=10, required=False)

    def __init__(self, *args, allowed: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.allowed = allowed

    def clean_npi(self) -> str:
        npi = self.cleaned_data["npi"]
        if npi and npi not in self.allowed:
            raise forms.ValidationError("Please choose one of the doctors listed.")
        return npi
