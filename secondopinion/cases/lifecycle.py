"""Deleting a case and everything it holds, files included."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction

from secondopinion.core import vault
from secondopinion.core.models import Job
from secondopinion.core.registry import Registry

# Apps that keep files register a `case_files(case) -> list[storage-name]` here from their
# AppConfig.ready() (records and opinions do), so the files can be collected before the rows that
# point at them are gone.
FILE_SOURCES: Registry[Callable[[Any], list[str]]] = Registry("case file sources")


def case_delete(*, case) -> None:
    """Delete the case's rows; stored files are removed once the deletion has committed."""
    names: list[str] = []
    for source in FILE_SOURCES:
        names.extend(source(case))
    Job.objects.filter(case_pk=case.pk).delete()  # no foreign key (core is below cases)
    case.delete()

    def remove_files() -> None:
        for name in names:
            vault.stored_delete(name=name)

    transaction.on_commit(remove_files)
