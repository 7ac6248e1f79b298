"""Writes that shape what leaves the product: the calendar titles of booked calls."""

from types import SimpleNamespace

import pytest

from secondopinion.opinions.writes import call_title


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
