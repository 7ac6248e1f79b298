"""Deciding what a file is from its bytes, suggesting type and date, and safe names."""

import datetime
import io
import struct
import zlib

import pytest
from PIL import Image
from pydicom.uid import generate_uid

from secondopinion.records import detect
from tests.records.helpers import dicom_bytes, pdf_bytes


def _write(tmp_path, data, name="upload"):
    path = tmp_path / "stored"
    path.write_bytes(data)
    return path


def test_it_recognises_a_pathology_report_pdf_and_its_date(tmp_path):
    found = detect.file_check(_write(tmp_path, pdf_bytes()), name="scan.pdf")
    assert found.kind == "pdf"
    assert found.content_type == "application/pdf"
    assert found.suggested_type == "pathology_report"
    assert found.suggested_date == datetime.date(
        2026, 3, 14
    )  # the collection date, not the birth date


def test_it_recognises_a_dicom_file_by_its_header(tmp_path):
    data = dicom_bytes(study_uid=generate_uid(), series_uid=generate_uid())
    found = detect.file_check(_write(tmp_path, data), name="IM0001")
    assert (found.kind, found.suggested_type) == ("dicom", "imaging_study")
    assert found.suggested_date == datetime.date(2026, 3, 10)
    assert found.institution == "Example General Hospital"


def test_it_refuses_a_pdf_that_is_not_a_pdf(tmp_path):
    with pytest.raises(detect.UnsupportedFile) as caught:
        detect.file_check(_write(tmp_path, b"<html>hello</html>"), name="report.pdf")
    assert "not a PDF" in caught.value.message


def test_it_refuses_a_damaged_pdf(tmp_path):
    with pytest.raises(detect.UnsupportedFile) as caught:
        detect.file_check(_write(tmp_path, b"%PDF-1.7\n garbage"), name="x.pdf")
    assert "damaged" in caught.value.message


def test_it_refuses_a_password_protected_pdf(tmp_path):
    with pytest.raises(detect.UnsupportedFile) as caught:
        detect.file_check(_write(tmp_path, pdf_bytes(password="user-secret")), name="x.pdf")
    assert "password" in caught.value.message


def test_it_refuses_a_zero_byte_file(tmp_path):
    with pytest.raises(detect.UnsupportedFile) as caught:
        detect.file_check(_write(tmp_path, b""))
    assert "empty" in caught.value.message


def test_it_refuses_an_image_with_an_absurd_pixel_count(tmp_path):
    # Only the header is needed: the size must be refused before any pixel is decoded.
    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 0, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    png = (
        b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + chunk + struct.pack(">I", zlib.crc32(chunk))
    )
    with pytest.raises(detect.UnsupportedFile) as caught:
        detect.file_check(
            _write(
                tmp_path,
                png + struct.pack(">I", 0) + b"IEND" + struct.pack(">I", zlib.crc32(b"IEND")),
            )
        )
    assert "too large" in caught.value.message


def test_it_accepts_a_photo_of_a_page(tmp_path):
    buffer = io.BytesIO()
    Image.new("RGB", (300, 400), "white").save(buffer, format="JPEG")
    found = detect.file_check(_write(tmp_path, buffer.getvalue()), name="page.jpg")
    assert (found.kind, found.content_type, found.width) == ("image", "image/jpeg", 300)


@pytest.mark.parametrize(
    ("data", "word"),
    [
        (b"MZ\x90\x00" + b"\0" * 100, "program"),
        (b"\x7fELF\x02\x01" + b"\0" * 100, "program"),
        (b"<!DOCTYPE html><script>alert(1)</script>", "web page"),
        (b"<svg onload=alert(1)></svg>", "web page"),
        (bytes(range(256)) * 4, "could not tell"),
    ],
)
def test_it_refuses_programs_web_pages_and_unknown_bytes(tmp_path, data, word):
    with pytest.raises(detect.UnsupportedFile) as caught:
        detect.file_check(_write(tmp_path, data), name="innocent.txt")
    assert word in caught.value.message


@pytest.mark.parametrize(
    "data",
    [
        b'<?xml version="1.0"?>\n<ClinicalDocument xmlns="urn:hl7-org:v3"><title>CCD</title>',
        b'\xef\xbb\xbf<ClinicalDocument xmlns="urn:hl7-org:v3">',
        b'{"resourceType": "Bundle", "type": "collection", "entry": []}',
        b'{"resourceType":"Patient","id":"1"}\n{"resourceType":"Condition","id":"2"}\n',
        b'  [{"resourceType": "Observation"}]',
    ],
)
def test_it_sends_a_patient_portal_download_to_the_portal_import(tmp_path, data):
    with pytest.raises(detect.UnsupportedFile) as caught:
        detect.file_check(_write(tmp_path, data), name="record.xml")
    assert "Add records from your patient portal" in caught.value.message


