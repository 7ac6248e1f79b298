"""The background task that reads an uploaded patient-portal download.

It has its own module because it runs `portal_import.portal_import_run`, which adds documents
through `records.documents`, which queues text reading from `records.tasks`: a task module imports
the service it runs, so this one sits above them all (docs/architecture.md). It runs as the job
kind `portal_import` (records/jobs.py, docs/jobs.md).
"""

from __future__ import annotations

from django_tasks import task

from secondopinion.core.jobs import job_enqueue, job_local_copy, job_run
from secondopinion.records.models import PortalImport
from secondopinion.records.portal_import import PORTAL_IMPORT, portal_import_run


@task()
def portal_import_task(portal_import_pk: int) -> None:
    """Read an uploaded patient-portal download; the result is kept on the PortalImport row."""
    with job_run(PORTAL_IMPORT, portal_import_pk) as go:
        if go:
            _portal_import(portal_import_pk)


def _portal_import(portal_import_pk: int) -> None:
    portal_import = PortalImport.queued_for_run(portal_import_pk)
    if portal_import is None:
        return
    # On object storage the download's temporary copy is named in the job's scratch, so a run
    # killed while it holds the copy leaves nothing in the staging folder.
    with job_local_copy(PORTAL_IMPORT, portal_import_pk, portal_import.upload_name) as source:
        portal_import_run(portal_import=portal_import, source=source)


def portal_import_enqueue(portal_import: PortalImport) -> None:
    """Start (or start again) the import once the current transaction commits."""
    job_enqueue(PORTAL_IMPORT, portal_import.pk, case_pk=portal_import.case_id)
