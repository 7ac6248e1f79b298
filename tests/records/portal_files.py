"""Portal downloads made on the fly for tests: an IHE XDM ZIP around a C-CDA, harmful XML."""

from __future__ import annotations

import base64
import io
import json
import zipfile
from pathlib import Path

from tests.records import portal_bundles

DATA = Path(__file__).resolve().parent / "data" / "portal"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "portal-records"
if not SHARED.is_dir():  # a worktree beside /work/shared, or the main checkout
    SHARED = Path("/work/shared/data/portal-records")
PATHOLOGY_CCDA = DATA / "pathology-ccda.xml"

METADATA = b"""<?xml version="1.0" encoding="UTF-8"?>
<lcm:SubmitObjectsRequest xmlns:lcm="urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0"
  xmlns:rim="urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0">
  <rim:RegistryObjectList>
    <rim:ExtrinsicObject id="Document01" mimeType="text/xml"
      objectType="urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1">
      <rim:Slot name="URI"><rim:ValueList><rim:Value>DOC0001.XML</rim:Value></rim:ValueList></rim:Slot>
    </rim:ExtrinsicObject>
  </rim:RegistryObjectList>
</lcm:SubmitObjectsRequest>
"""
STYLESHEET = b"""<?xml version="1.0"?>
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:template match="/"><xsl:value-of select="document('http://example.org/steal')"/></xsl:template>
</xsl:stylesheet>
"""


def xdm_zip(document: bytes | None = None) -> bytes:
    """An IHE XDM package as a portal hands it out: index, readme, stylesheet, one C-CDA."""
    document = document if document is not None else PATHOLOGY_CCDA.read_bytes()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "INDEX.HTM",
            "<html><body><a href='IHE_XDM/SUBSET01/DOC0001.XML'>Record</a></body></html>",
        )
        zf.writestr("README.TXT", "Health record exported from the patient portal.")
        zf.writestr("IHE_XDM/SUBSET01/METADATA.XML", METADATA)
        zf.writestr("IHE_XDM/SUBSET01/DOC0001.XML", document)
        zf.writestr("IHE_XDM/SUBSET01/CDA.XSL", STYLESHEET)
    return buffer.getvalue()


def non_xml_ccda(data: bytes, *, media_type: str = "application/pdf") -> bytes:
    """The pathology C-CDA with its body given whole as base64 (`nonXMLBody`), as some
    portals send a scanned or PDF report."""
    head = PATHOLOGY_CCDA.read_bytes().split(b"<component>", 1)[0]
    body = base64.encodebytes(data)
    return (
        head
        + b'<component><nonXMLBody><text mediaType="'
        + media_type.encode()
        + b'" representation="B64">\n'
        + body
        + b"</text></nonXMLBody></component></ClinicalDocument>\n"
    )


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<ClinicalDocument xmlns="urn:hl7-org:v3"><title>&lol9;</title></ClinicalDocument>
"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE ClinicalDocument [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<ClinicalDocument xmlns="urn:hl7-org:v3"><title>&xxe;</title></ClinicalDocument>
"""


def big_ccd(path: Path, *, megabytes: int) -> Path:
    """A C-CDA of about `megabytes` MB: one results section with many narrative rows and
    entries, written in chunks (never held in memory)."""
    head = PATHOLOGY_CCDA.read_bytes()
    start, end = head.split(b"</structuredBody>")
    paragraph = (
        b"<paragraph>Hemoglobin 13.2 g/dL (reference range 12.0-15.5), collected on a routine "
        b"visit; no change from the last result.</paragraph>"
    )
    entry = (
        b'<entry><observation classCode="OBS" moodCode="EVN">'
        b'<templateId root="2.16.840.1.113883.10.20.22.4.2"/>'
        b'<code code="718-7" codeSystem="2.16.840.1.113883.6.1"/></observation></entry>'
    )
    # A results section of a long lab history: narrative rows, and one coded result in ten.
    section = (
        b"<component><section><title>Results</title><text>"
        + paragraph * 40
        + b"</text>"
        + entry * 4
        + b"</section></component>\n"
    )
    block = section * 20
    target = megabytes * 1024 * 1024
    with open(path, "wb") as fh:
        fh.write(start)
        written = len(start)
        while written < target:
            fh.write(block)
            written += len(block)
        fh.write(b"</structuredBody>" + end)
    return path


def big_bundle(path: Path, *, megabytes: int) -> Path:
    """One FHIR Bundle of about `megabytes` MB: the breast mCODE bundle's entries again and
    again (the same resources, so what is read stays the same size and only the file grows),
    written entry by entry."""
    entries = [json.dumps(e) for e in portal_bundles.bundle("breast")["entry"]]
    target = megabytes * 1024 * 1024
    with open(path, "w") as fh:
        written = fh.write('{"resourceType": "Bundle", "type": "collection", "entry": [')
        number = 0
        while written < target:
            written += fh.write(("," if number else "") + entries[number % len(entries)])
            number += 1
        fh.write("]}")
    return path
