"""Background work for the opinions app. Tasks take ids and can run twice safely."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from secondopinion.core.jobs import JobKind, job_run
from secondopinion.opinions.models import PacketBuild
from secondopinion.opinions.services.packet_build import PACKET_JOB, packet_run


@task()
def packet_build_task(build_pk: int) -> None:
    with job_run(PACKET_JOB, build_pk) as go:
        if go:
            packet_run(build_pk=build_pk)


def _fail(build_pk: int, message: str) -> None:
    PacketBuild.objects.filter(pk=build_pk).exclude(status=PacketBuild.Status.DONE).update(
        status=PacketBuild.Status.FAILED, error=message, finished_at=timezone.now()
    )


def _requeue(build_pk: int) -> bool:
    return bool(
        PacketBuild.objects.filter(pk=build_pk)
        .exclude(status=PacketBuild.Status.DONE)
        .update(status=PacketBuild.Status.QUEUED, error="", bytes_done=0, finished_at=None)
    )


def _case_of(build_pk: int) -> int | None:
    return PacketBuild.objects.filter(pk=build_pk).values_list("case_id", flat=True).first()


def job_kind() -> JobKind:
    return JobKind(
        name=PACKET_JOB,
        task=packet_build_task,
        on_fail=_fail,
        requeue=_requeue,
        case_of=_case_of,
        fail_message=(
            "The packet could not be made because of an unexpected problem. Please press Try again."
        ),
    )
