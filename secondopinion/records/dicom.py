"""Find DICOM files by their content, read their headers, and build a study index.

An imaging CD holds thousands of files, often without extensions, next to a DICOMDIR, a viewer
program and autorun files. We never trust names: a file is DICOM when its bytes say so.

- `dicom_sniff(head)` looks at the first bytes: the "DICM" marker after the 128-byte preamble, or,
  for files written without the preamble, a first element that looks like DICOM group 0002/0008.
  A preamble holding a program header (Windows "MZ", Linux ELF, macOS Mach-O) is flagged: such a
  file can be both a valid image and a runnable program, so it is refused.
- `header_read(path)` reads the header only (never the pixel data) through a reader that cannot be
  made to allocate more than the file holds, and turns any parsing failure into `DicomProblem`.
- `DiscIndex` collects studies -> series -> instances and what was skipped.
- `patient_warnings(...)` says loudly when studies belong to different people.
- `preview_png(path)` renders one slice as a small PNG, or returns None when it cannot (for
  example a compressed transfer syntax this machine has no decoder for). It never raises.

No Django here.
"""

from __future__ import annotations

import datetime
import io
import os
import unicodedata
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

from secondopinion.core.words import count
from secondopinion.records.dicom_fast import fast_header, length_overrun

PREAMBLE = 128
FAST_BYTES = 65536
HEAD_BYTES = 512
DICOMDIR_SOP_CLASS = "1.2.840.10008.1.3.10"
EXECUTABLE_MAGICS = (
    b"MZ",  # Windows / DOS programs
    b"\x7fELF",  # Linux programs
    b"\xfe\xed\xfa\xce",  # Mach-O (both endians, 32 and 64 bit)
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"#!",  # scripts
)
# The only tags we ever need from a header: reading fewer keeps big private blocks unparsed.
HEADER_TAGS = [
    "SOPClassUID",
    "SOPInstanceUID",
    "StudyInstanceUID",
    "SeriesInstanceUID",
    "PatientName",
    "PatientID",
    "PatientBirthDate",
    "StudyDate",
    "StudyDescription",
    "AccessionNumber",
    "InstitutionName",
    "Modality",
    "SeriesDescription",
    "SeriesNumber",
    "BodyPartExamined",
    "InstanceNumber",
    "Rows",
    "Columns",
    "NumberOfFrames",
    "SamplesPerPixel",
    "BitsAllocated",
    "ImagePositionPatient",
]
DEFAULT_MAX_PIXELS = 60_000_000


class DicomProblem(Exception):
    """A file that looked like DICOM could not be used. `message` is plain words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def dicom_sniff(head: bytes) -> str:
    """Classify a file by its first bytes (pass at least 132, ideally 512).

    Returns "dicom" (marker present), "bare" (no preamble, but the first element looks like
    DICOM: confirm with `header_read`), "executable" (DICOM marker behind a program header) or
    "other".
    """
    if len(head) >= PREAMBLE + 4 and head[PREAMBLE : PREAMBLE + 4] == b"DICM":
        if head.startswith(EXECUTABLE_MAGICS):
            return "executable"
        return "dicom"
    if _looks_like_bare_dicom(head):
        return "bare"
    return "other"


def _looks_like_bare_dicom(head: bytes) -> bool:
    # Files written without preamble start directly with an element: group 0x0002 (file meta)
    # or 0x0008 (identifying information), little or big endian, with a small element number.
    if len(head) < 8:
        return False
    group_le = int.from_bytes(head[0:2], "little")
    group_be = int.from_bytes(head[0:2], "big")
    element_le = int.from_bytes(head[2:4], "little")
    element_be = int.from_bytes(head[2:4], "big")
    return (group_le in (0x0002, 0x0008) and element_le < 0x0100) or (
        group_be == 0x0008 and element_be < 0x0100
    )


@dataclass(frozen=True)
class PatientIdentity:
    """Who a study says it belongs to. Empty strings mean "not stated"."""

    name: str = ""
    patient_id: str = ""
    birth_date: str = ""  # YYYYMMDD as DICOM writes it

    def display_name(self) -> str:
        """'DOE^JANE^M' -> 'Jane M Doe' (family name last, as people write it)."""
        parts = [p.strip() for p in self.name.split("^")]
        family, given = (parts + ["", ""])[:2]
        middle = parts[2] if len(parts) > 2 else ""
        words = [w for w in (given, middle, family) if w]
        return " ".join(w.title() if w.isupper() else w for w in words) or "(no name)"

    def birth_date_value(self) -> date | None:
        return da_parse(self.birth_date)


@dataclass(frozen=True)
class InstanceHeader:
    """What one DICOM header tells us. Text fields are '' when absent."""

    sop_instance_uid: str
    sop_class_uid: str
    study_uid: str
    series_uid: str
    patient: PatientIdentity
    study_date: str = ""
    study_description: str = ""
    accession_number: str = ""
    institution: str = ""
    modality: str = ""
    series_description: str = ""
    series_number: int | None = None
    body_part: str = ""
    instance_number: int | None = None
    rows: int = 0
    columns: int = 0
    frames: int = 1
    transfer_syntax: str = ""
    position_z: float | None = None

    @property
    def is_directory(self) -> bool:
        """A DICOMDIR is DICOM too, but it is the disc's table of contents, not an image."""
        return self.sop_class_uid == DICOMDIR_SOP_CLASS

    @property
    def pixel_count(self) -> int:
        return self.rows * self.columns * max(self.frames, 1)


