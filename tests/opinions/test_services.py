"""Writes that shape what leaves the product: the calendar titles of booked calls."""

from types import SimpleNamespace

import pytest

from secondopinion.opinions.services.schedule import call_title
from secondopinion.opinions.services.summary import case_diagnosis


@pytest.mark.parametrize(
    ("doctor", "title"),
    [
        ("Ada Moreau", "Call with Dr. Ada Moreau (Hope)"),
        ("Dr. Ada Moreau", "Call with Dr. Ada Moreau (Hope)"),
        ("dr ada moreau ", "Call with dr ada moreau (Hope)"),
        ("", "Call with the reviewing doctor (Hope)"),
    ],
)
def test_it_titles_a_call_with_only_what_the_patient_typed(doctor, title):
    assert call_title(SimpleNamespace(doctor_name=doctor, name="Hope")) == title


def test_the_diagnosis_line_keeps_capitals_and_does_not_repeat_stage(case):
    case.cancer_type = "aml"
    case.stage_told = "Stage 2"
    line = case_diagnosis(case)
    assert line.startswith("Acute myeloid leukemia (AML), Stage 2 (as told by the doctor)")
    case.stage_told = "2"
    assert "stage 2 (as told" in case_diagnosis(case)