@pytest.mark.parametrize(
    "data",
    [
        b'{"note": "resourceType is just a word here"}',
        b"Diagnosis: invasive carcinoma. <ClinicalDocument is mentioned in text",
    ],
)
def test_json_and_text_that_merely_mention_portal_words_stay_text(tmp_path, data):
    assert detect.file_check(_write(tmp_path, data), name="note.txt").kind == "text"


def test_it_accepts_plain_text(tmp_path):
    found = detect.file_check(_write(tmp_path, b"Medication list: tamoxifen 20 mg daily"))
    assert found.kind == "text"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "SURGICAL PATHOLOGY REPORT\nFINAL DIAGNOSIS: carcinoma\nGROSS DESCRIPTION",
            "pathology_report",
        ),
        (
            "CT CHEST WITH CONTRAST\nTECHNIQUE: axial images\nIMPRESSION: no change",
            "imaging_report",
        ),
        (
            "OPERATIVE REPORT\nPREOPERATIVE DIAGNOSIS: mass\nESTIMATED BLOOD LOSS: 50 mL",
            "operative_report",
        ),
        (
            "Tumor mutational burden: 4\nMicrosatellite status: stable\nGENOMIC findings",
            "genomic_report",
        ),
        ("Hemoglobin 12.1 g/dL Reference range 12-16", "lab_results"),
        ("History of present illness: ...\nAssessment and plan: ...", "clinical_summary"),
        ("Dear friend, see you soon", "other"),
    ],
)
def test_it_suggests_a_type_from_the_text(text, expected):
    assert detect.type_suggest(text) == expected


CONSULT_NOTE = """MEDICAL ONCOLOGY CONSULTATION
Date of visit: 03/04/2026
Referring physician: Dr. Grace Local
Reason for consultation: newly diagnosed invasive ductal carcinoma of the left breast.
Past medical history: hypertension.
Physical examination: well appearing. 2 cm mass in the left breast.
Pathology: core biopsy showed invasive ductal carcinoma, grade 2, ER positive.
Impression: stage IIA breast cancer.
Recommendations: lumpectomy, then radiation; endocrine therapy for 5 years.
"""


@pytest.mark.parametrize(
    "text",
    [
        CONSULT_NOTE,
        "CONSULT NOTE\nReason for consult: lung nodule\nPlan: PET scan",
        "New patient consultation\nHistory and physical\nAssessment: prostate cancer",
    ],
)
def test_a_consultation_note_is_a_visit_note_not_other(text):
    assert detect.type_suggest(text) == "clinical_summary"


def test_it_prefers_a_labelled_date_and_ignores_birth_dates():
    text = "DOB: 01/02/1960\nSome date 2025-01-05\nDate of service: March 3, 2025"
    assert detect.date_suggest(text) == datetime.date(2025, 3, 3)
    assert detect.date_suggest("DOB: 01/02/1960 only") is None
    assert detect.date_suggest("Reported 5 Jan 2025") == datetime.date(2025, 1, 5)


def test_it_ignores_dates_in_the_future():
    assert detect.date_suggest("Follow up on 2099-01-01", today=datetime.date(2026, 1, 1)) is None


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\report.pdf", "report.pdf"),
        ("<b>x</b>y.pdf", "by.pdf"),
        ("<script>alert(1)</script>.pdf", "script.pdf"),
        ("re\x00port\x07\n.pdf", "report.pdf"),
        ("bidi\u202eFDP.exe", "bidiFDP.exe"),
        ("..", "document"),
        ("", "document"),
        ("   .hidden  ", "hidden"),
    ],
)
def test_it_makes_uploaded_names_safe_to_show(raw, safe):
    assert detect.display_name_safe(raw) == safe


def test_it_shortens_long_names_but_keeps_the_extension():
    name = detect.display_name_safe("a" * 500 + ".pdf")
    assert len(name) == 120 and name.endswith(".pdf")


def test_it_reads_all_the_text_of_a_pdf(tmp_path):
    text = detect.pdf_text(_write(tmp_path, pdf_bytes()))
    assert "SURGICAL PATHOLOGY REPORT" in text and "Margins are negative" in text
