import io

import pytest
from pypdf import PdfWriter

from secondopinion.agreements.source import (
    TextExtractionError,
    agreement_text_from_bytes,
    html_to_text,
)


def test_it_strips_a_saved_web_page_to_its_visible_text_without_running_it():
    page = (
        b"<html><head><title>T</title><script>alert('x')</script></head><body>"
        b"<h1>Terms</h1><p>The fee is $500.</p><style>p{}</style>"
        b"<script>document.write('The fee is $1')</script><p>We do not record calls.</p></body></html>"
    )
    text = agreement_text_from_bytes(page, name="terms.html")
    assert "The fee is $500." in text and "We do not record calls." in text
    assert "alert" not in text and "document.write" not in text and "<" not in text


def test_it_keeps_paragraphs_apart_in_html():
    assert html_to_text("<p>One.</p><p>Two.</p>") == "One.\n\nTwo."


def test_it_says_plainly_an_empty_file_is_empty():
    with pytest.raises(TextExtractionError, match="empty"):
        agreement_text_from_bytes(b"  \n")


def test_it_says_a_scanned_pdf_cannot_be_read_yet():
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    buf = io.BytesIO()
    writer.write(buf)
    with pytest.raises(TextExtractionError, match="cannot be read yet"):
        agreement_text_from_bytes(buf.getvalue(), name="scan.pdf")


def test_it_refuses_a_damaged_pdf_plainly():
    with pytest.raises(TextExtractionError):
        agreement_text_from_bytes(b"%PDF-1.4 not really", name="a.pdf")


def test_it_refuses_plainly_a_text_too_long_to_read_whole():
    with pytest.raises(TextExtractionError, match="too long"):
        agreement_text_from_bytes(b"The fee is $500. " * 70_000, name="long.txt")
