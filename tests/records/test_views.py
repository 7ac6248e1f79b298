"""The records pages, as the owner, a caregiver who may look, and a stranger."""

import struct
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pydicom.uid import generate_uid

from secondopinion.accounts.models import AuditEvent
from secondopinion.cases.lifecycle import case_delete
from secondopinion.providers.facts import missing_records_for
from secondopinion.providers.models import Service
from secondopinion.records.imports import disc_import_run, disc_import_start
from secondopinion.records.models import DiscImport, Document, ImagingStudy
from tests.factories import make_case
from tests.queries import queries
from tests.records.helpers import (
    dicom_bytes,
    make_document,
    make_study,
    pdf_bytes,
    small_cd,
    zip_of,
)


def _stored(settings):
    root = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _huge_png() -> bytes:
    chunk = b"IHDR" + struct.pack(">IIBBBBB", 100_000, 100_000, 8, 0, 0, 0, 0)
    end = struct.pack(">I", 0) + b"IEND" + struct.pack(">I", zlib.crc32(b"IEND"))
    return (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", 13)
        + chunk
        + struct.pack(">I", zlib.crc32(chunk))
        + end
    )


def _evil_dicom() -> bytes:

    return dicom_bytes(
        study_uid=generate_uid(), series_uid=generate_uid(), preamble=b"MZ" + b"\0" * 126
    )


def _upload_url(case):
    return reverse("records:upload", args=[case.public_id])


def _pdf(name="report.pdf", content=None):
    return SimpleUploadedFile(name, content or pdf_bytes(), content_type="application/pdf")


