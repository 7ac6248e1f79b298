"""FHIR R4 resources (a Bundle, one resource per file, or NDJSON bulk export), read as plain JSON.

Why plain JSON and not `fhir.resources`: a portal download is read for a handful of fields
(codes, names, dates, attachments), and the patient's file must never be refused because one
unrelated element breaks a strict model (real exports often do). Plain JSON parsing is several
times faster and lighter, and every field read here is checked for its type by the small getters
below: a wrong type means "not read", never a crash. A JSON file (usually a Bundle) is streamed
with `ijson`, so a large one is read an entry at a time; an NDJSON line is read with `json`.
Nothing a resource links to is followed or fetched; the only references resolved are to a
`Medication` inside the same download, one step, so references that loop cannot loop here.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import io
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

import ijson

from secondopinion.records.portal import codes
from secondopinion.records.portal.attachments import (
    attachment_problem,
    media_type,
    spooled_document,
)
from secondopinion.records.portal.model import (
    DocumentMeta,
    Limits,
    PortalCondition,
    PortalMedication,
    PortalObservation,
    PortalPatient,
    PortalProcedure,
    PortalRead,
    PortalRefused,
    Source,
)

_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
_TYPE = re.compile(r"^[A-Z][A-Za-z]{1,63}$")
# Resources this importer has no use for: skipped and counted under their own name.
NOT_READ = {
    "Practitioner": "people and organizations (doctors, clinics, insurers)",
    "PractitionerRole": "people and organizations (doctors, clinics, insurers)",
    "Organization": "people and organizations (doctors, clinics, insurers)",
    "Location": "people and organizations (doctors, clinics, insurers)",
    "RelatedPerson": "people and organizations (doctors, clinics, insurers)",
    "Coverage": "billing and insurance",
    "Claim": "billing and insurance",
    "ExplanationOfBenefit": "billing and insurance",
    "Encounter": "visits",
    "AllergyIntolerance": "allergies",
    "Immunization": "vaccines",
    "CarePlan": "care plans and goals",
    "CareTeam": "care plans and goals",
    "Goal": "care plans and goals",
    "Device": "devices",
    "Provenance": "record history (provenance)",
    "ImagingStudy": "imaging study listings (import the CD itself)",
    "Specimen": "specimens",
    "BodyStructure": "body sites",
}
MEDICATION_TYPES = (
    "MedicationRequest",
    "MedicationStatement",
    "MedicationAdministration",
    "MedicationDispense",
)


# --- careful getters: a value of the wrong type is simply absent -----------------------


def _d(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _l(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _s(value: Any, limit: int = 300) -> str:
    if not isinstance(value, str):
        return ""
    text = value[: limit * 2]
    if "\n" in text or "\t" in text or "  " in text or "\r" in text:
        text = " ".join(text.split())
    return text.strip()[:limit]


def _date(value: Any) -> str:
    text = _s(value, 40)
    return text[:10] if re.match(r"^\d{4}-\d{2}-\d{2}", text) else ""


def codeable(concept: Any) -> tuple[str, str, str, list[tuple[str, str]]]:
    """(code, system label, words, every (system, code)) of a CodeableConcept."""
    concept = _d(concept)
    codings = [_d(c) for c in _l(concept.get("coding"))]
    pairs = [
        (
            codes.SYSTEMS.get(_s(c.get("system"), 200), _s(c.get("system"), 60)),
            _s(c.get("code"), 64),
        )
        for c in codings
    ]
    best = next(
        (c for c in codings if _s(c.get("system"), 200) in codes.SYSTEMS and _s(c.get("code"))),
        None,
    )
    best = best or next((c for c in codings if _s(c.get("code"))), None)
    words = _s(concept.get("text")) or (
        _s(best.get("display"))
        if best
        else next((_s(c.get("display")) for c in codings if _s(c.get("display"))), "")
    )
    if best is None:
        return "", "", words, pairs
    system = codes.SYSTEMS.get(_s(best.get("system"), 200), _s(best.get("system"), 60))
    return _s(best.get("code"), 64), system, words, pairs


class FhirReader:
    """Reads resources one at a time into a `PortalRead`; `finish()` once all are in."""

    def __init__(self, *, read: PortalRead, spool_dir: Path, limits: Limits) -> None:
        self.read = read
        self.spool_dir = spool_dir
        self.limits = limits
        self.medications: dict[str, tuple[str, str, str]] = {}  # "Medication/id" -> code
        self.pending: list[tuple[str, dict[str, Any], Source]] = []  # medicines named by reference

    # --- entry points ------------------------------------------------------------------

    def file_read(self, path: Path, *, name: str) -> None:
        """One JSON file: a Bundle or a single resource.

        Read as a stream (`ijson`, its C parser), so memory stays flat up to the size cap
        (`json.loads` of a whole Bundle took about six times the file's size). Two passes: the
        first only checks (valid JSON, nesting depth, the top level, the count of entries), so
        that a file to be refused is refused before anything is read from it; the second builds
        and reads one entry at a time."""
        size = path.stat().st_size
        if size > self.limits.max_bytes:
            raise PortalRefused(
                f"{name} is {size / 1_048_576:,.0f} MB; one FHIR file can be at most "
                f"{self.limits.max_bytes / 1_048_576:,.0f} MB. Nothing was imported."
            )
        # Refused before parsing: more resources than one import takes (counted from the bytes).
        if _count_in_file(path, b'"resourceType"') > self.limits.max_resources + 1:
            raise PortalRefused(_too_many(self.limits))
        shape = _json_scan(path, name=name, max_depth=self.limits.max_json_depth)
        kind = shape.first.get("resourceType", ("", None))
        if shape.top != "start_map" or kind[0] != "string":
            raise PortalRefused(_not_fhir(name))
        if kind[1] != "Bundle":
            for data in _json_items(path, name=name, prefix=""):
                self.resource(data, name=name, depth=0)
            return
        entries = shape.first.get("entry", ("null", None))[0]
        if entries == "null":
            return
        if entries != "start_array":
            raise PortalRefused(
                f"{name}: this FHIR Bundle is damaged (its entries are not a list)."
            )
        if shape.entries + self.read.resources > self.limits.max_resources:
            raise PortalRefused(_too_many(self.limits))
        for entry in _json_items(path, name=name, prefix="entry.item"):
            self._entry(entry, name=name, depth=1)

    def ndjson_read(self, path: Path, *, name: str) -> None:
        """Newline-delimited resources, one line at a time (memory stays flat)."""
        with open(path, "rb") as fh:
            for number, line in enumerate(_lines(fh, self.limits.max_line_bytes, name), start=1):
                if not line.strip():
                    continue
                try:
                    data = json.loads(line)
                except (ValueError, RecursionError):
                    self.read.skip(f"{name}: lines that are not valid JSON")
                    continue
                self.resource(data, name=name, depth=0, line=number)

    # --- one resource -----------------------------------------------------------------

    def resource(self, data: Any, *, name: str, depth: int, line: int = 0) -> None:
        if not isinstance(data, dict) or not isinstance(data.get("resourceType"), str):
            if depth == 0 and not line:
                raise PortalRefused(_not_fhir(name))
            self.read.skip("entries that are not FHIR resources")
            return
        kind = data["resourceType"]
        if kind == "Bundle":
            self._bundle(data, name=name, depth=depth)
            return
        self.read.resources += 1
        if self.read.resources > self.limits.max_resources:
            raise PortalRefused(_too_many(self.limits))
        if not _TYPE.match(kind):
            self.read.skip("entries that are not FHIR resources")
            return
        rid = _s(data.get("id"), 80)
        ref = f"{kind}/{rid}" if _ID.match(rid) else f"{kind} (line {line})" if line else kind
        source = Source(name, ref)
        handler = _HANDLERS.get(kind)
        if handler is not None:
            handler(self, data, source)
        elif kind in NOT_READ:
            self.read.skip(NOT_READ[kind])
        else:
            self.read.skip(f"{kind} resources (not read)")

    def _bundle(self, data: dict[str, Any], *, name: str, depth: int) -> None:
        if depth >= 2:
            self.read.skip("bundles inside bundles inside bundles (not read)")
            return
        entries = data.get("entry")
        if entries is None:
            return
        if not isinstance(entries, list):
            raise PortalRefused(
                f"{name}: this FHIR Bundle is damaged (its entries are not a list)."
            )
        if len(entries) + self.read.resources > self.limits.max_resources:
            raise PortalRefused(_too_many(self.limits))
        for entry in entries:
            self._entry(entry, name=name, depth=depth + 1)

    def _entry(self, entry: Any, *, name: str, depth: int) -> None:
        """One Bundle entry. A `Medication` is only noted here: the requests that name it are
        read in `finish()`, so one may come before or after it in the download."""
        found = _d(entry).get("resource")
        if found is None:
            self.read.skip("bundle entries without a resource (links only; never fetched)")
            return
        if _d(found).get("resourceType") == "Medication":
            self.read.resources += 1
            self._medication_resource(found, Source(name, ""))
            return
        self.resource(found, name=name, depth=depth)

    # --- handlers ---------------------------------------------------------------------

    def _patient(self, data: dict[str, Any], source: Source) -> None:
        names = [_d(n) for n in _l(data.get("name"))]
        chosen = next(
            (n for n in names if _s(n.get("use")) == "official"), names[0] if names else {}
        )
        given = " ".join(_s(g, 60) for g in _l(chosen.get("given")) if _s(g))
        family = _s(chosen.get("family"), 100)
        text = " ".join(w for w in (given, family) if w) or _s(chosen.get("text"), 200)
        self.read.patients.append(
            PortalPatient(
                name=text,
                family=family,
                given=given,
                birth_date=_date(data.get("birthDate")),
                source=source,
            )
        )

    def _condition(self, data: dict[str, Any], source: Source) -> None:
        code, system, words, pairs = codeable(data.get("code"))
        if not code and not words:
            self.read.skip("conditions without a name or code")
            return
        cancer, cancer_type = False, ""
        for pair_system, pair_code in pairs or [(system, code)]:
            cancer, cancer_type = codes.condition_cancer(
                system=pair_system, code=pair_code, text=words
            )
            if cancer:
                break
        identity = f"condition:{system}:{code or words.lower()}"
        if not self.read.first_time(identity):
            self.read.skip("the same condition listed again")
            return
        self.read.conditions.append(
            PortalCondition(
                text=words or code,
                code=code,
                system=system,
                cancer=cancer,
                cancer_type=cancer_type,
                date=_date(data.get("onsetDateTime")) or _date(data.get("recordedDate")),
                source=source,
                identity=identity,
            )
        )

    def _medication_resource(self, data: dict[str, Any], source: Source) -> None:
        rid = _s(data.get("id"), 80)
        if _ID.match(rid):
            self.medications[f"Medication/{rid}"] = codeable(data.get("code"))[:3]

    def _medication(self, data: dict[str, Any], source: Source) -> None:
        if "medicationCodeableConcept" in data:
            code, system, words, _pairs = codeable(data.get("medicationCodeableConcept"))
            self._medication_add(code, system, words, data, source)
            return
        reference = _s(_d(data.get("medicationReference")).get("reference"), 200)
        if reference.startswith("#"):
            for contained in _l(data.get("contained")):
                contained = _d(contained)
                if (
                    contained.get("resourceType") == "Medication"
                    and f"#{_s(contained.get('id'), 80)}" == reference
                ):
                    code, system, words, _pairs = codeable(contained.get("code"))
                    self._medication_add(code, system, words, data, source)
                    return
        if reference:
            self.pending.append((reference, data, source))
            return
        self.read.skip("medicines without a name or code")

    def _medication_add(
        self, code: str, system: str, words: str, data: dict[str, Any], source: Source
    ) -> None:
        if not code and not words:
            self.read.skip("medicines without a name or code")
            return
        identity = f"medication:{system}:{code or words.lower()}"
        if not self.read.first_time(identity):
            self.read.skip("the same medicine listed again")
            return
        drug, modality = codes.cancer_drug(words)
        date = (
            _date(data.get("authoredOn"))
            or _date(data.get("effectiveDateTime"))
            or _date(_d(data.get("effectivePeriod")).get("start"))
            or _date(data.get("whenHandedOver"))
        )
        self.read.medications.append(
            PortalMedication(
                name=words or code,
                code=code,
                system=system,
                cancer_drug=drug,
                modality=modality,
                date=date,
                source=source,
                identity=identity,
            )
        )

    def _procedure(self, data: dict[str, Any], source: Source) -> None:
        code, system, words, _pairs = codeable(data.get("code"))
        if not code and not words:
            self.read.skip("procedures without a name or code")
            return
        date = _date(data.get("performedDateTime")) or _date(
            _d(data.get("performedPeriod")).get("start")
        )
        profiles = [_s(p, 300) for p in _l(_d(data.get("meta")).get("profile"))]
        category = codes.procedure_category(code=code, system=system, text=words, profiles=profiles)
        # Surgery and radiation are history, each with its date; routine procedures (check-ups,
        # screenings) are listed once.
        when = date if category != "other" else ""
        identity = f"procedure:{system}:{code or words.lower()}:{when}"
        if not self.read.first_time(identity):
            self.read.skip("routine procedures listed again")
            return
        self.read.procedures.append(
            PortalProcedure(
                name=words or code,
                code=code,
                system=system,
                category=category,
                date=date,
                source=source,
                identity=identity,
            )
        )

    def _observation(self, data: dict[str, Any], source: Source) -> None:
        _code, _system, words, pairs = codeable(data.get("code"))
        loinc = next((c for s, c in pairs if s == codes.LOINC and c in codes.OBSERVATION_LOINC), "")
        if not loinc:
            self.read.skip("other observations (vital signs, lab values, surveys)")
            return
        field, label = codes.OBSERVATION_LOINC[loinc]
        value_code, raw = _observation_value(data)
        date = _date(data.get("effectiveDateTime")) or _date(data.get("issued"))
        rid = source.ref
        identity = f"observation:{rid}" if "/" in rid else f"observation:{loinc}:{raw}:{date}"
        if not self.read.first_time(identity):
            self.read.skip("the same observation listed again")
            return
        if not raw and not value_code:
            self.read.skip("observations without a value")
            return
        self.read.observations.append(
            PortalObservation(
                field=field,
                name=label or words,
                code=loinc,
                value=codes.observation_value(field, code=value_code, text=raw or value_code),
                date=date,
                source=source,
                identity=identity,
            )
        )

    def _report(self, data: dict[str, Any], source: Source) -> None:
        code, _system, words, pairs = codeable(data.get("code"))
        loinc = next((c for s, c in pairs if s == codes.LOINC), code)
        lab = any(
            c in ("LAB", "laboratory")
            for cat in _l(data.get("category"))
            for _s_, c in codeable(cat)[3]
        )
        forms = _l(data.get("presentedForm"))
        if not forms:
            self.read.skip("reports without an attached document")
            return
        date = _date(data.get("effectiveDateTime")) or _date(data.get("issued"))
        for number, attachment in enumerate(forms):
            attachment = _d(attachment)
            self._attachment(
                attachment,
                DocumentMeta(
                    title=_s(attachment.get("title"), 200) or words,
                    code=loinc,
                    content_type=_content_type(attachment),
                    date=date,
                    source=Source(source.file, f"{source.ref}/presentedForm[{number}]"),
                    lab=lab,
                ),
            )

    def _document_reference(self, data: dict[str, Any], source: Source) -> None:
        code, _system, words, pairs = codeable(data.get("type"))
        loinc = next((c for s, c in pairs if s == codes.LOINC), code)
        date = _date(data.get("date"))
        contents = _l(data.get("content"))
        if not contents:
            self.read.skip("document references without a document")
            return
        for number, content in enumerate(contents):
            attachment = _d(_d(content).get("attachment"))
            self._attachment(
                attachment,
                DocumentMeta(
                    title=_s(attachment.get("title"), 200)
                    or _s(data.get("description"), 200)
                    or words,
                    code=loinc,
                    content_type=_content_type(attachment),
                    date=date or _date(attachment.get("creation")),
                    source=Source(source.file, f"{source.ref}/content[{number}]"),
                ),
            )

    def _attachment(self, attachment: dict[str, Any], meta: DocumentMeta) -> None:
        data = attachment.get("data")
        if not isinstance(data, str):
            if attachment.get("url"):
                self.read.skip("documents given only as a link (we never fetch links)")
            else:
                self.read.skip("attachments without contents")
            return
        if len(data) * 3 // 4 > self.limits.max_document_bytes:
            self.read.skip("attachments larger than the limit")
            return
        if len(self.read.documents) >= self.limits.max_documents:
            self.read.skip("documents beyond the limit for one import")
            return
        try:
            raw = base64.b64decode("".join(data.split()), validate=True)
        except (binascii.Error, ValueError):
            self.read.skip("attachments whose contents are damaged (not valid base64)")
            return
        identity = f"document:{hashlib.sha256(raw).hexdigest()}"
        if not self.read.first_time(identity):
            self.read.skip("the same document attached twice")
            return
        if not meta.title:
            meta = dataclasses.replace(meta, title="Document from your portal")
        document = spooled_document(raw, meta, spool_dir=self.spool_dir)
        problem = attachment_problem(document.path, declared=meta.content_type)
        if problem:
            document.path.unlink(missing_ok=True)
            self.read.skip(problem)
            return
        self.read.documents.append(document)

    # --- end ----------------------------------------------------------------------------

    def finish(self) -> None:
        for reference, data, source in self.pending:
            found = self.medications.get(reference)
            if found is None:
                self.read.skip("medicines named only by a link to elsewhere (never fetched)")
                continue
            self._medication_add(*found, data, source)
        self.pending.clear()


def _content_type(attachment: dict[str, Any]) -> str:
    return media_type(_s(attachment.get("contentType"), 100))


def _observation_value(data: dict[str, Any]) -> tuple[str, str]:
    """(code, words) of an Observation's value, whatever its type."""
    if "valueCodeableConcept" in data:
        code, _system, words, _pairs = codeable(data["valueCodeableConcept"])
        return code, words or code
    quantity = _d(data.get("valueQuantity"))
    if quantity:
        value = quantity.get("value")
        number = value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
        unit = _s(quantity.get("unit"), 20) or _s(quantity.get("code"), 20)
        return "", f"{number:g} {unit}".strip() if number is not None else ""
    if isinstance(data.get("valueString"), str):
        return "", _s(data["valueString"], 200)
    if isinstance(data.get("valueInteger"), int):
        return "", str(data["valueInteger"])
    interpretation = _l(data.get("interpretation"))
    if interpretation:
        code, _system, words, _pairs = codeable(interpretation[0])
        return code, words
    return "", ""


def _not_fhir(name: str) -> str:
    return (
        f"{name}: this JSON file is not a FHIR health record (it has no resourceType). "
        "Nothing was imported."
    )


def _too_many(limits: Limits) -> str:
    return (
        f"This download holds more than {limits.max_resources:,} records, more than one import "
        "takes. Nothing was imported. Ask the portal for a shorter date range, or import it in "
        "parts."
    )


_OPEN = ("start_map", "start_array")
_CLOSE = ("end_map", "end_array")


@dataclass
class _Shape:
    """What the checking pass learns of a JSON file's top level."""

    top: str = ""  # the first parser event: "start_map" when the file is one object
    # The first event of each top-level key read here: ("string", "Bundle"), ("start_array", None)
    first: dict[str, tuple[str, Any]] = field(default_factory=dict)
    entries: int = 0  # items of the top-level "entry"

    def note(self, prefix: str, event: str, value: Any, level: int) -> None:
        if not self.top:
            self.top = event
        elif level == 2 and prefix == "entry.item":
            self.entries += 1
        elif prefix in ("resourceType", "entry") and prefix not in self.first:
            self.first[prefix] = (event, value)


def _json_scan(path: Path, *, name: str, max_depth: int) -> _Shape:
    """The first pass: the whole file parsed, nothing built. Plain refusals for a file that is
    not valid JSON or is nested deeper than `max_depth` (the parser itself has no limit, and a
    file of a million brackets must not become a million nested objects in the second pass)."""
    shape = _Shape()
    depth = 0
    with open(path, "rb") as raw, _not_json_refused(name):
        for prefix, event, value in ijson.parse(_utf8(raw), use_float=True):
            if depth <= 2:  # the top level: the object, its keys' values, the entries
                shape.note(prefix, event, value, depth)
            if event in _OPEN:
                depth += 1
                if depth > max_depth:
                    raise PortalRefused(
                        f"{name}: this JSON file is nested far too deeply to be a health record."
                    )
            elif event in _CLOSE:
                depth -= 1
    return shape


def _json_items(path: Path, *, name: str, prefix: str) -> Iterator[Any]:
    """The values at `prefix` ("" for the whole file, "entry.item" for a Bundle's entries),
    built one at a time; numbers as int and float, as `json` gives them (not Decimal)."""
    with open(path, "rb") as raw, _not_json_refused(name):
        yield from ijson.items(_utf8(raw), prefix, use_float=True)


@contextmanager
def _not_json_refused(name: str) -> Iterator[None]:
    try:
        yield
    except (ijson.JSONError, ValueError) as exc:
        raise PortalRefused(f"{name}: this file is not valid JSON, so it cannot be read.") from exc


class _Readable(Protocol):
    def read(self, size: int, /) -> bytes: ...


class _Utf8Reader:
    """A file in another Unicode encoding (UTF-16, or UTF-8 with a byte-order mark) read as plain
    UTF-8, the one encoding the streaming parser takes; `json.loads` took them, and so do we."""

    def __init__(self, raw: IO[bytes], encoding: str) -> None:
        self.text = io.TextIOWrapper(raw, encoding=encoding)

    def read(self, size: int, /) -> bytes:
        return self.text.read(max(size // 4, 1)).encode() if size else b""


def _utf8(raw: IO[bytes]) -> _Readable:
    encoding = json.detect_encoding(raw.read(4))
    raw.seek(0)
    return raw if encoding == "utf-8" else _Utf8Reader(raw, encoding)


def _count_in_file(path: Path, needle: bytes, chunk: int = 1024 * 1024) -> int:
    """How often `needle` occurs in a file, read a chunk at a time."""
    count, tail = 0, b""
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            data = tail + block
            count += data.count(needle)
            # Keep the end that could begin a match split across chunks (it cannot hold one).
            tail = data[-(len(needle) - 1) :]
    return count


def _lines(fh: IO[bytes], limit: int, name: str) -> Iterator[bytes]:
    while True:
        line = fh.readline(limit + 1)
        if not line:
            return
        if len(line) > limit:
            raise PortalRefused(
                f"{name}: one line is longer than {limit / 1_048_576:,.0f} MB; this is not "
                "a bulk export we can read. Nothing was imported."
            )
        yield line


_HANDLERS = {
    "Patient": FhirReader._patient,
    "Condition": FhirReader._condition,
    "Procedure": FhirReader._procedure,
    "Observation": FhirReader._observation,
    "DiagnosticReport": FhirReader._report,
    "DocumentReference": FhirReader._document_reference,
    "Medication": FhirReader._medication_resource,
    **dict.fromkeys(MEDICATION_TYPES, FhirReader._medication),
}
