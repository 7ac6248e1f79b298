"""Forms for the records vault. Each names its problem beside the field."""

from __future__ import annotations

import datetime

from django import forms

from secondopinion.core.editguard import EditGuardMixin
from secondopinion.records.detect import DOCUMENT_TYPES
from secondopinion.records.models import Document

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DocumentForm(EditGuardMixin, forms.ModelForm):
    doc_type = forms.ChoiceField(label="Type of record", choices=DOCUMENT_TYPES)

    class Meta:
        model = Document
        fields = ["doc_type", "document_date", "institution", "notes"]
        widgets = {"document_date": DATE_INPUT, "notes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "document_date": "The date printed on the record (for a scan, the day it was taken).",
            "institution": "The hospital, clinic or lab that made it.",
        }

    def clean_document_date(self):
        value = self.cleaned_data.get("document_date")
        if value and value > datetime.date.today():
            raise forms.ValidationError("This date is in the future. Please check it.")
        return value


class LetterForm(forms.Form):
    institution = forms.CharField(label="Hospital or clinic that holds the records", max_length=200)
    needed_by = forms.DateField(label="I need them by", widget=DATE_INPUT, required=False)
    send_to_service = forms.BooleanField(
        label="Ask them to send the records straight to the second-opinion service",
        required=False,
    )
