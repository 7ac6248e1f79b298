"""The index of one disc: studies -> series -> instances, and what was skipped. No Django here."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from secondopinion.records.dicom.headers import InstanceHeader, PatientIdentity, da_parse


@dataclass
class InstanceEntry:
    sop_instance_uid: str
    path: str
    size: int
    instance_number: int | None = None
    position_z: float | None = None
    sha256: str = ""
    stored_name: str = ""
    transfer_syntax: str = ""
    rows: int = 0
    columns: int = 0
    frames: int = 1


@dataclass
class SeriesEntry:
    uid: str
    description: str = ""
    modality: str = ""
    body_part: str = ""
    number: int | None = None
    instances: list[InstanceEntry] = field(default_factory=list)

    @property
    def image_count(self) -> int:
        return len(self.instances)

    def instances_ordered(self) -> list[InstanceEntry]:
        """Slices in anatomical order when positions are known, else by instance number."""
        if all(i.position_z is not None for i in self.instances):
            return sorted(self.instances, key=lambda i: (i.position_z, i.instance_number or 0))
        return sorted(
            self.instances,
            key=lambda i: (i.instance_number is None, i.instance_number or 0, i.path),
        )

    def middle_instance(self) -> InstanceEntry | None:
        ordered = self.instances_ordered()
        return ordered[len(ordered) // 2] if ordered else None


@dataclass
class StudyEntry:
    uid: str
    patient: PatientIdentity
    date: str = ""
    description: str = ""
    institution: str = ""
    accession_number: str = ""
    series: dict[str, SeriesEntry] = field(default_factory=dict)

    @property
    def modalities(self) -> list[str]:
        return sorted({s.modality for s in self.series.values() if s.modality})

    @property
    def image_count(self) -> int:
        return sum(s.image_count for s in self.series.values())

    def date_value(self) -> datetime.date | None:  # the class has a `date` field of its own
        return da_parse(self.date)


@dataclass
class Skipped:
    path: str
    size: int
    reason: str


@dataclass
class DiscIndex:
    """Everything found on one disc or ZIP."""

    studies: dict[str, StudyEntry] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)
    skipped_bytes: int = 0
    directory_files: int = 0
    duplicates: int = 0
    problems: list[Skipped] = field(default_factory=list)

    @property
    def instance_count(self) -> int:
        return sum(s.image_count for s in self.studies.values())

    @property
    def series_count(self) -> int:
        return sum(len(s.series) for s in self.studies.values())

    @property
    def imported_bytes(self) -> int:
        return sum(
            i.size
            for st in self.studies.values()
            for se in st.series.values()
            for i in se.instances
        )

    def has_instance(self, sop_instance_uid: str) -> bool:
        return sop_instance_uid in self._sop_seen

    def __post_init__(self) -> None:
        self._sop_seen: set[str] = set()

    def known_add(self, sop_instance_uids: Iterable[str]) -> None:
        """Images already held elsewhere (e.g. the case's vault): seen again, they are duplicates."""
        self._sop_seen.update(sop_instance_uids)

    def add(
        self,
        header: InstanceHeader,
        *,
        path: str,
        size: int,
        sha256: str = "",
        stored_name: str = "",
    ) -> bool:
        """Add one image; returns False (and counts a duplicate) for an image already indexed."""
        if header.sop_instance_uid in self._sop_seen:
            self.duplicates += 1
            self.skip(path=path, size=size, reason="the same image appears twice on the disc")
            return False
        self._sop_seen.add(header.sop_instance_uid)
        study = self.studies.get(header.study_uid)
        if study is None:
            study = StudyEntry(
                uid=header.study_uid,
                patient=header.patient,
                date=header.study_date,
                description=header.study_description,
                institution=header.institution,
                accession_number=header.accession_number,
            )
            self.studies[header.study_uid] = study
        series = study.series.get(header.series_uid)
        if series is None:
            series = SeriesEntry(
                uid=header.series_uid,
                description=header.series_description,
                modality=header.modality,
                body_part=header.body_part,
                number=header.series_number,
            )
            study.series[header.series_uid] = series
        series.instances.append(
            InstanceEntry(
                sop_instance_uid=header.sop_instance_uid,
                path=path,
                size=size,
                instance_number=header.instance_number,
                position_z=header.position_z,
                sha256=sha256,
                stored_name=stored_name,
                transfer_syntax=header.transfer_syntax,
                rows=header.rows,
                columns=header.columns,
                frames=header.frames,
            )
        )
        return True

    def skip(self, *, path: str, size: int, reason: str) -> None:
        self.skipped.append(Skipped(path=path, size=size, reason=reason))
        self.skipped_bytes += size

    def problem(self, *, path: str, size: int, reason: str) -> None:
        """A file that looked like a scan but was refused; shown to the patient by name."""
        self.problems.append(Skipped(path=path, size=size, reason=reason))
        self.skip(path=path, size=size, reason=reason)

    def summary(self) -> dict[str, Any]:
        """Plain numbers for the CLI's --json and the progress page."""
        return {
            "studies": len(self.studies),
            "series": self.series_count,
            "images": self.instance_count,
            "imported_bytes": self.imported_bytes,
            "skipped_files": len(self.skipped),
            "skipped_bytes": self.skipped_bytes,
            "duplicates": self.duplicates,
            "problems": [{"path": p.path, "reason": p.reason} for p in self.problems],
        }
