"""Background reading of pathology reports. Tasks take ids and are safe to run twice."""

from __future__ import annotations

import logging

from django_tasks import task

from secondopinion.core.jobrules import is_transient
from secondopinion.core.jobs import JobKind, job_enqueue, job_run
from secondopinion.pathology import facts
from secondopinion.records.models import Document

log = logging.getLogger(__name__)
PATHOLOGY = "pathology"  # the job kind (core/jobs.py)


@task()
def pathology_extract_document(document_pk: int) -> None:
    """Read the facts of one pathology report (called when its text is ready)."""
    with job_run(PATHOLOGY, document_pk) as go:
        if go:
            _extract(document_pk)


def _extract(document_pk: int) -> None:
    document = Document.objects.filter(pk=document_pk).first()
    if document is None:
        return
    try:
        facts.reading_run(document=document)
    except Exception as exc:  # noqa: BLE001 - the page shows the failure; the task must not loop
        if is_transient(exc):
            raise  # a busy database: the job lifecycle tries again later
        # No health details in logs (an exception message could quote the report): the id and
        # the kind of error are enough to find it.
        log.error("pathology reading failed for document %s (%s)", document_pk, type(exc).__name__)
        facts.reading_fail(
            document=document, message="Something went wrong while reading the report."
        )


def pathology_text_ready(document_pk: int) -> None:
    """Hook for the records app (records.tasks.TEXT_READY_HOOKS): a document's text is ready."""
    if Document.objects.filter(pk=document_pk, doc_type="pathology_report").exists():
        pathology_extract_enqueue(document_pk)


def pathology_extract_enqueue(document_pk: int) -> None:
    job_enqueue(PATHOLOGY, document_pk)


def _fail(document_pk: int, message: str) -> None:
    document = Document.objects.filter(pk=document_pk).first()
    if document is not None:
        facts.reading_fail(document=document, message=message)


def _requeue(document_pk: int) -> bool:
    return Document.objects.filter(pk=document_pk).exists()


def _case_of(document_pk: int) -> int | None:
    return Document.objects.filter(pk=document_pk).values_list("case_id", flat=True).first()


def job_kind() -> JobKind:
    return JobKind(
        name=PATHOLOGY,
        task=pathology_extract_document,
        on_fail=_fail,
        requeue=_requeue,
        case_of=_case_of,
        fail_message="Something went wrong while reading the report. Please press Try again.",
    )