class _CappedReader(io.RawIOBase):
    """A file that never hands out (or asks the OS for) more bytes than it really holds.

    A damaged or hostile header can declare a 4 GB element; a plain `read(4 GB)` would try to
    allocate that much. Here the request is clipped to what is left in the file.
    """

    def __init__(self, fp: BinaryIO, size: int) -> None:
        self._fp = fp
        self._size = size
        self.name = getattr(fp, "name", "")

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        left = max(self._size - self._fp.tell(), 0)
        if n is None or n < 0 or n > left:
            n = left
        return self._fp.read(n)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._fp.seek(offset, whence)

    def tell(self) -> int:
        return self._fp.tell()


def _text(ds: Any, keyword: str, limit: int = 200) -> str:
    value = ds.get(keyword)
    if value is None:
        return ""
    if _multi(value):
        # Multi-valued: keep the first (e.g. several body parts) but stay a string.
        value = value[0] if len(value) else ""
    text = str(value).replace("\x00", "").strip()
    return _clean_text(text)[:limit]


def _clean_text(text: str) -> str:
    if text.isprintable():
        return text
    return "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")


def _int(ds: Any, keyword: str) -> int | None:
    value = ds.get(keyword)
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def decoders_warm() -> None:
    """Import pydicom and its pixel decoders now (e.g. in a thread while a disc is being read)."""
    import pydicom.pixels  # noqa: F401, PLC0415 - heavy, off the sniffing path


def header_read(path: str | os.PathLike[str], *, kind: str | None = None) -> InstanceHeader:
    """Read only the header of a DICOM file.

    `kind` is the result of `dicom_sniff` if the caller already has it. Raises `DicomProblem` for
    anything that cannot be used: not DICOM after all, damaged, cut short, a program header in
    the preamble, or missing the identifiers that place it in a study and series.
    """
    import pydicom  # noqa: PLC0415 - heavy, off the sniffing path
    from pydicom.errors import InvalidDicomError  # noqa: PLC0415 - heavy, off the sniffing path

    path = Path(path)
    size = path.stat().st_size
    with open(path, "rb") as raw:
        head = raw.read(FAST_BYTES)
        if kind is None:
            kind = dicom_sniff(head)
        if kind == "dicom":
            _refuse_overrun(head, size)
            fields = fast_header(head, complete=len(head) == size)
            if fields is not None:
                return header_from_fields(fields)
        raw.seek(0)
        if kind == "executable":
            raise DicomProblem(
                "This file looks like a scan, but its first bytes hold a computer program. "
                "For safety it was not imported."
            )
        if kind not in ("dicom", "bare"):
            raise DicomProblem("This file is not a DICOM image.")
        try:
            with warnings.catch_warnings():
                # pydicom warns about odd values (e.g. "1A" as a number); we judge them ourselves.
                warnings.simplefilter("ignore")
                ds = pydicom.dcmread(
                    _CappedReader(raw, size),
                    stop_before_pixels=True,
                    force=(kind == "bare"),
                    specific_tags=HEADER_TAGS,
                )
            header = header_from_fields(_fields_of(ds), bare=(kind == "bare"))
        except DicomProblem:
            raise
        except (InvalidDicomError, EOFError) as exc:
            raise DicomProblem("This DICOM file is cut short or damaged.") from exc
        except Exception as exc:  # noqa: BLE001 - pydicom raises many types on bad input
            # Broad on purpose: a hostile file must never stop an import of thousands.
            raise DicomProblem("This DICOM file is damaged and could not be read.") from exc
    return header


