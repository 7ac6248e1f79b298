"""The records app calls the pathology hook when a report's text is ready."""

from secondopinion.pathology import facts
from secondopinion.pathology.models import ReportReading
from secondopinion.pathology.tasks import pathology_extract_document, pathology_text_ready
from secondopinion.records.tasks import TEXT_READY_HOOKS
from tests.pathology.helpers import make_report


def test_it_is_registered_with_the_records_app():
    assert pathology_text_ready in TEXT_READY_HOOKS


def test_the_hook_reads_pathology_reports(case, django_capture_on_commit_callbacks):
    doc = make_report(case, read=False)
    with django_capture_on_commit_callbacks(execute=True):
        pathology_text_ready(doc.pk)
    assert ReportReading.objects.get(document=doc).facts.filter(field="pT").exists()


def test_the_hook_ignores_other_documents(case, django_capture_on_commit_callbacks):
    doc = make_report(case, read=False)
    doc.doc_type = "lab_results"
    doc.save()
    with django_capture_on_commit_callbacks(execute=True):
        pathology_text_ready(doc.pk)
    assert not ReportReading.objects.filter(document=doc).exists()


def test_the_task_is_safe_for_a_missing_document(db):
    pathology_extract_document.call(123456)


def test_a_failure_is_recorded_without_health_details_in_the_log(case, monkeypatch, caplog):
    doc = make_report(case, read=False)

    def boom(*, document):
        raise RuntimeError("Invasive ductal carcinoma pT2")

    monkeypatch.setattr(facts, "reading_run", boom)
    pathology_extract_document.call(doc.pk)
    reading = ReportReading.objects.get(document=doc)
    assert reading.status == ReportReading.Status.FAILED
    assert "carcinoma" not in caplog.text
