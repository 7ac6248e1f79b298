"""What other apps read: the research for a service, and the providers red-flag rule it feeds."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from secondopinion.doctors.evidence import (
    NO,
    UNKNOWN,
    YES,
    doctor_cancer_record,
    research_for_service,
)
from secondopinion.doctors.models import ResearchStatus
from secondopinion.providers.rules import ServiceFacts, service_flags
from tests.doctors.access_makers import make_research

pytestmark = pytest.mark.django_db

NOTHING = {"no_evidence_on_cancer": True, "pubmed": {"on_cancer": 0}, "trials": {"on_cancer": 0}}
SOMETHING = {"no_evidence_on_cancer": False, "pubmed": {"on_cancer": 4}, "trials": None}


def test_it_finds_the_newest_research_for_a_service(case):
    service_id = uuid.uuid4()
    make_research(case, service_id=service_id, doctor_name="Old Name")
    newest = make_research(case, service_id=service_id)
    make_research(case)  # not linked to the service
    assert research_for_service(case=case, service_id=service_id) == newest
    assert research_for_service(case=case, service_id=uuid.uuid4()) is None


@pytest.mark.parametrize(
    ("status", "card", "expected"),
    [
        (ResearchStatus.DONE, NOTHING, NO),
        (ResearchStatus.DONE, SOMETHING, YES),
        (ResearchStatus.DONE, {"no_evidence_on_cancer": False, "pubmed": None}, UNKNOWN),
        (ResearchStatus.RUNNING, NOTHING, UNKNOWN),
        (ResearchStatus.FAILED, None, UNKNOWN),
    ],
)
def test_it_answers_yes_no_or_unknown_for_the_rules(case, status, card, expected):
    assert doctor_cancer_record(make_research(case, status=status, card=card)) == expected


def test_it_answers_unknown_before_any_lookup():
    assert doctor_cancer_record(None) == UNKNOWN


def flag_codes(**facts) -> list[str]:
    return [f.code for f in service_flags(ServiceFacts(**facts), today=date(2026, 3, 3))]


def test_the_rule_asks_about_experience_when_nothing_is_on_the_cancer():
    codes = flag_codes(doctor_name="Jane Smith", doctor_cancer_record=NO)
    assert "doctor_cancer_experience_unknown" in codes
    flag = next(
        f
        for f in service_flags(
            ServiceFacts(doctor_name="Jane Smith", doctor_cancer_record=NO), today=date(2026, 3, 3)
        )
        if f.code == "doctor_cancer_experience_unknown"
    )
    assert flag.severity == "ask"  # a question, not a verdict
    assert "experience with your cancer" in flag.reason


@pytest.mark.parametrize("record", [YES, UNKNOWN])
def test_the_rule_stays_quiet_when_there_is_a_record_or_no_answer_yet(record):
    assert "doctor_cancer_experience_unknown" not in flag_codes(
        doctor_name="Jane Smith", doctor_cancer_record=record
    )
