"""The "find specialists" and "vet services" stages, derived from the services."""

import datetime

from secondopinion.cases.journey import ATTENTION, DONE, STARTED, TODO
from secondopinion.providers.journey import stages
from tests.providers.factories import make_service

TODAY = datetime.date(2026, 3, 2)


def by_key(case):
    return {s.key: s for s in stages(case, TODAY)}


def test_it_starts_with_a_search(case):
    found = by_key(case)
    assert found["find_specialists"].status == TODO
    assert f"?case={case.public_id}" in found["find_specialists"].action_url
    assert found["vet_services"].status == TODO


def test_it_is_started_while_questions_are_open(case):
    make_service(case)
    found = by_key(case)
    assert found["find_specialists"].status == DONE
    assert found["vet_services"].status == STARTED


def test_it_needs_attention_on_a_stop_and_says_why(case):
    make_service(case, name="Nameless", doctor_named="no")
    vet = by_key(case)["vet_services"]
    assert vet.status == ATTENTION
    assert vet.notes[0].startswith("Nameless: Stop.")


def test_it_is_done_once_a_clean_service_is_agreed(case):
    make_service(
        case,
        status="agreed",
        doctor_name="Dr. A",
        doctor_named="yes",
        written_report="yes",
        cost_amount=0,
        included_calls=1,
        agreement_read="yes",
        agreement_signed="yes",
    )
    assert by_key(case)["vet_services"].status == DONE


def test_it_needs_attention_when_agreed_without_the_agreement_read(case):
    make_service(
        case,
        status="agreed",
        doctor_name="Dr. A",
        doctor_named="yes",
        written_report="yes",
        cost_amount=0,
        included_calls=1,
    )
    assert by_key(case)["vet_services"].status != DONE


def test_it_asks_for_another_search_when_all_were_ruled_out(case):
    make_service(case, status="ruled_out", status_reason="too slow")
    found = by_key(case)
    assert found["find_specialists"].status == STARTED
    assert found["vet_services"].status == TODO


def test_it_shows_on_the_dashboard(owner_client, case):
    make_service(case, name="Nameless", doctor_named="no")
    page = owner_client.get(f"/cases/{case.public_id}/").content.decode()
    assert "Check each service" in page
    assert "Nameless: Stop." in page
