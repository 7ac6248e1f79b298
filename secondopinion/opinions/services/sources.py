"""What from the records vault can go into a packet, as plain `VaultItem`s.

The records app owns documents and imaging (secondopinion/records/models.py). This module is the
one place the opinions app reads them, so everything else works on plain data. Documents become
one item each; imaging becomes one item per series, holding every original DICOM file of that
series. Sizes and digests come from the vault rows (computed once, at upload or import):
nothing here reads file bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePath

from django.db.models import F

from secondopinion.core import vault, words
from secondopinion.opinions.packet import SourceFile
from secondopinion.records.dicom.headers import PatientIdentity
from secondopinion.records.dicom.identity import identity_differences
from secondopinion.records.imports import case_patient
from secondopinion.records.models import INSTANCE_VISIBLE, Document, ImagingInstance

# Types left out unless the patient ticks them: an agreement with a service is between the
# patient and that service, and a reviewer has no need for it.
LEFT_OUT_BY_DEFAULT = {"agreement"}


@dataclass(frozen=True)
class VaultItem:
    key: str  # stable id for include/exclude choices ("doc:<uuid>", "series:<uuid>")
    label: str
    kind: str  # a packet.TYPE_FOLDERS key, or "imaging"
    files: tuple[SourceFile, ...]
    date: date | None = None
    origin: str = ""
    default_included: bool = True

    @property
    def size(self) -> int:
        return sum(f.size for f in self.files)


def _where(stored_name: str) -> dict:
    """Where packet_write reads a stored file: a local path, or (object storage, hosted) a
    function opening a stream, so the copy stays one chunked pass either way."""
    local = vault.stored_local_path(stored_name)
    if local is not None:
        return {"source": local}
    return {"source": Path(stored_name), "opener": lambda: vault.stored_open(stored_name)}


def _documents(case) -> list[VaultItem]:
    items = []
    for doc in Document.objects.filter(case=case).order_by(
        F("document_date").asc(nulls_last=True), "created_at"
    ):
        name = PurePath(doc.original_name)
        source = SourceFile(
            **_where(doc.stored_name),
            size=doc.size,
            sha256=doc.sha256,
            kind=doc.doc_type or "other",
            title=name.stem or "Document",
            label=doc.original_name,
            date=doc.document_date,
            origin=doc.institution,
            extension=name.suffix,
        )
        label = f"{doc.type_label}: {doc.original_name}"
        items.append(
            VaultItem(
                key=f"doc:{doc.public_id}",
                label=label,
                kind=source.kind,
                files=(source,),
                date=doc.document_date,
                origin=doc.institution,
                default_included=doc.doc_type not in LEFT_OUT_BY_DEFAULT,
            )
        )
    return items


def _study_label(study) -> str:
    modality = study.modalities
    if modality and study.description.upper().startswith(modality.upper()):
        modality = ""  # "CT CHEST" already says CT
    parts = [study.study_date.isoformat() if study.study_date else "", modality, study.description]
    return " ".join(p for p in parts if p).strip() or "Imaging study"


def _series_label(series) -> str:
    number = f"Series {series.number}" if series.number is not None else "Series"
    return f"{number} {series.description}".strip()


def _imaging(case) -> list[VaultItem]:
    instances = (
        ImagingInstance.objects.filter(INSTANCE_VISIBLE, case=case)
        .select_related("series__study")
        .order_by(
            "series__study__study_date",
            "series__study_id",
            "series__number",
            "series_id",
            "instance_number",
            "pk",
        )
    )
    patient = case_patient(case)
    grouped: dict[int, list] = {}
    for inst in instances:
        grouped.setdefault(inst.series_id, []).append(inst)
    items = []
    # Two studies (or series) can read the same; number them so they never share a folder.
    study_labels: dict[int, str] = {}
    seen: dict[str, int] = {}
    for members in grouped.values():
        series = members[0].series
        study = series.study
        if study.pk not in study_labels:
            label = _study_label(study)
            seen[label.lower()] = seen.get(label.lower(), 0) + 1
            study_labels[study.pk] = (
                label if seen[label.lower()] == 1 else f"{label} ({seen[label.lower()]})"
            )
        study_label = study_labels[study.pk]
        series_label = _series_label(series)
        key = f"{study_label}/{series_label}".lower()
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            series_label = f"{series_label} ({seen[key]})"
        files = []
        for inst in members:
            leaf = PurePath(inst.original_path.replace("\\", "/")).name or inst.sop_instance_uid
            files.append(
                SourceFile(
                    **_where(inst.stored_name),
                    size=inst.size,
                    sha256=inst.sha256,
                    kind="imaging",
                    title=leaf,
                    label=f"{study_label} / {series_label} / {leaf}",
                    date=study.study_date,
                    origin=study.institution,
                    extension=".dcm",
                    study=study_label,
                    series=series_label,
                )
            )
        count = len(files)
        # A scan naming someone else (a mixed-up disc) stays out until the patient ticks it in.
        differs = identity_differences(
            PatientIdentity(study.patient_name, study.patient_id, study.patient_birth_date),
            patient,
        )
        label = f"Scan images: {study_label}, {series_label} ({words.count(count, 'image')})"
        if differs:
            label += f". Check first: its {' and '.join(differs)} differ from this case's"
        items.append(
            VaultItem(
                key=f"series:{series.public_id}",
                label=label,
                kind="imaging",
                files=tuple(files),
                date=study.study_date,
                origin=study.institution,
                default_included=not differs,
            )
        )
    return items


def vault_items(case) -> list[VaultItem]:
    """Everything in the case's vault that could go into a packet: documents, then scans."""
    return _documents(case) + _imaging(case)
