"""The doctor research pages: start a lookup, watch it, choose the NPI entry, add notes.

The registries are served by respx (tests/doctors/conftest.py); the task runs at once on commit.
"""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from secondopinion.doctors.models import DoctorNote, DoctorResearch, ResearchStatus
from tests.doctors.access_makers import make_research
from tests.doctors.conftest import load
from tests.factories import make_case

pytestmark = pytest.mark.django_db


def list_url(case):
    return reverse("doctors:list", args=[case.public_id])


def detail_url(research, name="doctors:detail"):
    return reverse(name, args=[research.case.public_id, research.public_id])


def start(owner_client, case, capture, **data):
    data.setdefault("doctor_name", "Jane Smith")
    with capture(execute=True):
        return owner_client.post(list_url(case), data)


def test_it_shows_the_lookup_form_to_the_owner(owner_client, case):
    page = owner_client.get(list_url(case))
    assert page.status_code == 200
    assert b"Look up this doctor" in page.content
    assert b"breast cancer" in page.content


def test_it_prefills_the_form_from_a_service_link(owner_client, case):
    page = owner_client.get(list_url(case) + "?doctor_name=Jane+Smith&affiliation=Example+U")
    assert b'value="Jane Smith"' in page.content
    assert b'value="Example U"' in page.content


def test_it_looks_the_doctor_up_in_the_background_and_shows_the_card(
    owner_client, case, registries, django_capture_on_commit_callbacks
):
    response = start(
        owner_client, case, django_capture_on_commit_callbacks, state="or", affiliation="Example"
    )
    research = DoctorResearch.objects.get(case=case)
    assert response.status_code == 302 and response.url == detail_url(research)
    assert research.status == ResearchStatus.DONE
    assert research.state == "OR"
    assert research.card["sentence"].startswith("Found 31 PubMed articles on breast cancer")
    page = owner_client.get(detail_url(research))
    assert b"Found 31 PubMed articles on breast cancer since" in page.content
    assert b"https://clinicaltrials.gov/study/NCT00000001" in page.content
    assert "Refresh" not in page.headers


def test_it_shows_progress_and_reloads_while_the_lookup_runs(owner_client, case):
    research = make_research(case, status=ResearchStatus.RUNNING, step="pubmed")
    page = owner_client.get(detail_url(research))
    assert page.headers["Refresh"] == "3"
    assert b"Counting articles on PubMed" in page.content


def test_it_never_calls_a_registry_while_rendering(owner_client, case, api):
    make_research(case, status=ResearchStatus.QUEUED)
    owner_client.get(list_url(case))
    assert not api.calls


def test_it_rejects_a_bad_state_code(owner_client, case, django_capture_on_commit_callbacks):
    response = start(owner_client, case, django_capture_on_commit_callbacks, state="Mass")
    assert response.status_code == 200
    assert b"two-letter state code" in response.content
    assert not DoctorResearch.objects.exists()


def test_it_reuses_the_row_for_the_same_doctor(
    owner_client, case, registries, django_capture_on_commit_callbacks
):
    start(owner_client, case, django_capture_on_commit_callbacks)
    start(owner_client, case, django_capture_on_commit_callbacks, doctor_name="jane  smith")
    assert DoctorResearch.objects.filter(case=case).count() == 1


def test_it_lists_several_matches_and_remembers_the_choice(
    owner_client, case, registries, django_capture_on_commit_callbacks
):
    registries.npi_body = load("nppes_several.json")
    start(owner_client, case, django_capture_on_commit_callbacks, state="MA")
    research = DoctorResearch.objects.get(case=case)
    page = owner_client.get(detail_url(research))
    assert b"Which one is your doctor?" in page.content
    assert b"Family Medicine" in page.content
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(detail_url(research, "doctors:choose"), {"npi": "1234567893"})
    research.refresh_from_db()
    assert research.chosen_npi == "1234567893"
    assert research.card["chosen_npi"]["npi"] == "1234567893"
    assert not any("doctors with this name are in" in c for c in research.card["cautions"])


def test_it_refuses_an_npi_that_was_not_offered(owner_client, case):
    research = make_research(case, status=ResearchStatus.DONE, card={"npi_matches": []})
    owner_client.post(detail_url(research, "doctors:choose"), {"npi": "9999999999"})
    research.refresh_from_db()
    assert research.chosen_npi == ""


def test_it_looks_again_on_request(
    owner_client, case, registries, django_capture_on_commit_callbacks
):
    research = make_research(case, status=ResearchStatus.FAILED, error="x")
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(detail_url(research, "doctors:refresh"))
    research.refresh_from_db()
    assert research.status == ResearchStatus.DONE


def test_it_adds_and_removes_notes(owner_client, case):
    research = make_research(case, status=ResearchStatus.DONE)
    owner_client.post(
        detail_url(research, "doctors:note_add"),
        {"kind": "board", "text": "Board certified in medical oncology", "source_url": "abim.org"},
    )
    note = DoctorNote.objects.get(research=research)
    assert note.source_url == "https://abim.org"
    page = owner_client.get(detail_url(research))
    assert b"Board certified in medical oncology" in page.content
    owner_client.post(
        reverse("doctors:note_delete", args=[case.public_id, research.public_id, note.public_id])
    )
    assert not DoctorNote.objects.exists()


def test_it_explains_a_note_problem_beside_the_field(owner_client, case):
    research = make_research(case)
    response = owner_client.post(detail_url(research, "doctors:note_add"), {"kind": "award"})
    assert response.status_code == 400
    assert not DoctorNote.objects.exists()


def test_it_lets_a_caregiver_read_but_not_start_lookups(client, case, caregiver):
    research = make_research(case, status=ResearchStatus.DONE)
    client.force_login(caregiver)
    assert client.get(detail_url(research)).status_code == 200
    page = client.get(list_url(case))
    assert b"Look up this doctor" not in page.content
    assert client.post(list_url(case), {"doctor_name": "Jane Smith"}).status_code == 404


def test_it_hides_everything_from_a_stranger(client, case, stranger):
    research = make_research(case)
    client.force_login(stranger)
    assert client.get(list_url(case)).status_code == 404
    assert client.get(detail_url(research)).status_code == 404
    assert client.post(detail_url(research, "doctors:note_add"), {}).status_code == 404


def test_it_hides_research_from_another_case(owner_client, owner, case):
    other = make_case(owner, patient_name="Other")
    research = make_research(other)
    url = reverse("doctors:detail", args=[case.public_id, research.public_id])
    assert owner_client.get(url).status_code == 404


def test_it_ignores_a_service_id_from_another_case(
    owner_client, case, registries, django_capture_on_commit_callbacks
):
    start(owner_client, case, django_capture_on_commit_callbacks, service=str(uuid.uuid4()))
    assert DoctorResearch.objects.get(case=case).service_id is None