def _fields_of(ds: Any) -> dict[str, Any]:
    """The fields we use from a pydicom dataset, as plain values (same shape as dicom_fast)."""
    fields: dict[str, Any] = {}
    meta = getattr(ds, "file_meta", None)
    if meta is not None:
        for keyword in (
            "MediaStorageSOPClassUID",
            "MediaStorageSOPInstanceUID",
            "TransferSyntaxUID",
        ):
            fields[keyword] = _text(meta, keyword)
    for keyword in HEADER_TAGS:
        if keyword == "ImagePositionPatient":
            value = ds.get(keyword)
            if value is not None and _multi(value):
                fields[keyword] = [str(v) for v in value]
        elif keyword in (
            "Rows",
            "Columns",
            "NumberOfFrames",
            "SamplesPerPixel",
            "BitsAllocated",
            "SeriesNumber",
            "InstanceNumber",
        ):
            number = _int(ds, keyword)
            if number is not None:
                fields[keyword] = number
        else:
            fields[keyword] = _text(ds, keyword)
    # A Dataset iterates over its elements (decoding each); its keys are the bare tags.
    fields["_has_group_0008"] = any(int(tag) >> 16 == 0x0008 for tag in ds.keys())  # noqa: SIM118
    return fields


def _str(fields: dict[str, Any], keyword: str, limit: int = 200) -> str:
    value = fields.get(keyword)
    if value is None:
        return ""
    return _clean_text(str(value).strip())[:limit]


def _num(fields: dict[str, Any], keyword: str) -> int | None:
    value = fields.get(keyword)
    if value is None or value == "":
        return None
    try:
        return int(float(value)) if isinstance(value, str) and "." in value else int(value)
    except (TypeError, ValueError):
        return None


def header_from_fields(fields: dict[str, Any], *, bare: bool = False) -> InstanceHeader:
    """Check and shape the header fields (from pydicom or the fast reader)."""
    sop_class = _str(fields, "SOPClassUID") or _str(fields, "MediaStorageSOPClassUID")
    sop_uid = _str(fields, "SOPInstanceUID") or _str(fields, "MediaStorageSOPInstanceUID")
    if sop_class == DICOMDIR_SOP_CLASS:
        return InstanceHeader(
            sop_instance_uid=sop_uid,
            sop_class_uid=sop_class,
            study_uid="",
            series_uid="",
            patient=PatientIdentity(),
        )
    if bare and not fields.get("_has_group_0008"):
        # Forced parsing of a random file can "succeed"; real DICOM always has group 0008.
        raise DicomProblem("This file is not a DICOM image.")
    study_uid = _str(fields, "StudyInstanceUID")
    series_uid = _str(fields, "SeriesInstanceUID")
    if not (sop_uid and study_uid and series_uid):
        raise DicomProblem(
            "This DICOM file is missing the identifiers that place it in a study, so it was "
            "skipped."
        )
    position = fields.get("ImagePositionPatient")
    position_z = None
    try:
        if isinstance(position, list) and len(position) == 3:
            position_z = float(position[2])
    except (TypeError, ValueError):
        position_z = None
    return InstanceHeader(
        sop_instance_uid=sop_uid,
        sop_class_uid=sop_class,
        study_uid=study_uid,
        series_uid=series_uid,
        patient=PatientIdentity(
            name=_str(fields, "PatientName").rstrip("^ "),
            patient_id=_str(fields, "PatientID", 64),
            birth_date=_str(fields, "PatientBirthDate", 8),
        ),
        study_date=_str(fields, "StudyDate", 8),
        study_description=_str(fields, "StudyDescription"),
        accession_number=_str(fields, "AccessionNumber", 64),
        institution=_str(fields, "InstitutionName"),
        modality=_str(fields, "Modality", 16),
        series_description=_str(fields, "SeriesDescription"),
        series_number=_num(fields, "SeriesNumber"),
        body_part=_str(fields, "BodyPartExamined", 64),
        instance_number=_num(fields, "InstanceNumber"),
        rows=_num(fields, "Rows") or 0,
        columns=_num(fields, "Columns") or 0,
        frames=_num(fields, "NumberOfFrames") or 1,
        transfer_syntax=_str(fields, "TransferSyntaxUID", 64),
        position_z=position_z,
    )


