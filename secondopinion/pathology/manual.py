"""Facts typed in by the patient when a report cannot be read (a scan too faint, a photo).

The typed facts are stored as ordinary `ReportFact` rows of the document's reading, with status
"typed" and no words to point at, already confirmed (the patient is their source). Only the main
fields are offered; each has a plain explanation beside it. A field left empty is not stored, and
saving again replaces only the typed facts, never facts read from the text.
"""

from __future__ import annotations

import re

from django import forms
from django.db import transaction
from django.utils import timezone

from secondopinion.pathology.extractor import FIELDS
from secondopinion.pathology.models import ReportFact, ReportReading, Review

TYPED = "typed"
TYPED_TEXT = "Typed in by you"

_T = re.compile(r"^(?:[yrm]{0,2})p?T(X|0|is|a|1mi|[1-4](?:[a-e][1-3]?)?)$", re.IGNORECASE)
_N = re.compile(r"^(?:[yrm]{0,2})p?N(X|0(?:\((?:i|mol)[+-]\))?|1mi|[1-3][a-c]?)$", re.IGNORECASE)

RESULT = [("", "Not stated"), ("positive", "Positive"), ("negative", "Negative")]
HER2 = RESULT[:2] + [("equivocal", "Equivocal (borderline)"), ("negative", "Negative")]
MARGINS = [
    ("", "Not stated"),
    ("clear", "Clear (no cancer at the edge)"),
    ("close", "Close"),
    ("involved", "Involved (cancer at the edge)"),
]


class ManualFactsForm(forms.Form):
    site = forms.CharField(
        label="Where the cancer is (site)",
        max_length=60,
        required=False,
        help_text="The organ the sample came from, for example breast, prostate or colon.",
    )
    histology = forms.CharField(
        label="Type of cancer (histology)",
        max_length=120,
        required=False,
        help_text="The kind of cells, as the report names it, for example "
        "“invasive ductal carcinoma”.",
    )
    grade = forms.CharField(
        label="Grade",
        max_length=20,
        required=False,
        help_text="How unusual the cells look under the microscope, often 1, 2 or 3. "
        "A higher grade usually means the cells look less like normal cells.",
    )
    tumor_size_mm = forms.DecimalField(
        label="Tumor size in millimeters",
        required=False,
        min_value=0,
        max_value=500,
        decimal_places=1,
        help_text="The largest size of the tumor. 1 cm is 10 mm.",
    )
    pT = forms.CharField(
        label="pT (tumor category)",
        max_length=12,
        required=False,
        help_text="How large the tumor is or how far it has grown, as written, for example pT2.",
    )
    pN = forms.CharField(
        label="pN (lymph node category)",
        max_length=12,
        required=False,
        help_text="Whether cancer was found in nearby lymph nodes, as written, for example pN0 "
        "(none found) or pN1.",
    )
    er = forms.ChoiceField(
        label="ER (estrogen receptor)",
        choices=RESULT,
        required=False,
        help_text="Breast cancer: whether the cells have receptors for the hormone estrogen.",
    )
    pr = forms.ChoiceField(
        label="PR (progesterone receptor)",
        choices=RESULT,
        required=False,
        help_text="Breast cancer: whether the cells have receptors for the hormone progesterone.",
    )
    her2 = forms.ChoiceField(
        label="HER2",
        choices=HER2,
        required=False,
        help_text="Breast and some other cancers: whether the cells make too much of the HER2 "
        "protein.",
    )
    margins = forms.ChoiceField(
        label="Margins",
        choices=MARGINS,
        required=False,
        help_text="Whether cancer reaches the edge of the tissue that was removed.",
    )

    def clean_pT(self) -> str:
        return _category(self.cleaned_data["pT"], _T, "T", "pT2")

    def clean_pN(self) -> str:
        return _category(self.cleaned_data["pN"], _N, "N", "pN0")

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if not any(v not in ("", None) for v in data.values()):
            raise forms.ValidationError("Type at least one fact from the report.")
        return data


def _category(raw: str, pattern: re.Pattern, letter: str, example: str) -> str:
    value = raw.strip().replace(" ", "")
    if not value:
        return ""
    match = pattern.match(value)
    if not match:
        raise forms.ValidationError(
            f"Type the {letter} category as the report writes it, for example {example}."
        )
    rest = match.group(1)
    return f"{letter}{rest if rest.lower() != 'is' else 'is'}".replace("x", "X")


def manual_facts_save(*, document, data: dict, user) -> ReportReading:
    """Store the typed facts of one document (all or nothing); earlier typed facts are replaced."""
    now = timezone.now()
    with transaction.atomic():
        reading, _ = ReportReading.objects.get_or_create(
            document=document, defaults={"case_id": document.case_id}
        )
        read_fields = set(reading.facts.exclude(status=TYPED).values_list("field", flat=True))
        reading.facts.filter(status=TYPED).delete()
        rows = []
        for name, value in data.items():
            if value in ("", None) or name in read_fields:
                continue  # a fact read from the text keeps its own row and review
            if name == "tumor_size_mm":
                value = float(value)
                value = int(value) if value.is_integer() else value
            rows.append(
                ReportFact(
                    reading=reading,
                    case_id=document.case_id,
                    field=name,
                    value=value,
                    text=TYPED_TEXT,
                    start=0,
                    end=0,
                    status=TYPED,
                    position=FIELDS.index(name) if name in FIELDS else len(FIELDS),
                    review=Review.CONFIRMED,
                    reviewed_at=now,
                    reviewed_by=user,
                )
            )
        ReportFact.objects.bulk_create(rows)
        if reading.status != ReportReading.Status.DONE:
            reading.status = ReportReading.Status.DONE
            reading.message = "Facts typed in by you."
            reading.save(update_fields=["status", "message", "updated_at"])
    return reading


def manual_initial(reading: ReportReading | None) -> dict:
    if reading is None:
        return {}
    return {f.field: f.value for f in reading.facts.filter(status=TYPED)}
