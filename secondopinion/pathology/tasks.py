"""Background reading of pathology reports. Tasks take ids and are safe to run twice."""

from __future__ import annotations

import logging

from django.db import transaction
from django_tasks import task

from secondopinion.pathology import facts
from secondopinion.records.models import Document

log = logging.getLogger(__name__)


@task()
def pathology_extract_document(document_pk: int) -> None:
    """Read the facts of one pathology report (called when its text is ready)."""
    document = Document.objects.filter(pk=document_pk).first()
    if document is None:
        return
    try:
        facts.reading_run(document=document)
    except Exception as exc:  # noqa: BLE001 - the page shows the failure; the task must not loop
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
    transaction.on_commit(lambda: pathology_extract_document.enqueue(document_pk))
