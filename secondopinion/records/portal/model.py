"""What a patient-portal download holds, as plain data (no Django).

Every item keeps where it came from (`source`: the file inside the download, and the FHIR
resource id or the CDA path), and an `identity`: what makes it the same item when the same
download, or an overlapping one, is imported again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


class PortalRefused(Exception):
    """The whole download is refused; `message` is plain words for the patient."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Limits:
    """Bounds on one download; every one is a plain refusal, never a crash or a stall."""

    max_bytes: int = 100 * 1024 * 1024  # one XML or JSON file
    max_resources: int = 100_000  # FHIR resources (or CDA entries) in one download
    max_documents: int = 500
    max_document_bytes: int = 50 * 1024 * 1024  # one decoded attachment
    max_line_bytes: int = 64 * 1024 * 1024  # one NDJSON line
    max_json_depth: int = 64


@dataclass(frozen=True)
class Source:
    file: str  # the file inside the download (or the download's own name)
    ref: str  # "Condition/123", or a CDA path such as "/ClinicalDocument/component[1]/..."

    def label(self) -> str:
        return f"{self.file}: {self.ref}" if self.ref else self.file


@dataclass(frozen=True)
class DocumentMeta:
    """What a record says about an attached document, before its bytes are checked."""

    title: str
    code: str  # LOINC, when given
    content_type: str  # as declared
    date: str
    source: Source
    lab: bool = False  # a laboratory report (FHIR category LAB), when the code says nothing


@dataclass(frozen=True)
class PortalDocument:
    title: str
    doc_type: str  # one of records.detect.DOCUMENT_TYPES
    code: str  # LOINC, when the record gave one
    content_type: str  # as the record declares it (checked against the bytes later)
    path: Path  # the bytes, spooled to a temporary file (never held in memory)
    date: str  # ISO date (YYYY-MM-DD) or ""
    source: Source
    identity: str


@dataclass(frozen=True)
class PortalCondition:
    text: str
    code: str
    system: str  # "SNOMED CT", "ICD-10-CM", ... ("" when uncoded)
    cancer: bool
    cancer_type: str  # a case cancer-type code ("breast", ...) when recognised, else ""
    date: str
    source: Source
    identity: str


@dataclass(frozen=True)
class PortalMedication:
    name: str
    code: str  # RxNorm when given
    system: str
    cancer_drug: str  # the generic name in the oncology drug table, or ""
    modality: str  # chemotherapy, endocrine, ... (from the same table) or ""
    date: str
    source: Source
    identity: str


@dataclass(frozen=True)
class PortalProcedure:
    name: str
    code: str
    system: str
    category: str  # surgery, radiation, other
    date: str
    source: Source
    identity: str


@dataclass(frozen=True)
class PortalObservation:
    field: str  # a pathology fact field (pT, stage_group, er, ...) or "" for other results
    name: str
    code: str  # LOINC
    value: str  # as the report states it, normalised ("T2", "IIA", "positive")
    date: str
    source: Source
    identity: str


@dataclass(frozen=True)
class PortalPatient:
    name: str  # "Given Family", as people write it
    family: str
    given: str
    birth_date: str  # YYYY-MM-DD or ""
    source: Source


@dataclass
class PortalRead:
    """Everything read from one download. `skipped` maps a plain reason to how many."""

    format: str = ""  # ccda, xdm, fhir-bundle, fhir-files, ndjson
    documents: list[PortalDocument] = field(default_factory=list)
    conditions: list[PortalCondition] = field(default_factory=list)
    medications: list[PortalMedication] = field(default_factory=list)
    procedures: list[PortalProcedure] = field(default_factory=list)
    observations: list[PortalObservation] = field(default_factory=list)
    patients: list[PortalPatient] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    resources: int = 0
    _seen: set[str] = field(default_factory=set, repr=False)

    def skip(self, reason: str, count: int = 1) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + count

    def first_time(self, identity: str) -> bool:
        """False for an item this download already gave (the same resource twice)."""
        if identity in self._seen:
            return False
        self._seen.add(identity)
        return True

    def skipped_list(self) -> list[str]:
        return [f"{reason} ({count:,})" for reason, count in sorted(self.skipped.items())]
