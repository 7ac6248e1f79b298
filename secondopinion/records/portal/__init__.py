"""Records a patient downloads from a portal: C-CDA, IHE XDM ZIP, FHIR R4 (Bundle, files, NDJSON).

Pure core (no Django). `portal_read(path, name=..., spool_dir=...)` finds out what the download
is and reads it into a `PortalRead` (documents spooled to files in `spool_dir`, conditions,
medicines, procedures, staging and marker observations, the patient it names, what was skipped
and why), or raises `PortalRefused` with a plain message. On refusal every spooled file is
removed; nothing is half-read. `patient_warnings(read, name=..., birth_date=...)` checks the
people it names against the case, like the CD import does.

Formats:
- a C-CDA XML document (`ccda.py`, hardened lxml, read as a stream);
- an IHE XDM ZIP (`IHE_XDM/<subset>/DOC0001.XML` beside `METADATA.XML` and a stylesheet that is
  never run), or any ZIP or folder of C-CDA, FHIR JSON and NDJSON files, unpacked through the
  vault's safe ZIP walker (`records.safezip`: names, sizes, ratios, nesting);
- a FHIR `Bundle` JSON, one FHIR resource per JSON file, or NDJSON bulk export (`fhir.py`,
  plain JSON with careful type checks; NDJSON read one line at a time).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from secondopinion.records import safezip
from secondopinion.records.dicom.headers import PatientIdentity
from secondopinion.records.dicom.identity import identity_differences
from secondopinion.records.portal.ccda import ccda_read, is_cda
from secondopinion.records.portal.fhir import FhirReader
from secondopinion.records.portal.model import (
    Limits,
    PortalCondition,
    PortalDocument,
    PortalMedication,
    PortalObservation,
    PortalPatient,
    PortalProcedure,
    PortalRead,
    PortalRefused,
    Source,
)

__all__ = [
    "Limits",
    "PortalCondition",
    "PortalDocument",
    "PortalMedication",
    "PortalObservation",
    "PortalPatient",
    "PortalProcedure",
    "PortalRead",
    "PortalRefused",
    "Source",
    "patient_warnings",
    "portal_read",
]

MAX_FOLDER_FILES = 20_000
NOT_RECORDS = {
    ".xsl": "style sheets (never run)",
    ".xslt": "style sheets (never run)",
    ".htm": "web pages (not read)",
    ".html": "web pages (not read)",
    ".txt": "notes about the download (README)",
    ".css": "style sheets (never run)",
    ".js": "programs (never run)",
}


@dataclass
class _Context:
    read: PortalRead
    fhir: FhirReader
    spool_dir: Path
    limits: Limits
    zip_limits: safezip.ZipLimits | None


def portal_read(
    path: Path,
    *,
    name: str,
    spool_dir: Path,
    limits: Limits | None = None,
    zip_limits: safezip.ZipLimits | None = None,
) -> PortalRead:
    """Read a download (a file or a folder). On `PortalRefused` nothing is left in `spool_dir`."""
    limits = limits or Limits()
    read = PortalRead()
    ctx = _Context(
        read=read,
        fhir=FhirReader(read=read, spool_dir=spool_dir, limits=limits),
        spool_dir=spool_dir,
        limits=limits,
        zip_limits=zip_limits,
    )
    try:
        if path.is_dir():
            read.format = "folder"
            _folder_read(path, ctx)
        else:
            read.format = _file_read(path, name=name, ctx=ctx, inside=False)
        ctx.fhir.finish()
    except safezip.ZipProblem as exc:
        _spool_clean(read)
        raise PortalRefused(exc.message) from exc
    except BaseException:
        _spool_clean(read)
        raise
    found = (read.documents, read.conditions, read.medications, read.procedures)
    if not any(found) and not read.observations and not read.patients:
        raise PortalRefused(
            f"{name}: we found no health records in this file (no documents, conditions, "
            "medicines, procedures or results). Nothing was imported."
        )
    return read


def _spool_clean(read: PortalRead) -> None:
    for document in read.documents:
        document.path.unlink(missing_ok=True)
    read.documents.clear()


def sniff(head: bytes, name: str) -> str:
    """ "xml", "json", "ndjson", "zip" or "" from the first bytes (and the name for NDJSON)."""
    stripped = head.lstrip(b"\xef\xbb\xbf\xff\xfe\r\n\t ")
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if stripped.startswith(b"<") or head.startswith((b"\xff\xfe<", b"\xfe\xff\x00<")):
        return "xml"
    if stripped.startswith(b"{"):
        if name.lower().endswith((".ndjson", ".jsonl")):
            return "ndjson"
        first, newline, rest = stripped.partition(b"\n")
        if newline and rest.lstrip().startswith(b"{") and first.rstrip().endswith(b"}"):
            return "ndjson"
        return "json"
    return ""


def _file_read(path: Path, *, name: str, ctx: _Context, inside: bool) -> str:
    with open(path, "rb") as fh:
        head = fh.read(64 * 1024)
    kind = sniff(head, name)
    if kind == "zip" and not inside:
        _zip_read(path, ctx)
        return "zip"
    if kind == "xml":
        if inside and not is_cda(path):
            ctx.read.skip("XML files that are not clinical documents (such as the XDM index)")
            return "xml"
        ccda_read(path, name=name, read=ctx.read, spool_dir=ctx.spool_dir, limits=ctx.limits)
        return "ccda"
    if kind == "json":
        ctx.fhir.file_read(path, name=name)
        return "fhir-json"
    if kind == "ndjson":
        ctx.fhir.ndjson_read(path, name=name)
        return "ndjson"
    if inside:
        suffix = Path(name).suffix.lower()
        ctx.read.skip(NOT_RECORDS.get(suffix, "files that are not health records we read"))
        return ""
    raise PortalRefused(
        f"{name}: this is not a patient-portal download we can read. We read C-CDA health "
        "summaries (XML), IHE XDM ZIP files, and FHIR records (JSON, or NDJSON bulk export)."
    )


def _zip_read(path: Path, ctx: _Context) -> None:
    for walked in safezip.zip_walk(path, limits=ctx.zip_limits, tmp_dir=ctx.spool_dir):
        suffix = Path(walked.name).suffix.lower()
        if suffix in NOT_RECORDS:
            ctx.read.skip(NOT_RECORDS[suffix])
            continue
        if walked.declared_size > ctx.limits.max_bytes:
            raise PortalRefused(
                f"{walked.name} is larger than one health-record file can be "
                f"({ctx.limits.max_bytes / 1_048_576:,.0f} MB). Nothing was imported."
            )
        handle, spooled = tempfile.mkstemp(dir=ctx.spool_dir, prefix=".portal-zip-")
        try:
            with os.fdopen(handle, "wb") as out:
                shutil.copyfileobj(walked.stream, out, 1024 * 1024)
            _file_read(Path(spooled), name=walked.name, ctx=ctx, inside=True)
        finally:
            Path(spooled).unlink(missing_ok=True)


def _folder_read(path: Path, ctx: _Context) -> None:
    count = 0
    for root, dirs, files in os.walk(path, followlinks=False):
        dirs.sort()
        for file_name in sorted(files):
            count += 1
            if count > MAX_FOLDER_FILES:
                raise PortalRefused(
                    f"This folder holds more than {MAX_FOLDER_FILES:,} files; please import it "
                    "in parts. Nothing was imported."
                )
            full = Path(root) / file_name
            if full.is_symlink() or not full.is_file():
                ctx.read.skip("links and special files (not followed)")
                continue
            if full.suffix.lower() in NOT_RECORDS:
                ctx.read.skip(NOT_RECORDS[full.suffix.lower()])
                continue
            _file_read(full, name=str(full.relative_to(path)), ctx=ctx, inside=True)


# --- whose records are these? --------------------------------------------------------------


def patient_warnings(read: PortalRead, *, name: str, birth_date: date | None) -> list[str]:
    """Loud, plain warnings when the download names someone other than the case's patient, or
    more than one person. Fields missing on either side are not counted as differences."""
    case_person = PatientIdentity(
        name=name or "", birth_date=birth_date.strftime("%Y%m%d") if birth_date else ""
    )
    warnings: list[str] = []
    people: list[PortalPatient] = []
    for patient in read.patients:
        identity = _identity(patient)
        if not any(not identity_differences(identity, _identity(p)) for p in people):
            people.append(patient)
    for patient in people:
        diff = identity_differences(_identity(patient), case_person)
        if diff:
            said = patient.name or "no name"
            if patient.birth_date:
                said += f", born {patient.birth_date}"
            warnings.append(
                f"These records give a different {_join(diff)} from the person this case is for "
                f"(the records say {said}). They may belong to someone else. Nothing is added "
                "until you decide."
            )
    if len(people) > 1:
        warnings.append(
            f"This download holds the records of {len(people)} different people. A download "
            "from your portal should hold only your own records."
        )
    return warnings


def _identity(patient: PortalPatient) -> PatientIdentity:
    dicom_name = "^".join(w for w in (patient.family, patient.given) if w) or patient.name
    return PatientIdentity(name=dicom_name, birth_date=patient.birth_date.replace("-", ""))


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
