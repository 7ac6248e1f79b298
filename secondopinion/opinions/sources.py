"""What from the vault can go into a packet, as plain `VaultItem`s.

The records app owns documents and imaging. This module is the one place that reads them for the
packet, so the rest of the opinions app works on plain data. Contract, in order of preference:

1. `secondopinion.records.packet_items(case) -> list[VaultItem-like]` if records provides it
   (objects with the attributes of VaultItem below);
2. otherwise the records models are read directly (`Document` rows with a stored file, a size and
   the SHA-256 computed at upload; DICOM instances with their study and series);
3. when the records app has no models yet, the vault is empty and the packet carries only the
   cover letter and the case summary.
Digests always come from the vault: nothing here reads file bytes.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.core.files.storage import default_storage

from secondopinion.opinions.packet import SourceFile


@dataclass(frozen=True)
class VaultItem:
    key: str  # stable id for include/exclude choices ("doc:<uuid>", "series:<uuid>")
    label: str
    kind: str  # packet.TYPE_FOLDERS key or "imaging"
    files: tuple[SourceFile, ...]
    date: date | None = None
    origin: str = ""

    @property
    def size(self) -> int:
        return sum(f.size for f in self.files)


_KIND_WORDS = [
    ("patholog", "pathology"),
    ("imaging_report", "imaging_report"),
    ("radiolog", "imaging_report"),
    ("lab", "lab"),
    ("genom", "genomic"),
    ("operat", "operative"),
    ("surg", "operative"),
    ("summary", "summary"),
    ("note", "summary"),
    ("letter", "summary"),
    ("treatment", "treatment"),
    ("medication", "treatment"),
]


def kind_for(value: str) -> str:
    value = (value or "").lower().replace(" ", "_")
    for word, kind in _KIND_WORDS:
        if word in value:
            return kind
    return "other"


def _first(obj, *names, default=None):
    for name in names:
        value = getattr(obj, name, None)
        if value not in (None, ""):
            return value
    return default


def _path_for(stored) -> Path | None:
    name = getattr(stored, "name", stored)
    if not name:
        return None
    try:
        return Path(default_storage.path(str(name)))
    except NotImplementedError:  # remote storage: the packet task works on local files only
        return None


def _documents(models, case) -> list[VaultItem]:
    document_model = getattr(models, "Document", None)
    if document_model is None:
        return []
    items = []
    for doc in document_model.objects.filter(case=case):
        kind_value = str(_first(doc, "doc_type", "document_type", "kind", "type", default=""))
        if "imaging_stud" in kind_value.lower() or "agreement" in kind_value.lower():
            continue  # imaging goes in as DICOM series; agreements are the patient's own business
        path = _path_for(_first(doc, "file", "stored_name", "storage_name", "file_name"))
        sha = _first(doc, "sha256", "digest")
        size = _first(doc, "size", "file_size", "byte_size", default=0)
        if path is None or not sha:
            continue
        title = str(_first(doc, "title", "original_name", "filename", "name", default="Document"))
        origin = str(_first(doc, "institution", "source", "origin", default=""))
        when = _first(doc, "document_date", "date")
        key = f"doc:{_first(doc, 'public_id', 'pk')}"
        source = SourceFile(
            source=path,
            size=int(size),
            sha256=str(sha),
            kind=kind_for(kind_value),
            title=Path(title).stem if "." in title[-6:] else title,
            label=title,
            date=when if isinstance(when, date) else None,
            origin=origin,
            extension=Path(str(_first(doc, "original_name", "filename", default=""))).suffix
            or path.suffix,
        )
        items.append(VaultItem(key, title, source.kind, (source,), source.date, origin))
    return items


def _imaging(models, case) -> list[VaultItem]:
    instance_model = _first(models, "DicomInstance", "Instance", "ImagingInstance")
    if instance_model is None:
        return []
    by_series: dict[str, list] = {}
    labels: dict[str, tuple[str, str, date | None]] = {}
    instances = instance_model.objects.filter(series__study__case=case).select_related(
        "series__study"
    )
    for inst in instances.order_by("series__study_id", "series_id", "pk"):
        series, study = inst.series, inst.series.study
        key = f"series:{_first(series, 'public_id', 'pk')}"
        path = _path_for(_first(inst, "file", "stored_name", "storage_name", "file_name"))
        sha = _first(inst, "sha256", "digest")
        if path is None or not sha:
            continue
        study_date = _first(study, "study_date", "date")
        study_label = " ".join(
            str(x)
            for x in (
                study_date or "",
                _first(study, "modality", default=""),
                _first(study, "description", default=""),
            )
            if x
        )
        series_label = " ".join(
            str(x)
            for x in (
                f"Series {_first(series, 'number', 'series_number', default='')}".strip(),
                _first(series, "description", default=""),
            )
            if x
        )
        labels[key] = (
            study_label or "Study",
            series_label or "Series",
            study_date if isinstance(study_date, date) else None,
        )
        by_series.setdefault(key, []).append(
            SourceFile(
                source=path,
                size=int(_first(inst, "size", "file_size", default=0)),
                sha256=str(sha),
                kind="imaging",
                title=str(_first(inst, "original_name", "filename", default=path.name)),
                study=study_label or "Study",
                series=series_label or "Series",
                extension=".dcm",
            )
        )
    return [
        VaultItem(
            key,
            f"{labels[key][0]} · {labels[key][1]} ({len(files)} images)",
            "imaging",
            tuple(files),
            labels[key][2],
            "",
        )
        for key, files in by_series.items()
    ]


def vault_items(case) -> list[VaultItem]:
    """Everything in the case's vault that could go into a packet, documents first."""
    try:
        records = importlib.import_module("secondopinion.records")
        hook = getattr(records, "packet_items", None)
        if hook is not None:
            return list(hook(case))
        models = importlib.import_module("secondopinion.records.models")
    except ModuleNotFoundError:
        return []
    return _documents(models, case) + _imaging(models, case)
