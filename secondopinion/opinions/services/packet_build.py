"""What goes in a packet and the build itself (run by `opinions.tasks.packet_build_task`): the
chosen vault files as `SourceFile`s, the cover letter and case summary, written by the pure
`opinions/packet.py` into the vault (`core/vault`)."""

from __future__ import annotations

import shutil
import tempfile
import uuid
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from secondopinion.core import vault
from secondopinion.core.jobrules import ThrottledProgress
from secondopinion.core.jobs import LOCAL_PREFIX, job_scratch_add
from secondopinion.core.words import doctor_name
from secondopinion.opinions import pdfs
from secondopinion.opinions.models import PacketBuild
from secondopinion.opinions.packet import GeneratedFile, PacketError, packet_write
from secondopinion.opinions.services.sources import VaultItem, vault_items
from secondopinion.opinions.services.summary import case_goals, case_identity, case_summary_data

PACKET_JOB = "packet"  # the job kind (core/jobs.py, opinions/tasks.py)


def packet_preview(*, case, excluded: list[str] | None = None) -> list[tuple[VaultItem, bool]]:
    """Each vault item with whether it will be included (`excluded=None`: our defaults)."""
    items = vault_items(case)
    if excluded is None:
        return [(item, item.default_included) for item in items]
    left_out = set(excluded)
    return [(item, item.key not in left_out) for item in items]


def packet_default_excluded(*, case) -> list[str]:
    return [item.key for item, included in packet_preview(case=case) if not included]


def _generated(case, service, items: list[VaultItem]) -> list[GeneratedFile]:
    reviewer = doctor_name(service.doctor_name)
    question = (
        f"Please review my diagnosis and the plan my doctor offered: {case.first_plan.strip()}"
        if case.first_plan.strip()
        else "Please review my diagnosis and the treatment plan I was offered."
    )
    data = case_summary_data(case)
    summary = "Case summary (1 to 2 pages)"
    if data.portal:  # only when the summary has the section the letter points to
        summary += ", with what my patient portal records say"
    enclosed = [summary] + [item.label for item in items]
    contact = case.owner.email
    cover = pdfs.CoverLetter(
        patient_name=case.full_name,
        patient_contact=contact,
        identity=case_identity(case),
        service_name=service.name,
        reviewer_name=reviewer,
        reviewer_employer=service.doctor_institution,
        question=question,
        goals=case_goals(case),
        enclosed=enclosed,
        written_on=timezone.localdate(),
    )
    return [
        GeneratedFile(
            "00 Cover letter.pdf", pdfs.cover_letter_pdf(cover), "cover_letter", "Cover letter"
        ),
        GeneratedFile(
            "01 Case summary.pdf",
            pdfs.case_summary_pdf(data),
            "case_summary",
            "Case summary",
        ),
    ]


def _progress(build: PacketBuild) -> ThrottledProgress:
    """Progress saved on the row at most every half second."""
    rows = PacketBuild.objects.filter(pk=build.pk)
    return ThrottledProgress(lambda done, total: rows.update(bytes_done=done, bytes_total=total))


def packet_run(*, build_pk: int) -> PacketBuild:
    """Make the packet for a build row. Safe to run twice: a finished build is left alone."""
    build = PacketBuild.objects.select_related("case__owner", "service").get(pk=build_pk)
    if build.status == PacketBuild.Status.DONE:
        return build
    PacketBuild.objects.filter(pk=build.pk).update(status=PacketBuild.Status.RUNNING, error="")
    case, service = build.case, build.service
    items = [
        item for item, included in packet_preview(case=case, excluded=build.excluded) if included
    ]
    files = [f for item in items for f in item.files]
    name = f"packets/{case.public_id}/{uuid.uuid4().hex}.zip"
    try:
        generated = _generated(case, service, items)
        meta = {"service": service.name, "reviewer": service.doctor_name}
        target = vault.stored_local_path(name)
        local = target is not None
        if target is None:
            # Object storage: the ZIP is made in the staging folder, then uploaded.
            target = (
                Path(tempfile.mkdtemp(prefix="packet-", dir=vault.staging_root())) / "packet.zip"
            )
        # What a run that dies half way leaves behind, for the job lifecycle to remove.
        job_scratch_add(PACKET_JOB, build.pk, name)
        if not local:
            job_scratch_add(PACKET_JOB, build.pk, f"{LOCAL_PREFIX}{target.parent}")
        try:
            result = packet_write(
                out=target, files=files, generated=generated, meta=meta, progress=_progress(build)
            )
            if not local:
                with target.open("rb") as fh:
                    name = vault.stored_save(name, fh)
        finally:
            if not local:
                shutil.rmtree(target.parent, ignore_errors=True)
    except PacketError as exc:
        PacketBuild.objects.filter(pk=build.pk).update(
            status=PacketBuild.Status.FAILED, error=str(exc), finished_at=timezone.now()
        )
        build.refresh_from_db()
        return build
    _older_packets_remove(build)
    PacketBuild.objects.filter(pk=build.pk).update(
        status=PacketBuild.Status.DONE,
        file_name=name,
        file_size=result.bytes_written,
        file_count=result.files,
        bytes_done=sum(f.size for f in files),
        finished_at=timezone.now(),
    )
    build.refresh_from_db()
    return build


def _older_packets_remove(build: PacketBuild) -> None:
    """A new packet replaces the older ones for the same service: their files go (a packet is
    a copy of the vault, and stale copies only take space); their rows stay as history."""
    older = PacketBuild.objects.filter(case=build.case, service=build.service).exclude(pk=build.pk)
    names = list(older.exclude(file_name="").values_list("file_name", flat=True))
    older.exclude(file_name="").update(file_name="", file_size=0)

    def files_remove() -> None:
        for name in names:
            vault.stored_delete(name=name)

    transaction.on_commit(files_remove)
