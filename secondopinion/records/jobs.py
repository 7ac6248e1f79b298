"""The records vault's three kinds of background job, in the job lifecycle (core/jobs.py): reading
a document's text (OCR of a scan included), importing a CD (previews included) and importing a
patient-portal download.

Each says how a failure shows on its object (`on_fail`) and how the object waits again for
Try again (`requeue`).
"""

from __future__ import annotations

from django.utils import timezone

from secondopinion.core import vault
from secondopinion.core.jobs import JobKind
from secondopinion.records.imports import disc_import_rows_discard
from secondopinion.records.models import DiscImport, Document, PortalImport, TextStatus
from secondopinion.records.portal_import import PORTAL_IMPORT
from secondopinion.records.portal_tasks import portal_import_task
from secondopinion.records.tasks import disc_import_task, document_text_extract

TEXT = "text"
CD_IMPORT = "cd_import"


def _document_case(pk: int) -> int | None:
    return Document.objects.filter(pk=pk).values_list("case_id", flat=True).first()


def text_fail(pk: int, message: str) -> None:
    Document.objects.filter(pk=pk).update(text_status=TextStatus.FAILED, text_note=message[:300])


def text_requeue(pk: int) -> bool:
    return bool(
        Document.objects.filter(pk=pk).update(
            text_status=TextStatus.PENDING, text_note="", text_pages_done=0, text_pages_total=0
        )
    )


def _import_case(pk: int) -> int | None:
    return DiscImport.objects.filter(pk=pk).values_list("case_id", flat=True).first()


def import_fail(pk: int, message: str) -> None:
    """A dead or timed-out import: its hidden rows and their files go, the page says why. The
    uploaded ZIP stays, so Try again can import it."""
    disc_import_rows_discard(pk)
    DiscImport.objects.filter(pk=pk).exclude(status=DiscImport.Status.DONE).update(
        status=DiscImport.Status.FAILED, error=message, finished_at=timezone.now()
    )


def _run_requeue(model: type[DiscImport] | type[PortalImport], pk: int, **reset: int) -> bool:
    """An unfinished CD or portal import back to waiting, when its upload is still there; a
    folder read from the command line has none, and cannot be started again from the page."""
    run = model.objects.filter(pk=pk).first()
    if run is None or run.status == model.Status.DONE:
        return False
    if not run.upload_name or not vault.stored_exists(run.upload_name):
        return False
    model.objects.filter(pk=pk).update(
        status=model.Status.QUEUED, error="", finished_at=None, **reset
    )
    return True


def import_requeue(pk: int) -> bool:
    return _run_requeue(DiscImport, pk, bytes_done=0)


def _portal_case(pk: int) -> int | None:
    return PortalImport.objects.filter(pk=pk).values_list("case_id", flat=True).first()


def portal_fail(pk: int, message: str) -> None:
    """A dead or timed-out portal import: it wrote no rows (they are written in one transaction),
    and its files go with the job's scratch. The download stays, so Try again can read it."""
    PortalImport.objects.filter(pk=pk).exclude(status=PortalImport.Status.DONE).update(
        status=PortalImport.Status.FAILED, error=message, finished_at=timezone.now()
    )


def portal_requeue(pk: int) -> bool:
    """Refused files and records the patient said were someone else's are deleted at once, so
    only a download that may yet import can be started again."""
    return _run_requeue(PortalImport, pk)


def kinds() -> list[JobKind]:
    return [
        JobKind(
            name=TEXT,
            task=document_text_extract,
            on_fail=text_fail,
            requeue=text_requeue,
            case_of=_document_case,
            fail_message="We could not read the text of this record. Please press Try again.",
        ),
        JobKind(
            name=CD_IMPORT,
            task=disc_import_task,
            on_fail=import_fail,
            requeue=import_requeue,
            case_of=_import_case,
            fail_message=(
                "The import stopped because of an unexpected problem. Nothing was kept. "
                "Please press Try again."
            ),
        ),
        JobKind(
            name=PORTAL_IMPORT,
            task=portal_import_task,
            on_fail=portal_fail,
            requeue=portal_requeue,
            case_of=_portal_case,
            fail_message=(
                "Reading your portal records stopped because of an unexpected problem. "
                "Nothing was kept. Please press Try again."
            ),
        ),
    ]
