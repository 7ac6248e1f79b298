"""C-CDA documents (HL7 CDA R2 XML), read with lxml under a hardened parser.

Safety first, because the file comes from outside:
- a DOCTYPE or ENTITY declaration anywhere before the root element refuses the file outright
  (that is where entity bombs and external entities live; no real C-CDA needs one);
- lxml runs with `resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False`,
  so nothing a document names is fetched or expanded, and libxml2's own size limits hold;
- the stylesheet a portal ships beside the document (`<?xml-stylesheet?>`, CDA.xsl) is never
  run: only the XML is read.
The document is read as a stream (`iterparse`): each section is handled when it ends and then
dropped, and the narrative is written to a spool file as it goes, so memory stays flat however
long the document is.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import tempfile
from pathlib import Path
from typing import IO

from lxml import etree

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
    PortalDocument,
    PortalMedication,
    PortalObservation,
    PortalPatient,
    PortalProcedure,
    PortalRead,
    PortalRefused,
    Source,
)

V3 = "urn:hl7-org:v3"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
NS = {"v3": V3}
PROLOG_SCAN_BYTES = 1024 * 1024

# Templates (C-CDA R2.1 entry templateId roots) read as items.
PROBLEM_OBSERVATION = "2.16.840.1.113883.10.20.22.4.4"
MEDICATION_ACTIVITY = "2.16.840.1.113883.10.20.22.4.16"
PROCEDURE_ACTIVITIES = {
    "2.16.840.1.113883.10.20.22.4.14",
    "2.16.840.1.113883.10.20.22.4.13",
    "2.16.840.1.113883.10.20.22.4.12",
}
RESULT_OBSERVATION = "2.16.840.1.113883.10.20.22.4.2"

_BLOCK = {f"{{{V3}}}{t}" for t in ("paragraph", "br", "tr", "item", "caption", "list", "table")}
_CELL = {f"{{{V3}}}td", f"{{{V3}}}th"}


def _q(tag: str) -> str:
    return f"{{{V3}}}{tag}"


ENTRY, SECTION, COMPONENT = _q("entry"), _q("section"), _q("component")
RECORD_TARGET, NON_XML_BODY = _q("recordTarget"), _q("nonXMLBody")
_WANTED = (RECORD_TARGET, SECTION, ENTRY, NON_XML_BODY)
SECTION_PATH = "/ClinicalDocument/component/structuredBody//section"


def prolog_check(path: Path) -> None:
    """Refuse DOCTYPE / ENTITY declarations (and anything that is not XML) before parsing."""
    with open(path, "rb") as fh:
        head = fh.read(PROLOG_SCAN_BYTES)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[1:2] == b"\x00" or head[:1] == b"\x00":
        text = head.decode("utf-16", errors="replace")
    else:
        text = head.decode("utf-8", errors="replace")
    root = re.search(r"<[A-Za-z_]", text)
    prolog = text[: root.start()] if root else text
    if re.search(r"<!\s*(DOCTYPE|ENTITY)", prolog, re.I) or (
        not root and re.search(r"<!\s*(DOCTYPE|ENTITY)", text, re.I)
    ):
        raise PortalRefused(
            "This XML file declares its own entities or document type (a DOCTYPE). Health "
            "records never need one, and it is how harmful files hide their tricks, so we did "
            "not read it. Nothing was imported."
        )
    if not root:
        raise PortalRefused("This file does not start like a health record (C-CDA XML).")


def _parser_options() -> dict[str, bool]:
    return {
        "resolve_entities": False,
        "no_network": True,
        "huge_tree": False,
        "load_dtd": False,
        "dtd_validation": False,
        "remove_comments": True,
        "remove_pis": True,  # <?xml-stylesheet?> included: nothing from the file is run
    }


def is_cda(path: Path) -> bool:
    """True when the root element is a CDA ClinicalDocument (XDM index files are not)."""
    prolog_check(path)  # a DOCTYPE refuses the whole download, wherever it is
    try:
        for _event, elem in etree.iterparse(str(path), events=("start",), **_parser_options()):
            return bool(elem.tag == _q("ClinicalDocument"))
    except (etree.XMLSyntaxError, OSError):
        return False
    return False


def ccda_read(path: Path, *, name: str, read: PortalRead, spool_dir: Path, limits: Limits) -> None:
    """Read one C-CDA document into `read`; raises `PortalRefused` for a file refused whole."""
    if path.stat().st_size > limits.max_bytes:
        raise PortalRefused(_too_large(path.stat().st_size, limits))
    prolog_check(path)
    if not is_cda(path):
        raise PortalRefused(f"{name}: this XML file is not a clinical document (C-CDA).")
    reader = _CdaReader(name=name, read=read, spool_dir=spool_dir, limits=limits)
    try:
        reader.run(path)
    except etree.XMLSyntaxError as exc:
        reader.discard()
        raise PortalRefused(
            f"{name}: this XML file is damaged or not a health record (line {exc.lineno or '?'}). "
            "Nothing was imported."
        ) from exc
    except BaseException:
        reader.discard()
        raise


def _too_large(size: int, limits: Limits) -> str:
    return (
        f"This file is {size / 1_048_576:,.0f} MB; one health-record file can be at most "
        f"{limits.max_bytes / 1_048_576:,.0f} MB. Nothing was imported. Ask the portal for a "
        "shorter date range, or download the records in parts."
    )


class _CdaReader:
    def __init__(self, *, name: str, read: PortalRead, spool_dir: Path, limits: Limits) -> None:
        self.name = name
        self.read = read
        self.limits = limits
        self.spool_dir = spool_dir
        self.title = ""
        self.code = ""
        self.date = ""
        self.sections = 0
        self.entry_number = 0
        self.entries = 0
        self.spool: IO[bytes] | None = None
        self.spool_path: Path | None = None
        self.digest = hashlib.sha256()
        self.written = 0

    # --- the stream -------------------------------------------------------------------

    def run(self, path: Path) -> None:
        header = False
        for _event, elem in etree.iterparse(
            str(path), events=("end",), tag=_WANTED, **_parser_options()
        ):
            if not header:
                # The header (code, title, date) comes before the patient and the body.
                header = True
                self._header(elem.getroottree().getroot())
            tag = elem.tag
            if tag == ENTRY:
                self.entry_number += 1
                ref = f"{SECTION_PATH}[{self.sections + 1}]/entry[{self.entry_number}]"
                self._entry_read(elem, Source(self.name, ref))
                elem.clear(keep_tail=True)
                _drop_before(elem, ENTRY)
            elif tag == SECTION:
                self.sections += 1
                self.entry_number = 0
                self._section(elem)
                elem.clear(keep_tail=True)
                parent = elem.getparent()
                if parent is not None:
                    _drop_before(parent, COMPONENT)
            elif tag == RECORD_TARGET:
                self._patient(elem)
                elem.clear(keep_tail=True)
            elif tag == NON_XML_BODY:
                self._non_xml_body(elem)
                elem.clear(keep_tail=True)
        self._finish()

    def _header(self, root: etree._Element) -> None:
        self.title = " ".join(root.findtext("v3:title", "", NS).split())[:200]
        code = root.find("v3:code", NS)
        self.code = code.get("code", "") if code is not None else ""
        when = root.find("v3:effectiveTime", NS)
        self.date = _cda_date(when.get("value", "")) if when is not None else ""

    def discard(self) -> None:
        if self.spool is not None:
            self.spool.close()
            self.spool = None
        if self.spool_path is not None:
            self.spool_path.unlink(missing_ok=True)

    # --- parts ------------------------------------------------------------------------

    def _patient(self, elem: etree._Element) -> None:
        patient = elem.find("v3:patientRole/v3:patient", NS)
        if patient is None:
            return
        name = patient.find("v3:name", NS)
        given = family = ""
        if name is not None:
            given = " ".join(" ".join(g.itertext()).strip() for g in name.findall("v3:given", NS))
            family = " ".join(" ".join(f.itertext()).strip() for f in name.findall("v3:family", NS))
            if not (given or family):
                given = " ".join("".join(name.itertext()).split())
        birth = patient.find("v3:birthTime", NS)
        self.read.patients.append(
            PortalPatient(
                name=" ".join(w for w in (given, family) if w)[:200],
                family=family[:100],
                given=given[:100],
                birth_date=_cda_date(birth.get("value", "") if birth is not None else ""),
                source=Source(self.name, "/ClinicalDocument/recordTarget"),
            )
        )

    def _section(self, section: etree._Element) -> None:
        title = " ".join(section.findtext("v3:title", "", NS).split())
        text = section.find("v3:text", NS)
        narrative = narrative_text(text) if text is not None else ""
        if title or narrative:
            self._write(f"\n{title.upper()}\n" if title else "\n")
            self._write(narrative + "\n")

    def _entry_read(self, entry: etree._Element, source: Source) -> None:
        self.entries += 1
        self.read.resources += 1
        if self.read.resources > self.limits.max_resources:
            raise PortalRefused(_too_many(self.limits))
        self._entry(entry, source)

    def _entry(self, entry: etree._Element, source: Source) -> None:
        found = False
        for elem in entry.iter(_q("observation"), _q("substanceAdministration"), _q("procedure")):
            templates = {t.get("root", "") for t in elem.findall("v3:templateId", NS)}
            if elem.tag == _q("observation") and PROBLEM_OBSERVATION in templates:
                found = self._condition(elem, source) or found
            elif elem.tag == _q("observation") and RESULT_OBSERVATION in templates:
                found = self._observation(elem, source) or found
            elif elem.tag == _q("substanceAdministration") and MEDICATION_ACTIVITY in templates:
                found = self._medication(elem, source) or found
            elif elem.tag == _q("procedure") or PROCEDURE_ACTIVITIES & templates:
                found = self._procedure(elem, source) or found
        if not found:
            self.read.skip("CDA entries of other kinds (allergies, vital signs, visits...)")

    def _condition(self, elem: etree._Element, source: Source) -> bool:
        value = elem.find("v3:value", NS)
        if value is None:
            return False
        coded = [value, *value.findall("v3:translation", NS)]
        best = _best_coded(coded, prefer=(codes.ICD10, codes.SNOMED))
        text = _display(value, elem) or (best.get("displayName", "") if best is not None else "")
        if not text and best is None:
            self.read.skip("problems without a name or code")
            return True
        system = codes.SYSTEMS.get(best.get("codeSystem", ""), "") if best is not None else ""
        code = best.get("code", "") if best is not None else ""
        cancer, cancer_type = False, ""
        for candidate in coded:
            c_system = codes.SYSTEMS.get(candidate.get("codeSystem", ""), "")
            cancer, cancer_type = codes.condition_cancer(
                system=c_system, code=candidate.get("code", ""), text=text
            )
            if cancer:
                break
        identity = f"condition:{system}:{code or text.lower()}"
        if self.read.first_time(identity):
            self.read.conditions.append(
                PortalCondition(
                    text=text[:300] or code,
                    code=code,
                    system=system,
                    cancer=cancer,
                    cancer_type=cancer_type,
                    date=_effective(elem),
                    source=source,
                    identity=identity,
                )
            )
        else:
            self.read.skip("the same condition listed again")
        return True

    def _medication(self, elem: etree._Element, source: Source) -> bool:
        material = elem.find("v3:consumable/v3:manufacturedProduct/v3:manufacturedMaterial", NS)
        if material is None:
            return False
        code_el = material.find("v3:code", NS)
        name = _display(code_el, material) if code_el is not None else ""
        name = name or " ".join("".join(material.findtext("v3:name", "", NS)).split())
        code = code_el.get("code", "") if code_el is not None else ""
        system = codes.SYSTEMS.get(code_el.get("codeSystem", ""), "") if code_el is not None else ""
        if not name and not code:
            self.read.skip("medicines without a name or code")
            return True
        identity = f"medication:{system}:{code or name.lower()}"
        if self.read.first_time(identity):
            drug, modality = codes.cancer_drug(name)
            self.read.medications.append(
                PortalMedication(
                    name=name[:300] or code,
                    code=code,
                    system=system,
                    cancer_drug=drug,
                    modality=modality,
                    date=_effective(elem),
                    source=source,
                    identity=identity,
                )
            )
        else:
            self.read.skip("the same medicine listed again")
        return True

    def _procedure(self, elem: etree._Element, source: Source) -> bool:
        code_el = elem.find("v3:code", NS)
        if code_el is None:
            return False
        name = _display(code_el, elem)
        code = code_el.get("code", "")
        system = codes.SYSTEMS.get(code_el.get("codeSystem", ""), "")
        if not name and not code:
            return False
        date = _effective(elem)
        identity = f"procedure:{system}:{code or name.lower()}:{date}"
        if self.read.first_time(identity):
            self.read.procedures.append(
                PortalProcedure(
                    name=name[:300] or code,
                    code=code,
                    system=system,
                    category=codes.procedure_category(
                        code=code, system=system, text=name, profiles=[]
                    ),
                    date=date,
                    source=source,
                    identity=identity,
                )
            )
        else:
            self.read.skip("the same procedure listed again")
        return True

    def _observation(self, elem: etree._Element, source: Source) -> bool:
        code_el = elem.find("v3:code", NS)
        code = code_el.get("code", "") if code_el is not None else ""
        if code not in codes.OBSERVATION_LOINC:
            self.read.skip("lab and other results (kept in the document's text)")
            return True
        field, label = codes.OBSERVATION_LOINC[code]
        value = elem.find("v3:value", NS)
        raw = _value_text(value)
        date = _effective(elem)
        identity = f"observation:{code}:{raw}:{date}"
        if self.read.first_time(identity):
            self.read.observations.append(
                PortalObservation(
                    field=field,
                    name=label,
                    code=code,
                    value=codes.observation_value(
                        field, code=value.get("code", "") if value is not None else "", text=raw
                    ),
                    date=date,
                    source=source,
                    identity=identity,
                )
            )
        else:
            self.read.skip("the same observation listed again")
        return True

    def _non_xml_body(self, elem: etree._Element) -> None:
        """A document given whole as base64 (usually a PDF), held to the same checks as a FHIR
        attachment: one whose bytes are not what `mediaType` says is skipped and named."""
        text = elem.find("v3:text", NS)
        if text is None or text.get("representation", "").upper() != "B64":
            self.read.skip("document bodies given only as a link (we never fetch links)")
            return
        raw = "".join(text.itertext())
        if len(raw) * 3 // 4 > self.limits.max_document_bytes:
            self.read.skip("attachments larger than the limit")
            return
        try:
            data = base64.b64decode("".join(raw.split()), validate=True)
        except (binascii.Error, ValueError):
            self.read.skip("attachments whose contents are damaged (not valid base64)")
            return
        # CDA's ED data type: a body without a mediaType is text/plain.
        declared = media_type(text.get("mediaType", "")) or "text/plain"
        document = spooled_document(
            data,
            DocumentMeta(
                title=self.title or self.name,
                code=self.code,
                content_type=declared,
                date=self.date,
                source=Source(self.name, "/ClinicalDocument/component/nonXMLBody/text"),
            ),
            spool_dir=self.spool_dir,
        )
        problem = attachment_problem(document.path, declared=declared)
        if problem:
            document.path.unlink(missing_ok=True)
            self.read.skip(problem)
            return
        self.read.documents.append(document)

    # --- the narrative document -------------------------------------------------------

    def _write(self, text: str) -> None:
        if self.spool is None:
            handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed in _finish / discard
                dir=self.spool_dir, prefix=".portal-", suffix=".txt", delete=False
            )
            self.spool, self.spool_path = handle, Path(handle.name)
            header = f"{self.title or 'Health record'}\n"
            if self.date:
                header += f"Date: {self.date}\n"
            self._write_bytes(header.encode())
        self._write_bytes(text.encode())

    def _write_bytes(self, data: bytes) -> None:
        if self.written + len(data) > self.limits.max_document_bytes:
            return  # the narrative is capped; the items are still read
        assert self.spool is not None
        self.spool.write(data)
        self.digest.update(data)
        self.written += len(data)

    def _finish(self) -> None:
        if self.spool is None or self.spool_path is None:
            return
        self.spool.close()
        self.spool = None
        doc_type = codes.document_type(self.code, self.title)
        self.read.documents.append(
            PortalDocument(
                title=self.title or self.name,
                doc_type=doc_type,
                code=self.code,
                content_type="text/plain",
                path=self.spool_path,
                date=self.date,
                source=Source(self.name, "/ClinicalDocument/component/structuredBody"),
                identity=f"document:{self.digest.hexdigest()}",
            )
        )


def _too_many(limits: Limits) -> str:
    return (
        f"This download holds more than {limits.max_resources:,} records, more than one import "
        "takes. Nothing was imported. Ask the portal for a shorter date range, or import it in "
        "parts."
    )


def _drop_before(elem: etree._Element, tag: str) -> None:
    """Remove the finished sibling of the same kind before `elem`, so the tree built so far
    stays small (each one removes the one before it, so there is at most one)."""
    previous = elem.getprevious()
    parent = elem.getparent()
    if previous is not None and parent is not None and previous.tag == tag:
        parent.remove(previous)


def narrative_text(elem: etree._Element) -> str:
    """A CDA narrative block as plain text: paragraphs and rows on their own lines, table
    cells separated by " | ". The breaks are put into the (already finished, soon cleared) tree
    so that lxml joins the text in C."""
    for node in elem.iter(*_BLOCK):
        node.text = "\n" + (node.text or "")
        node.tail = "\n" + (node.tail or "")
    for node in elem.iter(*_CELL):
        node.tail = "\t" + (node.tail or "")
    lines = []
    for line in "".join(elem.itertext()).split("\n"):
        if "\t" in line:
            cells = (" ".join(cell.split()) for cell in line.split("\t"))
            line = " | ".join(cell for cell in cells if cell)
        else:
            line = " ".join(line.split())
        if line:
            lines.append(line)
    return "\n".join(lines)


def _best_coded(
    elements: list[etree._Element], *, prefer: tuple[str, ...]
) -> etree._Element | None:
    coded = [e for e in elements if e.get("code")]
    for system in prefer:
        for elem in coded:
            if codes.SYSTEMS.get(elem.get("codeSystem", "")) == system:
                return elem
    return coded[0] if coded else None


def _display(code_el: etree._Element | None, context: etree._Element) -> str:
    if code_el is None:
        return ""
    original = code_el.find("v3:originalText", NS)
    words = " ".join("".join(original.itertext()).split()) if original is not None else ""
    if words:
        return words
    return " ".join(code_el.get("displayName", "").split())


def _value_text(value: etree._Element | None) -> str:
    if value is None:
        return ""
    kind = value.get(XSI_TYPE, "")
    if kind.endswith("PQ"):
        return f"{value.get('value', '')} {value.get('unit', '')}".strip()
    if value.get("displayName") or value.get("code"):
        return str(value.get("displayName") or value.get("code", ""))
    return " ".join("".join(value.itertext()).split())


def _effective(elem: etree._Element) -> str:
    time = elem.find("v3:effectiveTime", NS)
    if time is None:
        return ""
    low = time.find("v3:low", NS)
    value = time.get("value") or (low.get("value", "") if low is not None else "")
    return _cda_date(value or "")


def _cda_date(value: str) -> str:
    """CDA TS "20240115103000-0500" -> "2024-01-15" ("" when absent or not a date)."""
    digits = re.match(r"^(\d{4})(\d{2})?(\d{2})?", value or "")
    if not digits:
        return ""
    year, month, day = digits.group(1), digits.group(2) or "", digits.group(3) or ""
    if month and day:
        return f"{year}-{month}-{day}"
    return ""
