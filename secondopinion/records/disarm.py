"""A stored PDF from outside, disarmed: the copy people open, and the untouched original kept aside.

Pure (no Django): takes the storage root and a `StoredFile`, returns plain data. The copy is written
by pikepdf (`core.pdfsafe`) to a hidden temporary file, then stored like any upload (hashed in one
pass, server-made name). When nothing needed removing, no copy is made and the upload is used as is.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import pikepdf

from secondopinion.core.pdfsafe import PdfRefused, pdf_disarm
from secondopinion.core.vault import files as vault_files

# pypdf (detect.py) read the file, but qpdf may still fail on it while rewriting: refused, plainly.
UNSAFE_MESSAGE = (
    "This PDF could not be checked for programs hidden inside it, so it was not saved. Please "
    "save it again (or print it to a new PDF) and upload the copy."
)

__all__ = ["DisarmedPdf", "PdfRefused", "removed_words", "stored_pdf_disarm"]


@dataclass(frozen=True)
class DisarmedPdf:
    """`copy` is None when the PDF held no active content (the upload itself is safe to open)."""

    copy: vault_files.StoredFile | None = None
    removed: list[str] = field(default_factory=list)


def removed_words(removed: list[str]) -> str:
    """What was taken out, once each, in the order found: "scripts; a fillable form"."""
    return "; ".join(dict.fromkeys(removed))[:300]


def stored_pdf_disarm(*, root: Path, stored: vault_files.StoredFile) -> DisarmedPdf:
    """Disarm the stored PDF `stored` into a new stored file beside it. Raises PdfRefused for an
    encrypted or unreadable PDF; the upload is never changed."""
    scratch = root / f"{vault_files.TMP_PREFIX}disarm-{secrets.token_hex(8)}.pdf"
    try:
        try:
            result = pdf_disarm(stored.path, scratch)
        except PdfRefused:
            raise
        except (pikepdf.PdfError, RuntimeError, ValueError, KeyError, TypeError) as exc:
            raise PdfRefused(UNSAFE_MESSAGE) from exc
        if not result.changed:
            return DisarmedPdf()
        # In the upload's own folder: a portal import removes its folder if its run dies.
        folder = PurePosixPath(stored.name).parent.as_posix()
        copy = vault_files.file_store(scratch, root=root, folder="" if folder == "." else folder)
    finally:
        scratch.unlink(missing_ok=True)
    return DisarmedPdf(copy=copy, removed=list(result.removed))
