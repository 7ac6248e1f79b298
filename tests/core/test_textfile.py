"""Text from files: plain text in any common encoding, PDF text layers, and clear refusals."""

import io

import pytest
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

from secondopinion.core.textfile import (
    MAX_FILE_BYTES,
    TextExtractionError,
    text_from_bytes,
    text_from_file,
)


def pdf_bytes(text: str | None) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    if text:
        pdf.set_font("Helvetica", size=11)
        pdf.multi_cell(0, 6, text)
    else:
        pdf.rect(10, 10, 50, 50)  # a "scan": drawing only, no text
    return bytes(pdf.output())


def test_it_reads_utf8_and_windows_1252_and_utf16():
    assert text_from_bytes(b"Tumour size: 2 cm. pT1c") == "Tumour size: 2 cm. pT1c"
    assert "Müller" in text_from_bytes("Dr Müller: pT2".encode("cp1252"))
    assert "pT2" in text_from_bytes("Stage pT2 N0".encode("utf-16"))
    assert "pT2" in text_from_bytes("Stage pT2 N0".encode("utf-16-le"))


def test_it_normalises_line_endings():
    assert text_from_bytes(b"A\r\nB\rC") == "A\nB\nC"


def test_it_refuses_empty_and_binary_files():
    with pytest.raises(TextExtractionError, match="empty"):
        text_from_bytes(b"")
    with pytest.raises(TextExtractionError, match="empty"):
        text_from_bytes(b"   \n ")
    with pytest.raises(TextExtractionError, match="does not look like text"):
        text_from_bytes(bytes(range(256)) * 50)
    with pytest.raises(TextExtractionError, match="does not look like text"):
        text_from_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00\x01\x02" * 500)


def test_it_reads_a_pdf_text_layer():
    data = pdf_bytes("Final diagnosis: invasive ductal carcinoma. pT2 pN0.")
    assert "pT2 pN0" in text_from_bytes(data, name="report.pdf")


def test_it_flags_a_scanned_pdf_with_no_text_layer():
    with pytest.raises(TextExtractionError, match="no text layer"):
        text_from_bytes(pdf_bytes(None), name="scan.pdf")


def test_it_refuses_a_pdf_that_is_not_a_pdf():
    with pytest.raises(TextExtractionError, match="not a PDF"):
        text_from_bytes(b"\x00\x01 this is not a pdf \xff" * 10, name="report.pdf")
    with pytest.raises(TextExtractionError, match="damaged or is not a real PDF"):
        text_from_bytes(b"%PDF-1.7\n garbage garbage garbage", name="report.pdf")


def test_it_refuses_an_encrypted_pdf():
    reader = PdfReader(io.BytesIO(pdf_bytes("Secret pT2")))
    writer = PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    writer.encrypt(user_password="s3cret", owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(TextExtractionError, match="password"):
        text_from_bytes(out.getvalue(), name="locked.pdf")


def test_it_refuses_a_file_that_is_too_large(tmp_path):
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:
        fh.seek(MAX_FILE_BYTES + 10)
        fh.write(b"x")
    with pytest.raises(TextExtractionError, match="too large"):
        text_from_file(big)


def test_it_says_when_a_file_is_missing(tmp_path):
    with pytest.raises(TextExtractionError, match="not found"):
        text_from_file(tmp_path / "nope.txt")
