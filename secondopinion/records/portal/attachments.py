"""Documents attached inside a download (FHIR base64 attachments, a C-CDA `nonXMLBody`).

One place for both formats, so that a base64 body is held to the same rules whichever record
carries it: its bytes are spooled to a file (never kept in memory), then run through the upload
checks (`records.detect`), and a body whose declared type does not match its bytes is refused.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from secondopinion.records import detect
from secondopinion.records.portal import codes
from secondopinion.records.portal.model import DocumentMeta, PortalDocument

# Declared types kept as documents, and the kind the upload checks must find in the bytes.
MIME_KIND = {
    "application/pdf": "pdf",
    "text/plain": "text",
    "image/jpeg": "image",
    "image/png": "image",
    "image/tiff": "image",
    "image/gif": "image",
}


def spooled_document(data: bytes, meta: DocumentMeta, *, spool_dir: Path) -> PortalDocument:
    """Bytes of an attachment written to a temporary file in `spool_dir`."""
    with tempfile.NamedTemporaryFile(
        dir=spool_dir, prefix=".portal-", suffix=".bin", delete=False
    ) as handle:
        handle.write(data)
    return PortalDocument(
        title=meta.title[:200],
        doc_type=codes.document_type(meta.code, meta.title, lab=meta.lab),
        code=meta.code,
        content_type=meta.content_type[:100],
        path=Path(handle.name),
        date=meta.date,
        source=meta.source,
        identity=f"document:{hashlib.sha256(data).hexdigest()}",
    )


def attachment_problem(path: Path, *, declared: str) -> str:
    """A skip reason when an attachment is refused by the upload checks or lies about its type."""
    if declared in ("text/html", "application/xhtml+xml", "text/xml", "application/xml"):
        return f"attachments of type {declared} (web pages and XML are not kept as documents)"
    try:
        detected = detect.file_check(path, name="attachment")
    except detect.UnsupportedFile as exc:
        return f"attachments refused by the file checks: {exc.message}"
    expected = MIME_KIND.get(declared)
    if expected is None:
        return f"attachments of a kind we do not keep ({declared or 'no type given'})"
    if detected.kind != expected:
        return (
            f"attachments whose contents are not what they say (said {declared}, "
            f"held {detected.kind})"
        )
    return ""


def media_type(declared: str) -> str:
    """A declared type as the checks compare it: "Application/PDF; charset=x" -> "application/pdf"."""
    return declared.split(";")[0].strip().lower()
