"""No lost updates (core/editguard.py): two people open the same form; the first save wins, the
second is refused with both versions shown and nothing of it discarded; saving again keeps it."""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.urls import reverse

from secondopinion.cases.models import Case
from secondopinion.core.editguard import EditGuardMixin
from secondopinion.opinions.models import Decision, Handoff, Opinion, PatientQuestion
from secondopinion.providers.models import Service
from secondopinion.records.models import Document
from tests.core.helpers import document_store
from tests.formdata import post_forms
from tests.opinions.factories import make_opinion, make_question
from tests.pathology.helpers import make_fact
from tests.providers.factories import make_service


def _service_url(case):
    service = make_service(case)
    return reverse("providers:edit", args=[case.public_id, service.public_id]), (
        lambda: Service.objects.get(pk=service.pk)
    )


def _opinion_url(case):
    opinion = make_opinion(case)
    return reverse("opinions:opinion_edit", args=[case.public_id, opinion.public_id]), (
        lambda: Opinion.objects.get(pk=opinion.pk)
    )


def _decision_url(case):
    Decision.objects.create(case=case, choice="Surgery first")
    return reverse("opinions:compare", args=[case.public_id]), (
        lambda: Decision.objects.get(case=case)
    )


def _handoff_url(case):
    Handoff.objects.create(case=case)
    return reverse("opinions:handoff", args=[case.public_id]), (
        lambda: Handoff.objects.get(case=case)
    )


def _document_url(case):
    document = document_store(case, b"%PDF-1.4 report")
    return reverse("records:document_detail", args=[case.public_id, document.public_id]), (
        lambda: Document.objects.get(pk=document.pk)
    )


def _fresh_case(case):
    return lambda: Case.objects.get(pk=case.pk)


# (page, field typed by both people)
FORMS = {
    "case": (
        lambda c: (reverse("cases:edit", args=[c.public_id]), _fresh_case(c)),
        "doctor_institution",
    ),
    "timeline": (
        lambda c: (reverse("cases:timeline", args=[c.public_id]), _fresh_case(c)),
        "doctor_answer_notes",
    ),
    "goals": (
        lambda c: (reverse("cases:goals", args=[c.public_id]), _fresh_case(c)),
        "goal_work",
    ),
    "service": (_service_url, "contact_person"),
    "opinion": (_opinion_url, "diagnosis"),
    "decision": (_decision_url, "reasons"),
    "handoff": (_handoff_url, "delivered_how"),
    "document": (_document_url, "institution"),
}


def _form(client: Client, url: str):
    forms = [f for f in post_forms(client.get(url).content.decode()) if f.action in ("", url)]
    return [f for f in forms if "edit_base" in f.data][0]


@pytest.fixture
def two_editors(case, owner, editor):
    first, second = Client(), Client()
    first.force_login(owner)
    second.force_login(editor)
    return first, second


@pytest.mark.parametrize("kind", list(FORMS))
def test_the_later_stale_save_is_refused_with_both_versions_and_nothing_lost(
    case, two_editors, kind
):
    make_page, field = FORMS[kind]
    url, fresh = make_page(case)
    first, second = two_editors
    theirs_form, yours_form = _form(first, url), _form(second, url)

    saved = first.post(url, theirs_form.values(**{field: "Saved first by Olive"}))
    assert saved.status_code == 302
    refused = second.post(url, yours_form.values(**{field: "Typed second by Sam"}))
    page = html.unescape(refused.content.decode())
    assert refused.status_code == 200
    assert "Someone else saved this page while you were editing" in page
    assert "Saved first by Olive" in page and "Typed second by Sam" in page
    assert getattr(fresh(), field) == "Saved first by Olive"

    # The refused page still holds what Sam typed, and now knows the saved version.
    again = [f for f in post_forms(refused.content.decode()) if "edit_base" in f.data][0]
    assert again.data[field] == ["Typed second by Sam"]
    assert again.data["edit_base"] != yours_form.data["edit_base"]
    assert second.post(url, again.data).status_code == 302
    assert getattr(fresh(), field) == "Typed second by Sam"


def test_editing_different_parts_of_one_case_does_not_collide(case, two_editors):
    first, second = two_editors
    goals_url = reverse("cases:goals", args=[case.public_id])
    timeline_url = reverse("cases:timeline", args=[case.public_id])
    goals, timeline = _form(first, goals_url), _form(second, timeline_url)
    assert first.post(goals_url, goals.values(goal_work="Keep teaching")).status_code == 302
    response = second.post(timeline_url, timeline.values(doctor_answer_notes="Two weeks"))
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.goal_work, case.doctor_answer_notes) == ("Keep teaching", "Two weeks")


