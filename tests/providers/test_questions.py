"""The call/email script lists only what is still unknown, with the patient's cancer filled in."""

from dataclasses import replace

import pytest

from secondopinion.providers.questions import cancer_in_sentence, question_script, script_text
from secondopinion.providers.rules import NO, YES, ServiceFacts

ALL_KNOWN = ServiceFacts(
    name="Good Service",
    status="contacted",
    doctor_name="Dr. Ada Lovelace",
    doctor_named=YES,
    doctor_institution="Test University",
    doctor_specialty="Medical oncology",
    cost_amount=500.0,
    includes_known=True,
    insurance="partly",
    financial_help=NO,
    extra_communication_charge=NO,
    written_report=YES,
    talks_to_local_doctor=YES,
    local_doctor_charge_known=True,
    records_needed_known=True,
    send_methods_known=True,
    turnaround_days=10,
    delivers_call=YES,
    delivers_copy_to_local=YES,
    agreement_received=YES,
)


def topics(facts: ServiceFacts) -> list[str]:
    return [q.topic for q in question_script(facts, cancer="lung cancer").questions]


def test_it_asks_everything_about_a_new_service():
    script = question_script(ServiceFacts(name="Hope Center"), cancer="  stage II   lung cancer ")
    assert len(script.questions) == 14
    assert script.title == "Questions for Hope Center"
    assert "I have stage II lung cancer" in script.opening
    assert "specialize in stage II lung cancer" in script.questions[0].text


def test_it_asks_nothing_once_everything_is_known():
    script = question_script(ALL_KNOWN, cancer="lung cancer")
    assert script.all_known
    assert "Nothing left to ask" in script_text(script)


def test_it_asks_only_the_unknown_items():
    assert topics(replace(ALL_KNOWN, cost_amount=None)) == ["cost"]
    assert topics(replace(ALL_KNOWN, doctor_institution="")) == ["doctor_institution"]
    assert topics(replace(ALL_KNOWN, talks_to_local_doctor="unknown")) == ["local_doctor"]
    assert topics(replace(ALL_KNOWN, local_doctor_charge_known=False)) == ["local_doctor_charge"]
    assert topics(replace(ALL_KNOWN, turnaround_days=None)) == ["turnaround"]
    assert topics(replace(ALL_KNOWN, agreement_received="unknown")) == ["agreement"]


def test_it_uses_the_doctors_name_once_known():
    script = question_script(replace(ALL_KNOWN, doctor_specialty=""), cancer="lung cancer")
    assert script.questions[0].text.startswith("What is Dr. Ada Lovelace's specialty?")


def test_it_falls_back_to_my_cancer():
    assert "I have my cancer" in question_script(ServiceFacts()).opening


def test_it_numbers_the_questions_in_copyable_text():
    text = script_text(question_script(replace(ALL_KNOWN, cost_amount=None), cancer="lymphoma"))
    assert "1. How much would I pay myself, in total?" in text
    assert text.endswith("in writing as well?\n")


def test_it_asks_nothing_of_a_declined_service():
    assert topics(ServiceFacts(status="declined")) == []


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Breast cancer", "breast cancer"),
        ("Hodgkin lymphoma", "Hodgkin lymphoma"),
        ("CLL", "CLL"),
        ("  Lung   cancer ", "lung cancer"),
        ("", ""),
    ],
)
def test_it_writes_the_cancer_as_it_reads_in_a_sentence(label, expected):
    assert cancer_in_sentence(label) == expected
