"""Deleting a case and everything it holds, files included."""

from __future__ import annotations

from django.db import transaction


def case_delete(*, case) -> None:
    """Delete the case's rows; stored files are removed once the deletion has committed.

    Apps that store files register a `case_files(case) -> list[storage-name]` in FILE_SOURCES so
    the files can be collected before the rows that point at them are gone.
    """
    from importlib import import_module

    from django.core.files.storage import default_storage

    names: list[str] = []
    for dotted in FILE_SOURCES:
        module_name, func_name = dotted.rsplit(".", 1)
        try:
            module = import_module(module_name)
        except ModuleNotFoundError:
            continue
        names.extend(getattr(module, func_name)(case))
    case.delete()

    def remove_files() -> None:
        for name in names:
            if name and default_storage.exists(name):
                default_storage.delete(name)

    transaction.on_commit(remove_files)


# Apps that keep files add a function here: it returns the storage names of the case's files.
FILE_SOURCES: list[str] = [
    "secondopinion.records.lifecycle.case_files",
    "secondopinion.opinions.lifecycle.case_files",
]
