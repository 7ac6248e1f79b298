"""Read a DICOM header (never the pixel data) into an `InstanceHeader`. No Django here.

The fast reader (`fast.py`) takes the usual files from the bytes already in memory; pydicom reads
the rest, through `CappedReader`, which cannot be made to allocate more than the file holds. Any
parsing failure becomes a `DicomProblem` with a plain message.
"""

from __future__ import annotations

import io
import os
import unicodedata
import warnings
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

from secondopinion.records.dicom.fast import fast_header, length_overrun
from secondopinion.records.dicom.sniff import dicom_sniff

FAST_BYTES = 65536
DICOMDIR_SOP_CLASS = "1.2.840.10008.1.3.10"
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


class DicomProblem(Exception):
    """A file that looked like DICOM could not be used. `message` is plain words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


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


class CappedReader(io.RawIOBase):
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
    if is_multi(value):
        # Multi-valued: keep the first (e.g. several body parts) but stay a string.
        value = value[0] if len(value) else ""
    text = str(value).replace("\x00", "").strip()
    return _clean_text(text)[:limit]


def _clean_text(text: str) -> str:
    if text.isprintable():
        return text
    return "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")


def tag_int(ds: Any, keyword: str) -> int | None:
    value = ds.get(keyword)
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


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
                    CappedReader(raw, size),
                    stop_before_pixels=True,
                    force=(kind == "bare"),
                    specific_tags=HEADER_TAGS,
                )
            header = header_from_fields(fields_of(ds), bare=(kind == "bare"))
        except DicomProblem:
            raise
        except (InvalidDicomError, EOFError) as exc:
            raise DicomProblem("This DICOM file is cut short or damaged.") from exc
        except Exception as exc:  # noqa: BLE001 - pydicom raises many types on bad input
            # Broad on purpose: a hostile file must never stop an import of thousands.
            raise DicomProblem("This DICOM file is damaged and could not be read.") from exc
    return header


def fields_of(ds: Any) -> dict[str, Any]:
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
            if value is not None and is_multi(value):
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
            number = tag_int(ds, keyword)
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


def is_multi(value: Any) -> bool:
    # pydicom is imported lazily: web pages and other commands never pay for it.
    from pydicom.multival import MultiValue  # noqa: PLC0415 - heavy, off the sniffing path

    return isinstance(value, MultiValue | list | tuple)
