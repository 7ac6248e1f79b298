"""Cover letter, case summary and handoff PDFs: readable text, Unicode, page limits."""

import io
from datetime import date

from pypdf import PdfReader

from secondopinion.opinions.pdfdoc import clean
from secondopinion.opinions.pdfs import (
    CaseSummary,
    CoverLetter,
    Handoff,
    case_summary_pdf,
    cover_letter_pdf,
    handoff_pdf,
)


def read(data: bytes) -> PdfReader:
    assert data.startswith(b"%PDF")
    return PdfReader(io.BytesIO(data))


def text(reader: PdfReader) -> str:
    return " ".join(page.extract_text() for page in reader.pages)


def test_it_writes_a_cover_letter_with_the_question_goals_and_enclosures():
    pdf = read(
        cover_letter_pdf(
            CoverLetter(
                patient_name="Zoë Łukasiewicz",
                service_name="Lakeside Cancer Center",
                reviewer_name="Dr. Ada Moreau",
                question="Is surgery first the right order for me?",
                goals=["Keep working part time"],
                enclosed=["Case summary", "Pathology report"],
            )
        )
    )
    body = text(pdf)
    for expected in [
        "Zoë Łukasiewicz",
        "Dr. Ada Moreau",
        "surgery first",
        "Keep working",
        "Pathology report",
    ]:
        assert expected in body


def test_it_replaces_characters_the_font_cannot_draw():
    # U+2A6D6, a rare CJK Extension B ideograph, is in no bundled font.
    assert clean("Nguyễn 王\U0002a6d6") == "Nguyễn 王?"
    assert clean("a\x00b") == "ab"


def test_it_keeps_the_case_summary_within_two_pages():
    summary = CaseSummary(
        patient_name="Sam Lee",
        diagnosis="Invasive ductal carcinoma (a breast cancer that started in a milk duct)",
        pathology_facts=[("Grade", "2")] * 40,
        first_opinion="Dr. Kim, City Hospital, March 2026",
        first_plan="Surgery, then radiation",
        timeline=[(date(2026, 1, 1 + i % 28), "A long event description " * 6) for i in range(80)],
        safe_to_wait=date(2026, 4, 1),
    )
    pdf = read(case_summary_pdf(summary))
    assert len(pdf.pages) <= 2
    assert "Safe to wait until" in text(pdf)


def test_it_fits_the_handoff_on_one_page_however_long():
    handoff = Handoff(
        patient_name="Sam Lee",
        case_line="Breast cancer, stage II.",
        local_doctor="Dr. Kim",
        opinions=["Dr. Moreau agrees with the plan and adds a gene test."] * 20,
        differences=["A long difference " * 20] * 20,
        questions=["Could we do the gene test here?"] * 30,
        decision="Going ahead with surgery.",
    )
    pdf = read(handoff_pdf(handoff))
    assert len(pdf.pages) == 1
    assert "Going ahead with surgery" in text(pdf)
