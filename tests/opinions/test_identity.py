"""The patient's identity and the local doctor's contact reach the reviewer: the case form asks
for them (optional, with the reason), and the cover letter, the case summary PDF, the reviewer's
page and the records request letter print them."""

import datetime
import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from pypdf import PdfReader

from secondopinion.opinions import pdfs
from secondopinion.opinions.services import packet_build
from tests.opinions.factories import make_build, make_link
from tests.providers.factories import make_service

IDENTITY = {
    "legal_name": "Olivia Marie Owner-Santos",
    "date_of_birth": datetime.date(1961, 4, 9),
    "patient_phone": "617-555-0101",
    "patient_address": "12 Elm Street\nBoston, MA 02115",
    "doctor_name": "Dr. Grace Local",
    "doctor_institution": "Harbor Oncology Associates",
    "doctor_phone": "617-555-0199",
    "doctor_fax": "617-555-0198",
}
EXPECTED = [
    "Olivia Marie Owner-Santos",
    "April 9, 1961",
    "617-555-0101",
    "12 Elm Street",
    "Boston, MA 02115",
    "Harbor Oncology Associates",
    "617-555-0199",
    "617-555-0198",
]


@pytest.fixture
def known_case(case):
    for field, value in IDENTITY.items():
        setattr(case, field, value)
    case.save()
    return case


def pdf_text(data: bytes) -> str:
    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.django_db
def test_the_case_form_asks_for_identity_with_the_reason_and_saves_it(owner_client, case):
    url = reverse("cases:edit", args=[case.public_id])
    page = owner_client.get(url).content.decode()
    assert "Full legal name" in page and "Fax" in page and "Mailing address" in page
    assert "to be sure the records are yours" in page
    assert "A first name is enough" not in page
    data = {"patient_name": "Olive", "cancer_type": "breast", **IDENTITY}
    owner_client.post(url, data)
    case.refresh_from_db()
    assert case.legal_name == "Olivia Marie Owner-Santos"
    assert case.doctor_fax == "617-555-0198"
    assert case.full_name == "Olivia Marie Owner-Santos"


@pytest.mark.django_db
def test_the_cover_letter_and_case_summary_print_who_the_patient_is(known_case):
    service = make_service(known_case, doctor_name="Ada Moreau")
    files = {g.title: g.data for g in packet_build._generated(known_case, service, [])}
    cover = pdf_text(files["Cover letter"])
    summary = pdf_text(files["Case summary"])
    for expected in EXPECTED:
        assert expected in cover, expected
        assert expected in summary, expected
    assert "To: Dr. Ada Moreau" in cover
    assert "Dr. Dr." not in cover + summary


@pytest.mark.django_db
def test_the_reviewer_page_shows_identity_and_the_local_doctor(client, known_case):
    cache.clear()
    service = make_service(known_case, doctor_name="Ada Moreau")
    make_build(known_case, service)
    _link, token = make_link(known_case, service)
    page = client.get(reverse("share:open", args=[token])).content.decode()
    for expected in EXPECTED:
        assert expected in page, expected
    assert 'href="tel:617-555-0199"' in page  # the doctor's phone; the fax is text


@pytest.mark.django_db
def test_the_records_request_letter_signs_with_the_legal_name_and_address(owner_client, known_case):
    service = make_service(known_case, records_needed=["pathology_report"])
    url = reverse("records:letter", args=[known_case.public_id, service.public_id])
    page = owner_client.get(url).content.decode()
    assert "My name is Olivia Marie Owner-Santos" in page
    assert "12 Elm Street" in page and "617-555-0101" in page


def test_nothing_typed_prints_no_empty_rows():
    assert pdfs.Identity().patient_rows() == []
    assert pdfs.Identity(doctor_fax="1").doctor_rows() == [("Fax", "1")]
