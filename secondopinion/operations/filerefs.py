"""Which database rows point at stored files, in one list shared by export, backup and the
integrity check.

Each app keeps the storage name of its files in a plain CharField (server-generated names, see
core/vault/), sometimes beside the SHA-256 and size recorded while the bytes were written.
This table says where. `case_files(case)` in each app's lifecycle.py answers "which files does a
case hold" for deletion; this table answers the same question with the digests, for checking.
A test (tests/core/test_filerefs.py) keeps the two in step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist

from secondopinion.records.imports import disc_import_rows_discard


@dataclass(frozen=True)
class FileField:
    """One CharField holding a storage name, with the fields that describe those bytes."""

    model: str  # "app_label.ModelName"
    name_field: str
    sha256_field: str = ""
    size_field: str = ""
    case_path: str = "case"  # ORM path from the model to its Case, for per-case questions

    def model_class(self):
        try:
            model = apps.get_model(self.model)
        except LookupError:
            return None  # that app has no models yet; nothing of it is stored
        try:
            model._meta.get_field(self.name_field)
        except FieldDoesNotExist:
            return None
        return model


FILE_FIELDS: list[FileField] = [
    FileField("records.Document", "stored_name", "sha256", "size"),
    # The untouched upload of a PDF whose active content was removed (kept private).
    FileField(
        "records.Document", "kept_original_name", "kept_original_sha256", "kept_original_size"
    ),
    FileField("records.ImagingInstance", "stored_name", "sha256", "size"),
    FileField("records.ImagingSeries", "preview_name", case_path="study__case"),
    FileField("records.DiscImport", "upload_name"),
    FileField("records.PortalImport", "upload_name"),
    FileField("opinions.PacketBuild", "file_name", size_field="file_size"),
    FileField("opinions.Opinion", "report_name", "report_sha256", "report_size"),
    FileField("opinions.Opinion", "report_kept_name", "report_kept_sha256", "report_kept_size"),
    FileField("operations.CaseExport", "file_name", size_field="file_size"),
]


@dataclass(frozen=True)
class StoredRef:
    """One row's claim that a file exists, and what it should hold."""

    name: str
    model: str
    pk: int
    field: str
    sha256: str = ""
    size: int | None = None
    case_pk: int | None = None


def stored_refs(*, case=None) -> Iterator[StoredRef]:
    """Every (row, file) pair in the installation, or only those of one case."""
    for spec in FILE_FIELDS:
        model = spec.model_class()
        if model is None:
            continue
        fields = ["pk", spec.name_field, spec.case_path]
        if spec.sha256_field:
            fields.append(spec.sha256_field)
        if spec.size_field:
            fields.append(spec.size_field)
        queryset = model.objects.exclude(**{spec.name_field: ""})
        if case is not None:
            queryset = queryset.filter(**{spec.case_path: case})
        for row in queryset.values(*fields).iterator(chunk_size=2000):
            sha256 = (row.get(spec.sha256_field) or "").lower() if spec.sha256_field else ""
            size = row.get(spec.size_field) if spec.size_field else None
            if not size and not sha256:
                size = None  # a default 0 with no digest means "not recorded", not "empty"
            yield StoredRef(
                name=row[spec.name_field],
                model=spec.model,
                pk=row["pk"],
                field=spec.name_field,
                sha256=sha256,
                size=size,
                case_pk=row[fields[2]],
            )


def names_of_objects(objects) -> list[str]:
    """The storage names held by these model instances (used when rows are quarantined)."""
    names = []
    for obj in objects:
        for spec in FILE_FIELDS:  # a model may hold several files (a report and its original)
            if spec.model.lower() == obj._meta.label_lower:
                value = getattr(obj, spec.name_field, "")
                if value:
                    names.append(value)
    return names


@dataclass(frozen=True)
class JobTable:
    """A model whose rows track background work that writes files (imports, packet builds).

    A row left in `running` by a process that died will never move on by itself; the integrity
    check reports it and its repair marks it failed, with a message the patient can act on.
    """

    model: str
    status_field: str = "status"
    running: str = "running"
    failed: str = "failed"
    error_field: str = "error"
    finished_field: str = "finished_at"
    created_field: str = "created_at"
    # Rows the job wrote before it died (kept hidden until it finished): removed when it is
    # marked failed. `(pk) -> None`.
    discard: Callable[[int], None] | None = None


JOB_TABLES: list[JobTable] = [
    JobTable("records.DiscImport", discard=disc_import_rows_discard),
    # Writes all its rows in one transaction: an interrupted one left nothing to discard.
    JobTable("records.PortalImport"),
    JobTable("opinions.PacketBuild"),
    JobTable("operations.CaseExport"),
]
INTERRUPTED_MESSAGE = (
    "This stopped because the app was interrupted. Nothing half-made was kept. "
    "Please start it again."
)
