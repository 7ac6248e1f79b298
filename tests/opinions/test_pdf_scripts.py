"""Names and notes in any script a patient may write print in the PDFs, not as "???"."""

import io
import re
import unicodedata

import pytest
from pypdf import PdfReader

from secondopinion.opinions.pdfdoc import FONT_DIR, clean
from secondopinion.opinions.pdfs import (
    CaseSummary,
    CoverLetter,
    Handoff,
    case_summary_pdf,
    cover_letter_pdf,
    handoff_pdf,
)

NAMES = {
    "Chinese": "王小明",
    "Traditional Chinese": "陳美麗",
    "Korean": "김민준",
    "Japanese": "山田さくら",
    "Arabic": "محمد أحمد",
    "Hindi": "राहुल शर्मा",
    "Vietnamese": "Nguyễn Thị Hương",
    "Russian": "Иван Петров",
}


def plain(value: str) -> str:
    """Text as extracted, made comparable: presentation forms folded back, no spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value))


def extracted(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return plain(" ".join(page.extract_text() for page in reader.pages))


def found(name: str, text: str) -> bool:
    wanted = plain(name)
    if wanted in text:
        return True
    # Text may come back in visual order: accept the name reversed too.
    return wanted[::-1] in text


def the_pdfs(name: str) -> dict[str, bytes]:
    return {
        "cover letter": cover_letter_pdf(
            CoverLetter(
                patient_name=name,
                service_name="Lakeside Cancer Center",
                question=f"My name is {name}. Is surgery first the right order?",
            )
        ),
        "case summary": case_summary_pdf(
            CaseSummary(patient_name=name, diagnosis="Breast cancer, stage II")
        ),
        "handoff": handoff_pdf(Handoff(patient_name=name, case_line=f"{name}, breast cancer")),
    }


@pytest.mark.parametrize("script", NAMES)
def test_it_prints_the_name_in_every_pdf(script):
    name = NAMES[script]
    assert "?" not in clean(name)
    for kind, data in the_pdfs(name).items():
        text = extracted(data)
        if script == "Arabic":
            letters = [ch for ch in plain(name) if unicodedata.category(ch).startswith("L")]
            assert all(ch in text for ch in letters), (kind, text)
        else:
            assert found(name, text), (kind, text)
        assert "???" not in text, (kind, text)


def test_it_embeds_the_fallback_fonts_only_when_needed():
    latin = the_pdfs("Ana Ruiz")["handoff"]
    chinese = the_pdfs(NAMES["Chinese"])["handoff"]
    assert b"NotoSansCJK" not in latin
    assert b"NotoSansCJK" in chinese
    # Only the glyphs used are embedded: a CJK name adds kilobytes, not the 6 MB font.
    assert len(chinese) - len(latin) < 200_000


def test_it_still_replaces_what_no_bundled_font_can_draw():
    # U+2A6D6 is a rare CJK Extension B ideograph, outside the common subset.
    assert clean("王\U0002a6d6明") == "王?明"
    assert clean("a\x00b") == "ab"


def test_it_ships_the_font_licences():
    ofl = (FONT_DIR / "OFL-Noto.txt").read_text()
    assert "SIL OPEN FONT LICENSE" in ofl and "Version 1.1" in ofl
    assert (FONT_DIR / "LICENSE-DejaVu.txt").exists()
