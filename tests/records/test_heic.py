"""A phone photo in HEIC (what iPhones save) goes through the records upload like any picture:
kept as an image, and its words read with OCR and marked as read from a scan."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from secondopinion.records import detect
from secondopinion.records.models import Document, TextStatus
from tests.ocr.helpers import text_page

pillow_heif = pytest.importorskip("pillow_heif")

REPORT = """SURGICAL PATHOLOGY REPORT
Diagnosis: Left breast, lumpectomy: invasive ductal carcinoma
Estrogen receptor: Positive (95%)
Pathologic stage: pT2 pN0"""


def heic_of(image) -> bytes:
    out = io.BytesIO()
    pillow_heif.from_pillow(image.convert("RGB")).save(out, quality=90)
    return out.getvalue()


def test_a_heic_photo_is_kept_as_an_image_and_read_with_ocr(
    owner_client, case, django_capture_on_commit_callbacks
):
    data = heic_of(text_page(REPORT, width=1100, height=320))
    assert data[4:12] == b"ftypheic"
    upload = SimpleUploadedFile("IMG_0412.HEIC", data, content_type="image/heic")
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(
            reverse("records:upload", args=[case.public_id]), {"files": [upload]}, follow=True
        )
    assert response.status_code == 200
    page = response.content.decode()
    assert "IMG_0412.HEIC: added" in page
    doc = Document.objects.get(case=case)
    assert (doc.kind, doc.content_type) == ("image", "image/heic")
    assert doc.text_status == TextStatus.DONE
    assert doc.text_source == "ocr"  # shown as "read from a scan"
    assert "invasive ductal carcinoma" in doc.text.lower()
    assert doc.doc_type == "pathology_report"
    facts = owner_client.get(
        reverse("pathology:document", args=[case.public_id, doc.public_id])
    ).content.decode()
    assert "Read from a scan: please check each one." in facts
    assert "pT2" in facts


def test_a_heic_photo_gets_the_size_check_of_any_picture(tmp_path):
    path = tmp_path / "IMG_0413.HEIC"
    path.write_bytes(heic_of(text_page("Pathology", width=400, height=200)))
    found = detect.file_check(path, name=path.name)
    assert (found.kind, found.content_type, found.width, found.height) == (
        "image",
        "image/heic",
        400,
        200,
    )
    with pytest.raises(detect.UnsupportedFile, match="far too large"):
        detect.file_check(path, name=path.name, max_image_pixels=10_000)


def test_a_heif_picture_that_cannot_be_decoded_is_kept_and_says_so(
    owner_client, case, django_capture_on_commit_callbacks
):
    # The HEIF box header of a photo, then bytes no decoder can read.
    data = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x01" * 500
    upload = SimpleUploadedFile("IMG_0414.HEIC", data, content_type="image/heic")
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(reverse("records:upload", args=[case.public_id]), {"files": [upload]})
    doc = Document.objects.get(case=case)
    assert (doc.kind, doc.content_type) == ("image", "image/heic")
    assert doc.text_status == TextStatus.FAILED
    assert doc.text_note == "The file is not a picture we can open."
