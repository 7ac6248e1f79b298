"""Scanned reports in the product: OCR in the records task, the pathology page, typing facts in,
and `secondopinion pathology extract` on a scan."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from PIL import Image

from secondopinion.ocr import OcrError, reader
from secondopinion.pathology.models import ReportFact, ReportReading, Review
from secondopinion.records import detect
from secondopinion.records.models import Document, TextStatus
from secondopinion.records.tasks import document_text_extract
from tests.ocr.helpers import pdf_of, png_of, text_page
from tests.records.helpers import make_document


def read(doc, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        document_text_extract.call(doc.pk)
    doc.refresh_from_db()
    return doc


def doc_url(case, doc, name="pathology:document"):
    return reverse(name, args=[case.public_id, doc.public_id])


def blank_photo(case):
    return make_document(
        case, content=png_of(Image.new("L", (300, 400), 255)), name="photo.png", kind="image"
    )


@pytest.mark.system  # the OCR engine on real pages
def test_a_scanned_pdf_is_read_in_the_background_and_its_facts_marked(
    case, owner_client, django_capture_on_commit_callbacks
):
    doc = make_document(case, content=pdf_of(text_page()), name="scan.pdf")
    doc = read(doc, django_capture_on_commit_callbacks)
    assert doc.text_status == TextStatus.DONE
    assert doc.text_source == "ocr"
    assert (doc.text_pages_done, doc.text_pages_total) == (1, 1)
    assert "Invasive ductal carcinoma" in doc.text
    reading = ReportReading.objects.get(document=doc)
    facts = {f.field: f.value for f in reading.facts.all()}
    assert facts["pT"] == "T2" and facts["er"] == "positive"
    page = owner_client.get(doc_url(case, doc)).content.decode()
    assert "Read from a scan: please check each one." in page
    assert "Type the facts in yourself" not in page


def test_a_blank_photo_leads_to_typing_the_facts_in(
    case, owner_client, django_capture_on_commit_callbacks
):
    doc = read(blank_photo(case), django_capture_on_commit_callbacks)
    assert doc.text == "" and doc.text_source == "ocr"
    assert doc.text_note == "The pages are blank: we found no writing on them."
    reading = ReportReading.objects.get(document=doc)
    assert reading.status == ReportReading.Status.NO_TEXT and not reading.facts.exists()
    page = owner_client.get(doc_url(case, doc)).content.decode()
    assert "The pages are blank" in page
    assert doc_url(case, doc, "pathology:manual") in page
    assert "Read from a scan: please check" not in page


def test_a_scan_the_engine_refuses_fails_plainly_and_stores_no_text(
    case, monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(*args, **kwargs):
        raise OcrError(
            "The PDF is protected by a password. Save an unprotected copy and upload that."
        )

    monkeypatch.setattr(reader, "ocr_file", refuse)
    monkeypatch.setattr("secondopinion.ocr.ocr_file", refuse)
    doc = read(
        make_document(case, content=pdf_of(text_page()), name="s.pdf"),
        django_capture_on_commit_callbacks,
    )
    assert doc.text_status == TextStatus.FAILED and doc.text == ""
    assert "password" in doc.text_note
    assert ReportReading.objects.get(document=doc).message.startswith("The PDF is protected")


def test_typed_facts_are_stored_confirmed_and_reach_the_summary(case, owner_client, owner):
    doc = blank_photo(case)
    response = owner_client.post(
        doc_url(case, doc, "pathology:manual"),
        {
            "site": "breast",
            "histology": "invasive ductal carcinoma",
            "pT": "pt2",
            "pN": "pN0",
            "er": "positive",
            "tumor_size_mm": "21",
            "margins": "clear",
        },
    )
    assert response.status_code == 302
    facts = {f.field: f for f in ReportFact.objects.filter(reading__document=doc)}
    assert {k: f.value for k, f in facts.items()} == {
        "site": "breast",
        "histology": "invasive ductal carcinoma",
        "pT": "T2",
        "pN": "N0",
        "er": "positive",
        "tumor_size_mm": 21,
        "margins": "clear",
    }
    assert all(f.status == "typed" and f.review == Review.CONFIRMED for f in facts.values())
    assert all(f.reviewed_by == owner for f in facts.values())
    summary = owner_client.get(reverse("pathology:summary", args=[case.public_id])).content.decode()
    assert "pT2" in summary
    # Saving again replaces the typed facts; an emptied box removes its fact.
    owner_client.post(doc_url(case, doc, "pathology:manual"), {"pT": "T3"})
    assert dict(ReportFact.objects.filter(reading__document=doc).values_list("field", "value")) == {
        "pT": "T3"
    }


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"pT": "stage 2"}, "Type the T category as the report writes it"),
        ({"pN": "N9"}, "Type the N category as the report writes it"),
        ({}, "Type at least one fact from the report."),
        ({"tumor_size_mm": "-3"}, "greater than or equal to 0"),
    ],
)
def test_a_bad_typed_fact_is_named_and_nothing_is_stored(case, owner_client, data, error):
    doc = blank_photo(case)
    response = owner_client.post(doc_url(case, doc, "pathology:manual"), data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not ReportFact.objects.filter(reading__document=doc).exists()


def test_the_form_explains_each_field_and_drafts_a_letter_to_the_lab(case, owner_client):
    doc = blank_photo(case)
    page = owner_client.get(doc_url(case, doc, "pathology:manual")).content.decode()
    assert "How large the tumor is or how far it has grown" in page
    assert "Whether cancer reaches the edge of the tissue" in page
    assert "Dear Pathology Department" in page and "not a scan or fax" in page


def test_a_caregiver_cannot_type_facts_in(client, case, caregiver):
    doc = blank_photo(case)
    client.force_login(caregiver)
    assert (
        "Only the case owner and editors"
        in client.get(doc_url(case, doc, "pathology:manual")).content.decode()
    )
    assert client.post(doc_url(case, doc, "pathology:manual"), {"pT": "T2"}).status_code == 404
    assert not ReportFact.objects.exists()


@pytest.mark.system  # the OCR engine on real pages
def test_the_command_reads_a_scanned_pdf_and_says_so(tmp_path, capsys):
    path = tmp_path / "scan.pdf"
    path.write_bytes(pdf_of(text_page()))
    call_command("pathology", "extract", str(path), "--json")
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert data["source"] == "ocr" and data["fields"]["pT"]["value"] == "T2"
    assert "OCR: page 1 of 1 read" in captured.err


def test_the_command_says_plainly_when_a_scan_has_no_words(tmp_path):
    path = tmp_path / "blank.pdf"
    path.write_bytes(pdf_of(Image.new("L", (300, 400), 255)))
    with pytest.raises(CommandError, match="The pages are blank"):
        call_command("pathology", "extract", str(path))


def test_a_document_with_a_text_layer_is_not_ocr_read(
    case, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(
        detect, "pdf_text", lambda path: "Diagnosis: invasive carcinoma. pT1 pN0 " * 3
    )
    monkeypatch.setattr("secondopinion.ocr.ocr_file", lambda *a, **k: pytest.fail("OCR ran"))
    doc = read(
        make_document(case, content=b"%PDF-1.4 text", name="t.pdf"),
        django_capture_on_commit_callbacks,
    )
    assert doc.text_source == "" and "pT1" in doc.text
    assert Document.objects.get(pk=doc.pk).text_status == TextStatus.DONE
