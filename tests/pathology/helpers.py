"""Test data for the pathology pages: a pathology report in the vault, read into facts."""

from __future__ import annotations

from secondopinion.pathology.facts import reading_run
from secondopinion.records.models import Document, TextStatus
from tests.records.helpers import make_document

REPORT = (
    "FINAL DIAGNOSIS: Breast, left, lumpectomy: invasive ductal carcinoma, Nottingham grade 2.\n"
    "Margins negative. No lymphovascular invasion.\n"
    "Estrogen receptor: positive (95%). HER2 (IHC): 3+\n"
    "Pathologic stage: pT2 pN0\n"
)


def make_report(
    case, text: str = REPORT, *, name: str = "pathology.pdf", read: bool = True, source: str = ""
):
    """`source="ocr"`: the text was read from a scan, as the records app marks it."""
    doc = make_document(case, content=text.encode(), name=name)
    Document.objects.filter(pk=doc.pk).update(
        text=text, text_status=TextStatus.DONE, text_source=source
    )
    doc.refresh_from_db()
    if read:
        reading_run(document=doc)
    return doc


def make_fact(case):
    doc = make_report(case)
    return doc.pathology_reading.facts.get(field="pT")
