"""The web export ("Download everything"), built as a background job like the packet.

The page starts a `CaseExport`; the `export` job (operations/tasks.py) writes the case's ZIP
(`case_export`) into storage under `exports/<case>/<random>.zip`, naming it in the job's scratch
first, so a run that dies half way leaves nothing the lifecycle does not remove (docs/jobs.md).
A newer export replaces the older ones' files, as a packet does.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from secondopinion.core import vault
from secondopinion.core.jobrules import ThrottledProgress
from secondopinion.core.jobs import LOCAL_PREFIX, job_enqueue, job_scratch_add
from secondopinion.operations.export import case_export
from secondopinion.operations.models import CaseExport

EXPORT_JOB = "export"  # the job kind (core/jobs.py, operations/tasks.py)


def export_start(*, case) -> CaseExport:
    """Queue a new export of the case (it runs once the current transaction commits)."""
    export = CaseExport.objects.create(case=case)
    job_enqueue(EXPORT_JOB, export.pk, case_pk=case.pk)
    return export


def _progress(export: CaseExport) -> ThrottledProgress:
    """Progress saved on the row at most every half second."""
    rows = CaseExport.objects.filter(pk=export.pk)
    return ThrottledProgress(lambda done, total: rows.update(files_done=done, files_total=total))


def export_run(*, export_pk: int) -> CaseExport:
    """Write the ZIP of an export row. Safe to run twice: a finished export is left alone."""
    export = CaseExport.objects.select_related("case").get(pk=export_pk)
    if export.status == CaseExport.Status.DONE:
        return export
    CaseExport.objects.filter(pk=export.pk).update(status=CaseExport.Status.RUNNING, error="")
    name = f"exports/{export.case.public_id}/{uuid.uuid4().hex}.zip"
    target = vault.stored_local_path(name)
    local = target is not None
    if target is None:
        # Object storage: the ZIP is made in the staging folder, then uploaded.
        target = Path(tempfile.mkdtemp(prefix="export-", dir=vault.staging_root())) / "case.zip"
    # What a run that dies half way leaves behind, for the job lifecycle to remove.
    job_scratch_add(EXPORT_JOB, export.pk, name)
    if not local:
        job_scratch_add(EXPORT_JOB, export.pk, f"{LOCAL_PREFIX}{target.parent}")
    try:
        result = case_export(case=export.case, out=target, progress=_progress(export))
        size = target.stat().st_size
        if not local:
            with target.open("rb") as fh:
                name = vault.stored_save(name, fh)
    finally:
        if not local:
            shutil.rmtree(target.parent, ignore_errors=True)
    _older_exports_remove(export)
    CaseExport.objects.filter(pk=export.pk).update(
        status=CaseExport.Status.DONE,
        file_name=name,
        file_size=size,
        file_count=result.files,
        files_done=result.files,
        files_total=result.files,
        finished_at=timezone.now(),
    )
    export.refresh_from_db()
    return export


def _older_exports_remove(export: CaseExport) -> None:
    """Only the newest ZIP is kept: an export is a copy of the whole case, and older copies
    only take space (their rows stay, saying they were replaced)."""
    older = CaseExport.objects.filter(case=export.case).exclude(pk=export.pk).exclude(file_name="")
    names = list(older.values_list("file_name", flat=True))
    older.update(file_name="", file_size=0)

    def files_remove() -> None:
        for name in names:
            vault.stored_delete(name=name)

    transaction.on_commit(files_remove)