def _messages(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_it_uploads_several_files_and_suggests_their_type(
    owner_client, case, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(
            _upload_url(case),
            {"files": [_pdf(), SimpleUploadedFile("notes.txt", b"Medication list: tamoxifen")]},
            follow=True,
        )
    assert response.status_code == 200
    documents = {d.original_name: d for d in Document.objects.filter(case=case)}
    assert set(documents) == {"report.pdf", "notes.txt"}
    report = documents["report.pdf"]
    assert (report.doc_type, report.type_confirmed, report.text_status) == (
        "pathology_report",
        False,
        "done",
    )
    assert "SURGICAL PATHOLOGY" in report.text
    assert len(report.sha256) == 64
    assert "please check" in response.content.decode()


def test_it_recognises_a_duplicate_instead_of_storing_it_twice(owner_client, case, settings):
    data = pdf_bytes()  # made once: a PDF carries its creation time, to the second
    owner_client.post(_upload_url(case), {"files": [_pdf(content=data)]})
    files = _stored(settings)
    response = owner_client.post(
        _upload_url(case), {"files": [_pdf("copy.pdf", data)]}, follow=True
    )
    assert Document.objects.filter(case=case).count() == 1
    assert _stored(settings) == files
    assert any("already have this exact file" in m for m in _messages(response))


def test_it_says_clearly_when_too_many_files_are_sent(owner_client, case, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    files = [SimpleUploadedFile(f"n{i}.txt", f"note {i}".encode()) for i in range(5)]
    response = owner_client.post(_upload_url(case), {"files": files}, follow=True)
    assert response.status_code == 200
    assert any("more than 3 files" in m for m in _messages(response))
    assert Document.objects.count() == 0
    assert _stored(settings) == []


def test_it_answers_too_many_files_in_json_for_the_script(owner_client, case, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 1
    files = [SimpleUploadedFile(f"n{i}.txt", b"note") for i in range(2)]
    response = owner_client.post(
        _upload_url(case), {"files": files}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 400
    assert "more than 1 files" in response.json()["errors"][0]


def test_it_stops_a_file_over_the_limit_while_streaming_and_keeps_the_others(
    owner_client, case, settings
):
    settings.UPLOAD_MAX_BYTES = 2000
    big = SimpleUploadedFile("big.txt", b"x" * 10_000)
    small = SimpleUploadedFile("small.txt", b"small note")
    response = owner_client.post(_upload_url(case), {"files": [big, small]}, follow=True)
    assert any("big.txt" in m and "larger than the limit" in m for m in _messages(response))
    assert list(Document.objects.values_list("original_name", flat=True)) == ["small.txt"]
    assert len(_stored(settings)) == 1


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("empty.pdf", b"", "empty"),
        ("fake.pdf", b"GIF89a not a pdf", "not a PDF"),
        ("locked.pdf", pdf_bytes(password="secret-pass"), "password"),
        ("viewer.exe", b"MZ\x90\x00" + b"\0" * 200, "program"),
        ("page.html", b"<!doctype html><script>alert(1)</script>", "web page"),
        ("huge.png", _huge_png(), "too large"),
        ("scan.dcm", _evil_dicom(), "program"),
    ],
)
def test_it_refuses_bad_files_with_a_clear_message_and_harms_nothing(
    owner_client, case, settings, name, content, words
):
    kept = make_document(case, content=b"%PDF-1.4 already here")
    before = {p: p.read_bytes() for p in _stored(settings)}
    response = owner_client.post(
        _upload_url(case), {"files": [SimpleUploadedFile(name, content)]}, follow=True
    )
    assert any(words in m for m in _messages(response)), _messages(response)
    assert list(Document.objects.all()) == [kept]
    assert {p: p.read_bytes() for p in _stored(settings)} == before


def test_it_makes_markup_and_control_characters_in_names_harmless(owner_client, case):
    upload = SimpleUploadedFile("a\x07<b>bold</b>.txt", b"plain note")
    response = owner_client.post(_upload_url(case), {"files": [upload]}, follow=True)
    document = Document.objects.get()
    assert "<" not in document.original_name and "\x07" not in document.original_name
    assert "<b>" not in response.content.decode()


def test_it_asks_for_at_least_one_file(owner_client, case):
    response = owner_client.post(_upload_url(case), {}, follow=True)
    assert any("at least one file" in m for m in _messages(response))


def test_it_checks_the_csrf_token_after_reading_the_upload(owner, case, settings):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    response = client.post(_upload_url(case), {"files": [_pdf()]})
    assert response.status_code == 403
    assert Document.objects.count() == 0
    assert _stored(settings) == []


def test_a_stranger_gets_404_everywhere(client, case, stranger, settings):
    document = make_document(case)
    client.force_login(stranger)
    for url in (
        reverse("records:index", args=[case.public_id]),
        reverse("records:document_download", args=[case.public_id, document.public_id]),
    ):
        assert client.get(url).status_code == 404
    assert (
        client.post(_upload_url(case), {"files": [_pdf("x.pdf", b"%PDF-1.4 other")]}).status_code
        == 404
    )
    assert Document.objects.count() == 1
    assert len(_stored(settings)) == 1


def test_a_caregiver_may_look_but_not_upload(client, case, caregiver):
    client.force_login(caregiver)
    assert client.get(reverse("records:index", args=[case.public_id])).status_code == 200
    assert client.post(_upload_url(case), {"files": [_pdf()]}).status_code == 404


def test_downloads_are_attachments_with_a_safe_name_and_nosniff(owner_client, case):
    document = make_document(case, content=b"%PDF-1.4 body", name='evil"name.pdf')
    response = owner_client.get(
        reverse("records:document_download", args=[case.public_id, document.public_id])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == b"%PDF-1.4 body"


def test_the_patient_confirms_the_type_and_date(owner_client, case):
    document = make_document(case, doc_type="other")
    url = reverse("records:document_detail", args=[case.public_id, document.public_id])
    response = owner_client.post(
        url,
        {
            "doc_type": "lab_results",
            "document_date": "2026-03-01",
            "institution": "Lab",
            "notes": "",
        },
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert (document.doc_type, document.type_confirmed, str(document.document_date)) == (
        "lab_results",
        True,
        "2026-03-01",
    )


def test_it_refuses_a_date_in_the_future(owner_client, case):
    document = make_document(case)
    url = reverse("records:document_detail", args=[case.public_id, document.public_id])
    response = owner_client.post(url, {"doc_type": "lab_results", "document_date": "2999-01-01"})
    assert response.status_code == 200
    assert "in the future" in response.content.decode()


def test_deleting_a_document_removes_its_file(
    owner_client, case, settings, django_capture_on_commit_callbacks
):
    document = make_document(case)
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(
            reverse("records:document_delete", args=[case.public_id, document.public_id])
        )
    assert Document.objects.count() == 0
    assert _stored(settings) == []


def test_searching_finds_words_inside_pdfs_of_this_case_only(
    owner_client, case, owner, django_capture_on_commit_callbacks
):
    other_case = make_case(owner, patient_name="Someone else")
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(_upload_url(case), {"files": [_pdf()]})
        owner_client.post(
            _upload_url(other_case),
            {
                "files": [
                    _pdf("other.pdf", pdf_bytes(["SURGICAL PATHOLOGY", "lumpectomy elsewhere"]))
                ]
            },
        )
    owner_client.get(reverse("records:index", args=[case.public_id]))  # shows (and clears) messages
    response = owner_client.get(
        reverse("records:index", args=[case.public_id]), {"q": "lumpectomy"}
    )
    page = response.content.decode()
    assert "report.pdf" in page and "other.pdf" not in page
    assert "lumpectomy" in page


def test_a_zip_of_a_cd_is_imported_in_the_background(
    owner_client, case, tmp_path, settings, django_capture_on_commit_callbacks
):
    small_cd(tmp_path / "cd", series=2, images=2, patient_name="OWNER^OLIVE")
    archive = zip_of(tmp_path / "cd", tmp_path / "cd.zip")
    upload = SimpleUploadedFile("cd.zip", archive.read_bytes(), content_type="application/zip")
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(_upload_url(case), {"files": [upload]})
    disc_import = DiscImport.objects.get()
    assert response["Location"] == reverse(
        "records:import_detail", args=[case.public_id, disc_import.public_id]
    )
    assert disc_import.status == "done" and disc_import.upload_name == ""
    assert ImagingStudy.objects.get(case=case).image_count == 4
    page = owner_client.get(response["Location"]).content.decode()
    assert "Finished" in page and "2 series" in page
    state = owner_client.get(response["Location"], HTTP_ACCEPT="application/json").json()
    assert state == {"status": "done", "percent": 100, "error": "", "done": True}
    # 4 images + 2 previews; the uploaded ZIP itself is gone.
    assert len(_stored(settings)) == 6


def test_the_study_page_shows_series_with_previews(owner_client, case, tmp_path):
    small_cd(tmp_path / "cd", series=2, images=3, patient_name="OWNER^OLIVE")
    disc_import_run(
        disc_import=disc_import_start(case=case, source_name="cd"), source=tmp_path / "cd"
    )
    study = ImagingStudy.objects.get()
    page = owner_client.get(reverse("records:study_detail", args=[case.public_id, study.public_id]))
    series = study.series.first()
    preview_url = reverse("records:series_preview", args=[case.public_id, series.public_id])
    assert preview_url in page.content.decode()
    image = owner_client.get(preview_url)
    assert image["Content-Type"] == "image/png"
    assert b"".join(image.streaming_content).startswith(b"\x89PNG")


def _service(case, **fields):
    return Service.objects.create(case=case, name="Big Cancer Center", **fields)


def test_the_checklist_turns_from_missing_to_present(owner_client, case, tmp_path):
    service = _service(case, records_needed=["pathology_report", "imaging_studies"])
    url = reverse("records:checklist", args=[case.public_id, service.public_id])
    page = owner_client.get(url).content.decode()
    assert page.count("status-attention") == 2
    make_document(case, doc_type="imaging_study", kind="pdf")  # a report is not the images
    make_document(case, content=b"%PDF-1.4 path")
    page = owner_client.get(url).content.decode()
    assert page.count("status-attention") == 1 and "You have it" in page
    small_cd(tmp_path / "cd", series=1, images=1, patient_name="OWNER^OLIVE")
    disc_import_run(
        disc_import=disc_import_start(case=case, source_name="cd"), source=tmp_path / "cd"
    )
    page = owner_client.get(url).content.decode()
    assert "status-attention" not in page and "everything this service asked for" in page


def test_the_checklist_counts_a_cd_of_five_images_as_one_study(owner_client, case, tmp_path):
    service = _service(case, records_needed=["imaging_studies", "pathology_report"])
    small_cd(tmp_path / "cd", series=1, images=5, patient_name="OWNER^OLIVE")
    disc_import_run(
        disc_import=disc_import_start(case=case, source_name="cd"), source=tmp_path / "cd"
    )
    make_document(case)
    url = reverse("records:checklist", args=[case.public_id, service.public_id])
    page = owner_client.get(url).content.decode()
    assert "(1 imaging study in your records)" in page
    assert "(1 document in your records)" in page
    assert "5 in your records" not in page


def test_it_supplies_missing_records_to_the_providers_rules(case):
    service = _service(case, records_needed=["pathology_report", "lab_results"])
    make_document(case)
    assert missing_records_for(service) == ("Lab results",)


def test_the_request_letter_lists_what_is_missing_and_prints(owner_client, case):
    case.doctor_institution = "Example General Hospital"
    case.save()
    service = _service(case, records_needed=["imaging_studies", "pathology_slides"])
    url = reverse("records:letter", args=[case.public_id, service.public_id])
    page = owner_client.get(url).content.decode()
    assert "Example General Hospital" in page
    assert "all series, in DICOM format" in page
    assert "data-print" in page
    page = owner_client.get(
        url, {"institution": "Other Clinic", "needed_by": "2030-01-02", "send_to_service": "on"}
    ).content.decode()
    assert "Other Clinic" in page and "January 2, 2030" in page and "Big Cancer Center" in page


def test_a_zip_may_hold_more_files_than_one_request_may(
    owner_client, case, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    small_cd(tmp_path / "cd", series=1, images=5, patient_name="OWNER^OLIVE")
    archive = zip_of(tmp_path / "cd", tmp_path / "cd.zip")
    upload = SimpleUploadedFile("cd.zip", archive.read_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(_upload_url(case), {"files": [upload]})
    assert ImagingStudy.objects.get(case=case).image_count == 5


def test_the_records_page_warns_about_a_disc_of_someone_else(owner_client, case, tmp_path):
    small_cd(tmp_path / "cd", series=1, images=1, patient_name="SMITH^JOHN")
    disc_import_run(
        disc_import=disc_import_start(case=case, source_name="cd"), source=tmp_path / "cd"
    )
    page = owner_client.get(reverse("records:index", args=[case.public_id])).content.decode()
    assert "flag-stop" in page and "John Smith" in page


def test_deleting_the_case_collects_every_stored_file(
    case, tmp_path, settings, django_capture_on_commit_callbacks
):
    make_document(case)
    small_cd(tmp_path / "cd", series=2, images=2, patient_name="OWNER^OLIVE")
    disc_import_run(
        disc_import=disc_import_start(case=case, source_name="cd"), source=tmp_path / "cd"
    )
    assert len(_stored(settings)) == 1 + 4 + 2
    with django_capture_on_commit_callbacks(execute=True):
        case_delete(case=case)
    assert _stored(settings) == []


def test_the_records_page_uses_the_same_queries_for_1_or_10_documents_studies_and_services(
    owner_client, case
):
    url = reverse("records:index", args=[case.public_id])

    def add_some(n):
        for i in range(n):
            make_document(case, content=f"%PDF-1.4 {i} {n}".encode(), name=f"d{i}.pdf")
            make_study(case)
            _service(case, records_needed=["pathology_report"])

    add_some(1)
    owner_client.get(url)  # warm caches (content types, session)
    one = queries(lambda: owner_client.get(url))
    add_some(9)
    assert queries(lambda: owner_client.get(url)) == one


def test_uploads_downloads_and_deletions_are_in_the_audit_log(
    owner_client, case, django_capture_on_commit_callbacks
):
    owner_client.post(_upload_url(case), {"files": [_pdf()]})
    document = Document.objects.get()
    owner_client.get(
        reverse("records:document_download", args=[case.public_id, document.public_id])
    )
    owner_client.post(reverse("records:document_delete", args=[case.public_id, document.public_id]))
    actions = list(
        AuditEvent.objects.filter(case=case).order_by("pk").values_list("action", "object_id")
    )
    assert actions == [
        ("document.uploaded", str(document.public_id)),
        ("document.downloaded", str(document.public_id)),
        ("document.deleted", str(document.public_id)),
    ]
    assert not AuditEvent.objects.filter(detail__icontains="report.pdf").exists()