def test_a_stale_answer_to_a_question_is_refused_and_told_with_both_texts(case, two_editors):
    question = make_question(case)
    first, second = two_editors
    page_url = reverse("opinions:questions", args=[case.public_id])
    url = reverse("opinions:question_update", args=[case.public_id, question.public_id])
    forms = {
        who: [f for f in post_forms(c.get(page_url).content.decode()) if f.action == url][0]
        for who, c in (("first", first), ("second", second))
    }
    first.post(url, forms["first"].values(answer="Yes, every 3 months"))
    refused = second.post(url, forms["second"].values(answer="No scans needed"), follow=True)
    text = html.unescape(refused.content.decode())
    assert "Someone else saved this question" in text
    assert "Yes, every 3 months" in text and "No scans needed" in text
    assert PatientQuestion.objects.get(pk=question.pk).answer == "Yes, every 3 months"


def test_a_stale_check_of_the_treatments_read_is_refused_with_both_lists(case, two_editors):
    opinion = make_opinion(case, recommendations="Letrozole for 5 years.\nRadiation therapy.")
    url = reverse("opinions:opinion_check", args=[case.public_id, opinion.public_id])
    first, second = two_editors
    theirs, yours = _form(first, url), _form(second, url)
    assert first.post(url, theirs.values(**{"c-0-remove": "on"})).status_code == 302
    refused = second.post(url, yours.values(**{"c-1-remove": "on"}))
    text = html.unescape(refused.content.decode())
    assert refused.status_code == 400
    assert "Someone else saved these treatments while you were checking them" in text
    assert len(Opinion.objects.get(pk=opinion.pk).plan_components) == 1
    again = [f for f in post_forms(refused.content.decode()) if "edit_base" in f.data][0]
    assert again.data.get("c-1-remove") == ["on"]  # what Sam ticked is still ticked
    assert second.post(url, again.data).status_code == 302


def test_a_stale_check_of_a_pathology_fact_is_refused_and_told(case, two_editors):
    fact = make_fact(case)
    page_url = reverse("pathology:document", args=[case.public_id, fact.reading.document.public_id])
    url = reverse("pathology:fact_update", args=[case.public_id, fact.public_id])
    first, second = two_editors
    forms = [
        [f for f in post_forms(c.get(page_url).content.decode()) if f.action == url][0]
        for c in (first, second)
    ]
    first.post(url, forms[0].values(action="correct", corrected_value="Grade 2"))
    refused = second.post(
        url, forms[1].values(action="correct", corrected_value="Grade 3"), follow=True
    )
    text = html.unescape(refused.content.decode())
    assert "Someone else checked this fact" in text and "Grade 2" in text and "Grade 3" in text
    fact.refresh_from_db()
    assert fact.corrected_value == "Grade 2"


def test_a_save_that_loses_by_milliseconds_shows_both_versions_and_keeps_yours(
    case, two_editors, monkeypatch
):
    """The check in clean() passes, then the other save lands before ours reaches the database."""
    url = reverse("cases:goals", args=[case.public_id])
    _, second = two_editors
    form = _form(second, url)
    check_then_save = EditGuardMixin.save

    def other_save_lands_first(self, commit=True):
        Case.objects.filter(pk=case.pk).update(goal_work="Saved first by Olive")
        monkeypatch.setattr(EditGuardMixin, "save", check_then_save)
        return check_then_save(self, commit)

    monkeypatch.setattr(EditGuardMixin, "save", other_save_lands_first)
    refused = second.post(url, form.values(goal_work="Typed second by Sam"))
    page = html.unescape(refused.content.decode())
    assert refused.status_code == 409
    assert "Someone else saved this page while you were editing" in page
    assert "Saved first by Olive" in page and "Typed second by Sam" in page
    assert Case.objects.get(pk=case.pk).goal_work == "Saved first by Olive"

    # "Save mine" posts what Sam typed again, knowing the saved version: it goes through.
    (again,) = [f for f in post_forms(refused.content.decode()) if "edit_base" in f.data]
    assert again.action == url and again.data["goal_work"] == ["Typed second by Sam"]
    assert again.data["edit_base"] != form.data["edit_base"]
    assert second.post(url, again.data).status_code == 302
    assert Case.objects.get(pk=case.pk).goal_work == "Typed second by Sam"
