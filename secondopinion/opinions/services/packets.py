"""Asking for a packet and finding the latest one. The build runs in the background
(`opinions.tasks.packet_build_task` -> `packet_build.packet_run`)."""

from __future__ import annotations

from django.db.models import Max

from secondopinion.core.jobs import job_enqueue
from secondopinion.opinions.models import PacketBuild
from secondopinion.opinions.services.packet_build import PACKET_JOB, packet_default_excluded
from secondopinion.records.models import Document, ImagingStudy


def packet_request(*, case, service, excluded: list[str] | None = None) -> PacketBuild:
    """Record a packet build and start it in the background once the row is committed."""
    if excluded is None:
        excluded = packet_default_excluded(case=case)
    build = PacketBuild.objects.create(case=case, service=service, excluded=list(excluded))
    job_enqueue(PACKET_JOB, build.pk, case_pk=case.pk)
    return build


def vault_changed_at(case):
    """When a record was last added to the vault (None if empty): a packet older than this
    is missing something."""

    times = [
        Document.objects.filter(case=case).aggregate(t=Max("created_at"))["t"],
        ImagingStudy.objects.visible().filter(case=case).aggregate(t=Max("created_at"))["t"],
    ]
    return max((t for t in times if t), default=None)


def packet_latest(*, case, service) -> PacketBuild | None:
    return (
        PacketBuild.objects.filter(case=case, service=service, status=PacketBuild.Status.DONE)
        .order_by("-created_at")
        .first()
    )
