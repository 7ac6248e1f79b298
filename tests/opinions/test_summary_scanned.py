"""Facts read from a scanned pathology report reach the case summary PDF, once checked.

The OCR engine itself is tested in tests/ocr (marked system); here it is replaced by the words
it would read, so the rest of the path is the product's own: the records app stores the text
as read by OCR, the pathology app reads its facts, the patient checks them, the summary
lists them."""

from __future__ import annotations

import io

from PIL import Image
from pypdf import PdfReader

from secondopinion.ocr import OcrPage, OcrResult
from secondopinion.opinions.pdfs import case_summary_pdf
from secondopinion.opinions.services.summary import case_summary_data, pathology_facts
from secondopinion.pathology.facts import fact_review, facts_confirm_all
from secondopinion.pathology.models import ReportReading
from secondopinion.records.tasks import document_text_extract
from tests.ocr.helpers import pdf_of
from tests.records.helpers import make_document

SCANNED_WORDS = (
    "SURGICAL PATHOLOGY REPORT\n"
    "FINAL DIAGNOSIS: Breast, right, lumpectomy: invasive ductal carcinoma.\n"
    "Estrogen receptor: positive (90%). HER2 (IHC): 1+ (negative).\n"
    "Ki-67: 2l%\n"
    "Pathologic stage: pT1c pN0\n"
)


def _pdf_text(data: bytes) -> str:
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


def _read_scan(case, monkeypatch, django_capture_on_commit_callbacks):
    def read_words(*args, **kwargs):
        return OcrResult(pages=[OcrPage(1, "read", SCANNED_WORDS, 0.97)], pages_total=1)

    monkeypatch.setattr("secondopinion.ocr.ocr_file", read_words)
    blank_page = Image.new("L", (600, 800), 255)  # no text layer: the records app runs OCR
    doc = make_document(case, content=pdf_of(blank_page), name="scan.pdf")
    with django_capture_on_commit_callbacks(execute=True):
        document_text_extract.call(doc.pk)
    doc.refresh_from_db()
    return doc


def test_checked_facts_from_a_scanned_report_are_in_the_case_summary_pdf(
    case, owner, monkeypatch, django_capture_on_commit_callbacks
):
    doc = _read_scan(case, monkeypatch, django_capture_on_commit_callbacks)
    assert (doc.text_source, doc.doc_type) == ("ocr", "pathology_report")
    reading = ReportReading.objects.get(document=doc)
    assert pathology_facts(case) == []  # nothing the patient has not checked

    facts_confirm_all(reading=reading, user=owner)
    unsure = reading.facts.get(field="ki67_percent")
    assert (unsure.value, unsure.status) == (21, "uncertain")  # "2l%": checked one at a time
    fact_review(fact=unsure, action="confirm", user=owner)

    rows = dict(pathology_facts(case))
    assert (rows["Tumor (pT)"], rows["Lymph nodes (pN)"], rows["Ki-67"]) == ("pT1c", "pN0", "21%")
    summary = _pdf_text(case_summary_pdf(case_summary_data(case)))
    for label, value in rows.items():
        assert f"{label} {value}" in summary, (label, value)
