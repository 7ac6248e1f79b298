"""The evidence card include, as another app's page (a service page) would use it."""

from __future__ import annotations

import uuid
from types import SimpleNamespace

import pytest
from django.template import Context, Template

from secondopinion.doctors.models import DoctorNote, ResearchStatus
from tests.doctors.access_makers import make_research

pytestmark = pytest.mark.django_db

CARD = {
    "sentence": "Found 31 PubMed articles on breast cancer since 2021; first or last author on 12.",
    "cautions": ["Ask the service about the doctor's experience with your cancer."],
    "looked_up": "2026-03-03T12:00:00+00:00",
    "stale": True,
    "links": [
        {"label": "A title", "url": "https://pubmed.ncbi.nlm.nih.gov/1/", "detail": "J, 2024"}
    ],
    "chosen_npi": None,
}


def render(text: str, **context) -> str:
    return Template("{% load doctor_tags %}" + text).render(Context(context))


def service_for(case, **fields):
    return SimpleNamespace(
        **{"public_id": uuid.uuid4(), "doctor_name": "", "doctor_institution": "", **fields}
    )


def test_it_renders_the_card_with_date_links_and_cautions(case):
    research = make_research(case, status=ResearchStatus.DONE, card=CARD)
    DoctorNote.objects.create(research=research, kind="award", text="Teaching award 2023")
    html = render("{% evidence_card research compact=True %}", research=research)
    assert "Found 31 PubMed articles" in html
    assert "Looked up March 3, 2026, could not refresh since." in html
    assert "https://pubmed.ncbi.nlm.nih.gov/1/" in html
    assert "experience with your cancer" in html
    assert "Teaching award 2023" in html


def test_it_offers_a_lookup_for_a_service_doctor_not_yet_researched(case):
    case.role = "owner"
    service = service_for(case, doctor_name="Jane Smith")
    html = render("{% service_doctor_evidence case service %}", case=case, service=service)
    assert "Research Jane Smith" in html
    assert f"service={service.public_id}" in html


def test_it_shows_the_service_doctor_card_once_researched(case):
    service = service_for(case, doctor_name="Jane Smith")
    make_research(case, service_id=service.public_id, status=ResearchStatus.DONE, card=CARD)
    html = render("{% service_doctor_evidence case service %}", case=case, service=service)
    assert "Found 31 PubMed articles" in html


def test_it_shows_nothing_when_the_service_named_no_doctor(case):
    html = render(
        "{% service_doctor_evidence case service %}", case=case, service=service_for(case)
    )
    assert html.strip() == ""


@pytest.mark.parametrize("count", [1, 10])
def test_it_keeps_a_comparison_page_at_two_queries_for_1_or_10_services(
    case, count, django_assert_num_queries
):
    services = [service_for(case, doctor_name=f"Doctor {i}") for i in range(count)]
    for service in services:
        research = make_research(case, service_id=service.public_id, status="done", card=CARD)
        DoctorNote.objects.create(research=research, kind="award", text="An award")
    with django_assert_num_queries(2):
        html = render(
            "{% for s in services %}{% service_doctor_evidence case s %}{% endfor %}",
            case=case,
            services=services,
        )
    assert html.count("Found 31 PubMed articles") == count
    assert html.count("An award") == count
