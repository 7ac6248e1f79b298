"""The dashboard stage for researching the doctor."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from secondopinion.cases.journey import ATTENTION, DONE, STARTED, TODO
from secondopinion.doctors.journey import stages
from secondopinion.doctors.models import ResearchStatus
from tests.doctors.access_makers import make_research

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 3)


def test_it_starts_as_a_step_to_do(case):
    (stage,) = stages(case, TODAY)
    assert stage.status == TODO and stage.order == 45


def test_it_is_started_while_a_lookup_runs(case):
    make_research(case, status=ResearchStatus.RUNNING)
    assert stages(case, TODAY)[0].status == STARTED


def test_it_is_done_with_a_question_when_nothing_was_found(case, django_assert_num_queries):
    make_research(case, status=ResearchStatus.DONE, card={"no_evidence_on_cancer": True})
    with django_assert_num_queries(1):
        (stage,) = stages(case, TODAY)
    assert stage.status == DONE
    assert "experience with your cancer" in stage.notes[0]


FAILED_SOURCE = {
    "problems": [{"source": "PubMed", "message": "PubMed did not answer.", "offline": True}]
}


def test_a_lookup_a_source_did_not_answer_is_not_done(case):
    make_research(case, status=ResearchStatus.DONE, card=FAILED_SOURCE)
    (stage,) = stages(case, TODAY)
    assert stage.status == ATTENTION
    assert "Not finished" in stage.summary


def test_the_pages_do_not_say_done_after_a_failed_lookup(owner_client, case):
    research = make_research(case, status=ResearchStatus.DONE, card=FAILED_SOURCE)
    assert research.incomplete and not research.complete
    assert research.step_words != "Finished"
    listing = owner_client.get(reverse("doctors:list", args=[case.public_id])).content.decode()
    assert "Not finished: a source did not answer" in listing
    detail = owner_client.get(
        reverse("doctors:detail", args=[case.public_id, research.public_id])
    ).content.decode()
    assert 'id="research-incomplete"' in detail
    assert ">Done<" not in listing + detail
