"""Background work for the operations app: the web export. Tasks take ids and can run twice."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from secondopinion.core.jobs import JobKind, job_run
from secondopinion.operations.exporting import EXPORT_JOB, export_run
from secondopinion.operations.models import CaseExport


@task()
def case_export_task(export_pk: int) -> None:
    with job_run(EXPORT_JOB, export_pk) as go:
        if go:
            export_run(export_pk=export_pk)


def _fail(export_pk: int, message: str) -> None:
    CaseExport.objects.filter(pk=export_pk).exclude(status=CaseExport.Status.DONE).update(
        status=CaseExport.Status.FAILED, error=message, finished_at=timezone.now()
    )


def _requeue(export_pk: int) -> bool:
    return bool(
        CaseExport.objects.filter(pk=export_pk)
        .exclude(status=CaseExport.Status.DONE)
        .update(status=CaseExport.Status.QUEUED, error="", files_done=0, finished_at=None)
    )


def _case_of(export_pk: int) -> int | None:
    return CaseExport.objects.filter(pk=export_pk).values_list("case_id", flat=True).first()


def job_kind() -> JobKind:
    return JobKind(
        name=EXPORT_JOB,
        task=case_export_task,
        on_fail=_fail,
        requeue=_requeue,
        case_of=_case_of,
        fail_message=(
            "The ZIP file could not be made because of an unexpected problem. "
            "Please press Try again."
        ),
    )
