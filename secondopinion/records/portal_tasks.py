"""The background task that reads an uploaded patient-portal download.

It has its own module because it runs `portal_import.portal_import_run`, which adds documents
through `records.documents`, which queues text reading from `records.tasks`: a task module imports
the service it runs, so this one sits above them all (docs/architecture.md).
"""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from secondopinion.core.vault import local_copy
from secondopinion.records.models import PortalImport
from secondopinion.records.portal_import import portal_import_run


@task()
def portal_import_task(portal_import_pk: int) -> None:
    """Read an uploaded patient-portal download; the result is kept on the PortalImport row."""
    portal_import = PortalImport.queued_for_run(portal_import_pk)
    if portal_import is None:
        return
    with local_copy(portal_import.upload_name) as source:
        portal_import_run(portal_import=portal_import, source=source)


def portal_import_enqueue(portal_import: PortalImport) -> None:
    transaction.on_commit(lambda: portal_import_task.enqueue(portal_import.pk))