def header_from_head(head: bytes, *, complete: bool, size: int) -> InstanceHeader | None:
    """The header from bytes already in memory, or None when pydicom must read the file.

    `size` is the whole file's size. Raises `DicomProblem` when the header is readable but
    unusable (e.g. no study identifier, or an element declared longer than the file).
    """
    _refuse_overrun(head, size)
    fields = fast_header(head, complete=complete)
    if fields is None:
        return None
    return header_from_fields(fields)


def _refuse_overrun(head: bytes, size: int) -> None:
    if length_overrun(head, size):
        raise DicomProblem(
            "This DICOM file is cut short or damaged: a part of it declares a length past the "
            "end of the file, so it was not imported."
        )


def da_parse(value: str) -> date | None:
    """A DICOM date (YYYYMMDD) as a date, or None when absent or nonsense."""
    value = (value or "").strip()
    if len(value) != 8 or not value.isdigit():
        return None
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        return None


# ---------------------------------------------------------------------------------------------
# The index


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


# ---------------------------------------------------------------------------------------------
# Patient checks


def _name_tokens(name: str) -> set[str]:
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    for sep in "^,.-_'=":
        text = text.replace(sep, " ")
    return {t for t in text.upper().split() if len(t) > 1}


def names_match(a: str, b: str) -> bool:
    """True when two names plausibly name the same person.

    DICOM writes "DOE^JANE^M", people write "Jane Doe": compare word sets, and accept when the
    smaller set is contained in the larger (middle names and initials come and go).
    """
    ta, tb = _name_tokens(a), _name_tokens(b)
    if not ta or not tb:
        return True  # nothing to compare is not a mismatch
    small, large = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    return small <= large


def _ids_match(a: str, b: str) -> bool:
    if not a.strip() or not b.strip():
        return True
    return a.strip().upper() == b.strip().upper()


def _births_match(a: str, b: str) -> bool:
    da, db = da_parse(a), da_parse(b)
    if da is None or db is None:
        return True
    return da == db


def identity_differences(a: PatientIdentity, b: PatientIdentity) -> list[str]:
    """Which of name, ID and birth date differ (only where both sides state them)."""
    out = []
    if not names_match(a.name, b.name):
        out.append("name")
    if not _ids_match(a.patient_id, b.patient_id):
        out.append("patient ID")
    if not _births_match(a.birth_date, b.birth_date):
        out.append("birth date")
    return out


def _study_label(study: StudyEntry) -> str:
    when = study.date_value()
    bits = [study.description or "A study", f"from {when:%d %b %Y}" if when else ""]
    return " ".join(b for b in bits if b)


def patient_warnings(
    studies: Iterable[StudyEntry], *, case_patient: PatientIdentity | None = None
) -> list[str]:
    """Loud, plain warnings when studies name different people.

    Two checks: each study against the case's patient (when we know them), and the studies on
    the disc against each other. Fields missing on either side are not counted as differences.
    """
    studies = list(studies)
    warnings: list[str] = []
    if case_patient is not None:
        for study in studies:
            diff = identity_differences(study.patient, case_patient)
            if diff:
                warnings.append(
                    f"Check this study: {_study_label(study)} lists a different "
                    f"{_join(diff)} from the person this case is for "
                    f"(the scan says {study.patient.display_name()}). "
                    "It may belong to someone else. Do not send it until you have checked."
                )
    groups: list[list[StudyEntry]] = []
    for study in studies:
        for group in groups:
            if not identity_differences(group[0].patient, study.patient):
                group.append(study)
                break
        else:
            groups.append([study])
    if len(groups) > 1:
        people = "; ".join(
            f"{_person_label(g[0].patient)} ({count(len(g), 'study', 'studies')})" for g in groups
        )
        warnings.append(
            f"This disc holds scans of {len(groups)} different people: {people}. "
            "A disc should hold only your own scans. Check every study before you send it."
        )
    return warnings


