"""The records request letter and the question list as PDFs, made from the same letter and the
same questions as their pages, with a download button on each page."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from secondopinion.opinions.models import PatientQuestion
from tests.providers.factories import make_service


def pdf_text(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(page.extract_text() for page in reader.pages)


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.django_db
def test_the_request_letter_pdf_says_what_the_page_says(owner_client, case):
    case.doctor_institution = "Example General Hospital"
    case.save()
    service = make_service(case, records_needed=["imaging_studies"])
    query = {"institution": "Other Clinic", "needed_by": "2030-01-02"}
    page_url = reverse("records:letter", args=[case.public_id, service.public_id])
    page = owner_client.get(page_url, query).content.decode()
    assert 'id="letter-pdf"' in page and "needed_by=2030-01-02" in page
    text = squash(pdf_text(owner_client.get(page_url.replace("letter/", "letter.pdf"), query)))
    for expected in [
        "Medical Records Office",
        "Other Clinic",
        "all series, in DICOM format",
        "January 2, 2030",
        "HIPAA Privacy Rule",
        "Olive Owner",
    ]:
        assert expected in text, expected


@pytest.mark.django_db
def test_there_is_no_letter_pdf_before_the_letter_can_be_written(owner_client, case):
    service = make_service(case, records_needed=["imaging_studies"])
    url = reverse("records:letter_pdf", args=[case.public_id, service.public_id])
    response = owner_client.get(url)  # no institution typed yet
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "records:letter", args=[case.public_id, service.public_id]
    )


@pytest.mark.django_db
def test_the_question_list_pdf_holds_each_question_and_answer(owner_client, case):
    PatientQuestion.objects.create(
        case=case, group="reviewer", text="Would you change the order of my treatment?"
    )
    PatientQuestion.objects.create(
        case=case, group="local", text="Can I start in May?", answer="Yes, after the scan."
    )
    page = owner_client.get(reverse("opinions:questions", args=[case.public_id])).content
    assert b'id="questions-pdf"' in page
    text = squash(
        pdf_text(owner_client.get(reverse("opinions:questions_pdf", args=[case.public_id])))
    )
    assert "Your questions" in text
    assert "1. Would you change the order of my treatment?" in text
    assert "Can I start in May?" in text and "Answer: Yes, after the scan." in text
