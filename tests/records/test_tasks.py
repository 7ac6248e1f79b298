"""Background work: PDF text, its hooks for other apps, and safe re-runs."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from secondopinion.core.registry import Registry
from secondopinion.pathology.models import ReportReading
from secondopinion.records import tasks
from secondopinion.records.models import DiscImport, Document
from tests.records.helpers import make_document, pdf_bytes


def test_it_reads_pdf_text_and_suggests_type_and_date(case):
    document = make_document(case, content=pdf_bytes(), doc_type="other")
    tasks.document_text_extract.call(document.pk)
    document.refresh_from_db()
    assert document.text_status == "done"
    assert (document.doc_type, str(document.document_date)) == ("pathology_report", "2026-03-14")


def test_it_keeps_what_the_patient_confirmed(case):
    document = make_document(case, content=pdf_bytes(), doc_type="lab_results")
    Document.objects.filter(pk=document.pk).update(type_confirmed=True)
    tasks.document_text_extract.call(document.pk)
    document.refresh_from_db()
    assert document.doc_type == "lab_results"


def test_it_marks_a_damaged_pdf_as_failed_without_raising(case):
    document = make_document(case, content=b"%PDF-1.4 broken")
    tasks.document_text_extract.call(document.pk)
    document.refresh_from_db()
    assert document.text_status == "failed"


def test_it_tells_other_apps_when_text_is_ready(case, monkeypatch):
    seen = []
    hooks = Registry("text-ready hooks")
    hooks.register(remember)
    monkeypatch.setattr(tasks, "TEXT_READY_HOOKS", hooks)
    monkeypatch.setattr("tests.records.test_tasks.SEEN", seen, raising=False)
    document = make_document(case, content=pdf_bytes())
    tasks.document_text_extract.call(document.pk)
    assert seen == [document.pk]


SEEN: list = []


def remember(document_pk):
    SEEN.append(document_pk)


def test_an_import_task_delivered_twice_runs_once(case):
    disc_import = DiscImport.objects.create(case=case, source_name="cd.zip", status="done")
    tasks.disc_import_task.call(disc_import.pk)
    disc_import.refresh_from_db()
    assert disc_import.status == "done"


def test_an_import_whose_upload_is_gone_fails_plainly(case):
    disc_import = DiscImport.objects.create(case=case, source_name="cd.zip")
    tasks.disc_import_task.call(disc_import.pk)
    disc_import.refresh_from_db()
    assert disc_import.status == "failed" and "no longer there" in disc_import.error


def test_it_reads_plain_text_files_too(case):
    document = make_document(case, content=b"Medication list:\ntamoxifen 20 mg daily", kind="text")
    tasks.document_text_extract.call(document.pk)
    document.refresh_from_db()
    assert document.text_status == "done" and "tamoxifen" in document.text


def test_a_pathology_report_upload_reaches_the_pathology_reader(
    owner_client, case, django_capture_on_commit_callbacks
):

    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(
            reverse("records:upload", args=[case.public_id]),
            {"files": [SimpleUploadedFile("path.pdf", pdf_bytes())]},
        )
    document = Document.objects.get()
    assert document.doc_type == "pathology_report"
    assert ReportReading.objects.filter(document=document).exists()
