"""core.textcodec: text in the encodings people's computers write is read as text."""

from __future__ import annotations

import pytest

from secondopinion.core.textcodec import text_decode

REPORT = "Pathology report: invasive ductal carcinoma, 2.1 cm. Margins négatives. Ki-67 ≈ 15 %."


@pytest.mark.parametrize(
    "data",
    [
        REPORT.encode("utf-8"),
        b"\xef\xbb\xbf" + REPORT.encode("utf-8"),
        REPORT.encode("utf-16"),  # with its byte-order mark
        REPORT.encode("utf-16-le"),
        REPORT.encode("utf-16-be"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-bom", "utf-16-le", "utf-16-be"],
)
def test_it_reads_unicode_text_with_or_without_a_byte_order_mark(data):
    assert text_decode(data).lstrip("\ufeff") == REPORT


@pytest.mark.parametrize("codec", ["latin-1", "cp1252"])
def test_it_reads_western_single_byte_text(codec):
    text = "Résumé of the consultation: the patient’s tumor, café-au-lait spots; señora Núñez."
    if codec == "latin-1":
        text = text.replace("’", "'")
    assert text_decode(text.encode(codec)) == text


def test_a_multibyte_character_cut_at_the_end_of_a_sample_is_still_text():
    data = "Tumor size 2.1 cm é".encode()
    assert text_decode(data[:-1], partial=True) == "Tumor size 2.1 cm "
    assert text_decode(REPORT.encode("utf-16-le")[:-1], partial=True).startswith("Pathology")


@pytest.mark.parametrize(
    "data",
    [bytes(range(256)) * 8, b"\x00\x01\x02\x03" * 500, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"],
    ids=["every-byte", "nul-heavy", "png-header"],
)
def test_binary_bytes_are_not_text(data):
    assert text_decode(data) is None