def _person_label(patient: PatientIdentity) -> str:
    label = patient.display_name()
    if patient.patient_id:
        label += f", patient ID {patient.patient_id}"
    return label


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# ---------------------------------------------------------------------------------------------
# Previews


def preview_png(
    path: str | os.PathLike[str], *, max_pixels: int = DEFAULT_MAX_PIXELS, size: int = 256
) -> bytes | None:
    """A small PNG of one slice (the middle frame when there are several), or None.

    None means "no preview": a compressed transfer syntax we cannot decode, an absurd pixel
    count, a damaged file. It never raises, because a missing preview must not stop an import.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _preview(Path(path), max_pixels=max_pixels, size=size)
    except Exception:  # noqa: BLE001 - any failure simply means no preview
        return None


def _preview(path: Path, *, max_pixels: int, size: int) -> bytes | None:
    import numpy as np  # noqa: PLC0415 - heavy, only for previews
    import pydicom  # noqa: PLC0415 - heavy, off the sniffing path
    from PIL import Image  # noqa: PLC0415 - heavy, only for previews
    from pydicom.pixels import apply_modality_lut  # noqa: PLC0415 - heavy, off the sniffing path

    header = header_read(path)
    if header.rows <= 0 or header.columns <= 0:
        return None
    if header.rows * header.columns > max_pixels:
        return None  # refuse before any pixel is decoded
    file_size = path.stat().st_size
    with open(path, "rb") as raw:
        ds = pydicom.dcmread(_CappedReader(raw, file_size))
    frames = _int(ds, "NumberOfFrames") or 1
    samples = _int(ds, "SamplesPerPixel") or 1
    bits = _int(ds, "BitsAllocated") or 8
    # Uncompressed data must really be there: refuse a header that promises more than the file.
    if header.transfer_syntax in (
        "1.2.840.10008.1.2",
        "1.2.840.10008.1.2.1",
        "1.2.840.10008.1.2.2",
    ):
        needed = header.rows * header.columns * samples * max(bits // 8, 1) * frames
        if needed > file_size:
            return None
    if frames > 1:
        from pydicom.pixels import pixel_array  # noqa: PLC0415 - heavy, off the sniffing path

        with open(path, "rb") as raw:
            arr = pixel_array(_CappedReader(raw, file_size), index=frames // 2)  # type: ignore[arg-type]
    else:
        arr = ds.pixel_array
    photometric = str(ds.get("PhotometricInterpretation", "MONOCHROME2")).upper()
    if samples == 3 or arr.ndim == 3:
        if arr.dtype != np.uint8:
            arr = _stretch(arr.astype(np.float64), None)
        image = Image.fromarray(arr.astype(np.uint8), "RGB")
    else:
        values = apply_modality_lut(arr, ds).astype(np.float64)
        out = _stretch(values, _window(ds))
        if photometric == "MONOCHROME1":
            out = 255 - out  # MONOCHROME1 shows the lowest value as white
        image = Image.fromarray(out.astype(np.uint8), "L")
    image.thumbnail((size, size))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _window(ds: Any) -> tuple[float, float] | None:
    """The stated display window (center, width), or None when there is no usable one."""
    center, width = ds.get("WindowCenter"), ds.get("WindowWidth")
    try:
        if center is None or width is None:
            return None
        center = float(center[0] if _multi(center) else center)
        width = float(width[0] if _multi(width) else width)
    except (TypeError, ValueError, IndexError):
        return None
    if width <= 0:
        return None
    return center, width


def _multi(value: Any) -> bool:
    # pydicom is imported lazily: web pages and other commands never pay for it.
    from pydicom.multival import MultiValue  # noqa: PLC0415 - heavy, off the sniffing path

    return isinstance(value, MultiValue | list | tuple)


def _stretch(values: Any, window: tuple[float, float] | None) -> Any:
    """Map values to 0..255: the stated window when there is one, else the 1st-99th percentile."""
    import numpy as np  # noqa: PLC0415 - heavy, only for previews

    if window is not None:
        center, width = window
        low, high = center - width / 2, center + width / 2
    else:
        low, high = (float(v) for v in np.percentile(values, [1, 99]))
    if high <= low:
        high = low + 1
    scaled = (values - low) / (high - low) * 255.0
    return np.clip(scaled, 0, 255)
