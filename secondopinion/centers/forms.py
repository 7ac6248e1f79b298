"""The directory search form: a ZIP code and a few filters, all optional except the ZIP."""

from __future__ import annotations

from django import forms

from secondopinion.centers.directory import DESIGNATION_KEYS, DESIGNATION_LABELS, US_STATES
from secondopinion.centers.geo import ZipError, zip_place

RADIUS_CHOICES = [
    ("any", "Any distance (remote opinions need no travel)"),
    ("25", "Within 25 miles"),
    ("50", "Within 50 miles"),
    ("100", "Within 100 miles"),
    ("300", "Within 300 miles"),
    ("1000", "Within 1,000 miles"),
]


class CenterSearchForm(forms.Form):
    zip = forms.CharField(
        label="Your ZIP code",
        max_length=10,
        help_text="5 digits, like 02115. We use it only to sort centers by distance.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    radius = forms.ChoiceField(
        label="How far", choices=RADIUS_CHOICES, initial="any", required=False
    )
    remote_only = forms.BooleanField(
        label="Only centers known to offer remote second opinions", required=False
    )
    designation = forms.MultipleChoiceField(
        label="Kind of center",
        choices=[(k, DESIGNATION_LABELS[v]) for k, v in DESIGNATION_KEYS.items()],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked to see every kind.",
    )
    state = forms.ChoiceField(
        label="State",
        choices=[("", "Any state")] + [(s, s) for s in sorted(US_STATES)],
        required=False,
    )

    def clean_zip(self):
        try:
            self.place = zip_place(self.cleaned_data["zip"])
        except ZipError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return self.place.zip_code

    @property
    def radius_miles(self) -> float | None:
        value = self.cleaned_data.get("radius") or "any"
        return None if value == "any" else float(value)

    @property
    def designations(self) -> list[str]:
        return [DESIGNATION_KEYS[k] for k in self.cleaned_data.get("designation") or []]
