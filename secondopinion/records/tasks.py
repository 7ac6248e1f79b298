"""Background work for the records vault. Tasks take ids and are safe to run twice."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django_tasks import task

from secondopinion import ocr
from secondopinion.core.jobrules import is_transient
from secondopinion.core.jobs import job_enqueue, job_local_copy, job_run
from secondopinion.core.registry import Registry
from secondopinion.core.textcodec import text_decode
from secondopinion.records import detect
from secondopinion.records.imports import disc_import_run
from secondopinion.records.models import DiscImport, Document, TextStatus

log = logging.getLogger(__name__)

# Other apps react to a document whose text is ready by registering a function
# `(document_pk: int) -> None` here from their AppConfig.ready() (the pathology app extracts facts
# from pathology reports). Each is called after the text is saved, and again when the patient
# changes the type.
TEXT_READY_HOOKS: Registry[Callable[[int], None]] = Registry("text-ready hooks")
TEXT_KINDS = ("pdf", "text", "image")
MAX_TEXT_CHARS = 2_000_000


class OcrRefused(Exception):
    """The scan cannot be read; the message is for the patient."""


def _needs_ocr(text: str) -> bool:
    return sum(ch.isalnum() for ch in text) < 20  # the same test as "no text layer"


def _ocr_text(document_pk: int, path) -> str:
    """Read a scan page by page, saving progress on the document; "" when nothing was read."""

    def progress(done: int, total: int) -> None:
        Document.objects.filter(pk=document_pk).update(text_pages_done=done, text_pages_total=total)

    try:
        result = ocr.ocr_file(path, max_pages=settings.OCR_MAX_PAGES, progress=progress)
    except ocr.OcrError as exc:
        raise OcrRefused(str(exc)) from exc
    Document.objects.filter(pk=document_pk).update(
        text_source="ocr", text_note=result.message[:300]
    )
    return result.text


def text_ready_notify(document_pk: int) -> None:
    for hook in TEXT_READY_HOOKS:
        hook(document_pk)


@task()
def document_text_extract(document_pk: int) -> None:
    """Read the text of a PDF or text file so it can be searched and recognised."""
    with job_run("text", document_pk) as go:
        if go:
            _text_extract(document_pk)


def _text_extract(document_pk: int) -> None:
    document = Document.objects.filter(pk=document_pk).first()
    if document is None or document.kind not in TEXT_KINDS:
        return
    try:
        # pypdf needs a seekable file: on object storage, a temporary local copy.
        with job_local_copy("text", document_pk, document.stored_name) as path:
            if document.kind == "pdf":
                text = detect.pdf_text(path)
                if _needs_ocr(text):
                    text = _ocr_text(document_pk, path)
            elif document.kind == "image":
                text = _ocr_text(document_pk, path)
            else:
                with open(path, "rb") as fh:
                    text = text_decode(fh.read(MAX_TEXT_CHARS), partial=True) or ""
    except OcrRefused as exc:
        Document.objects.filter(pk=document_pk).update(
            text_status=TextStatus.FAILED, text_source="ocr", text_note=str(exc)[:300]
        )
        text_ready_notify(document_pk)
        return
    except Exception as exc:  # noqa: BLE001 - a damaged PDF must not retry forever; its status says so
        if is_transient(exc):
            raise  # the database or storage was busy: the job lifecycle tries again later
        log.warning("text extraction failed for document %s", document.pk)  # no health details
        Document.objects.filter(pk=document_pk).update(text_status=TextStatus.FAILED)
        return
    text = text.replace("\x00", "")
    updates: dict[str, Any] = {"text": text, "text_status": TextStatus.DONE}
    # No words (a blank scan): keep the type. A type from the record's own code stays too.
    if not document.type_confirmed and document.type_source != "code" and text.strip():
        suggested = detect.type_suggest(text)
        updates["suggested_type"] = suggested
        updates["doc_type"] = suggested
        when = detect.date_suggest(text)
        if when and not document.document_date:
            updates["suggested_date"] = when
            updates["document_date"] = when
    Document.objects.filter(pk=document_pk).update(**updates)
    text_ready_notify(document_pk)


@task()
def disc_import_task(disc_import_pk: int) -> None:
    """Import an uploaded CD ZIP; progress and the result are kept on the DiscImport row."""
    with job_run("cd_import", disc_import_pk) as go:
        if go:
            _disc_import(disc_import_pk)


def _disc_import(disc_import_pk: int) -> None:
    disc_import = DiscImport.queued_for_run(disc_import_pk)
    if disc_import is None:
        return
    try:
        # On object storage the ZIP is fetched to a local file first (zipfile needs to seek).
        with job_local_copy("cd_import", disc_import_pk, disc_import.upload_name) as source:
            disc_import_run(disc_import=disc_import, source=source)
    except FileNotFoundError:
        if disc_import.status != DiscImport.Status.QUEUED:
            raise  # the import itself failed (and cleaned up); not a missing upload
        DiscImport.objects.filter(pk=disc_import_pk).update(
            status=DiscImport.Status.FAILED, error="The uploaded file is no longer there."
        )


def document_text_enqueue(document: Document) -> None:
    job_enqueue("text", document.pk, case_pk=document.case_id)


def disc_import_enqueue(disc_import: DiscImport) -> None:
    job_enqueue("cd_import", disc_import.pk, case_pk=disc_import.case_id)
