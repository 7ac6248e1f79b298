"""Report text from a file: plain text or a PDF's text layer (pure, no Django).

``text_from_file(path)`` and ``text_from_bytes(data, name=...)`` return the report text or
raise ``TextExtractionError`` with a plain message naming the problem: empty file, binary
data, a file too large, a "PDF" that is not one, an encrypted PDF, or a scanned PDF with no
text layer. The type is decided from the bytes, not from the name.
"""

from __future__ import annotations

import io
import logging
import warnings
from pathlib import Path

from secondopinion.core.textcodec import text_decode

MAX_FILE_BYTES = 20 * 1024 * 1024  # a pathology report is kilobytes; 20 MB is generous
MAX_PDF_PAGES = 200
MAX_TEXT_CHARS = 2_000_000


class TextExtractionError(ValueError):
    """The file cannot give us report text; ``str(error)`` is a message for people."""


def text_from_file(path: str | Path) -> str:
    p = Path(path)
    if not p.exists():
        raise TextExtractionError(f"File not found: {p.name}")
    if not p.is_file():
        raise TextExtractionError(f"Not a file: {p.name}")
    size = p.stat().st_size
    if size > MAX_FILE_BYTES:
        raise TextExtractionError(
            f"The file is too large ({size // (1024 * 1024)} MB). A pathology report should be "
            f"smaller than {MAX_FILE_BYTES // (1024 * 1024)} MB."
        )
    return text_from_bytes(p.read_bytes(), name=p.name)


def text_from_bytes(data: bytes, *, name: str = "") -> str:
    if not data or not data.strip():
        raise TextExtractionError("The file is empty.")
    if len(data) > MAX_FILE_BYTES:
        raise TextExtractionError(
            f"The file is too large. A pathology report should be smaller than "
            f"{MAX_FILE_BYTES // (1024 * 1024)} MB."
        )
    if data.lstrip()[:5] == b"%PDF-":
        return _pdf_text(data)
    if name.lower().endswith(".pdf"):
        raise TextExtractionError("The file is named .pdf but is not a PDF.")
    return _plain_text(data)


def _plain_text(data: bytes) -> str:
    text = text_decode(data)
    if text is None or _looks_binary(text):
        raise TextExtractionError(
            "The file does not look like text. Upload the report as a PDF or a plain text file."
        )
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise TextExtractionError("The file is empty.")
    return text[:MAX_TEXT_CHARS]


def _looks_binary(text: str) -> bool:
    sample = text[:20000]
    if not sample:
        return True
    bad = sum(
        1
        for ch in sample
        if ch == "\ufffd" or (ord(ch) < 32 and ch not in "\n\r\t\f\v") or 0x7F <= ord(ch) < 0xA0
    )
    letters = sum(1 for ch in sample if ch.isalpha())
    return bad / len(sample) > 0.05 or letters / len(sample) < 0.2


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader  # noqa: PLC0415 - heavy, only to read a PDF
    from pypdf.errors import PdfReadError  # noqa: PLC0415 - heavy, only to read a PDF

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                try:
                    # Many "protected" PDFs only restrict printing; they open with no password.
                    if not reader.decrypt(""):
                        raise TextExtractionError(
                            "The PDF is protected by a password. Save an unprotected copy and "
                            "upload that."
                        )
                except TextExtractionError:
                    raise
                except Exception as exc:
                    raise TextExtractionError(
                        "The PDF is protected by a password. Save an unprotected copy and upload "
                        "that."
                    ) from exc
            pages = reader.pages
            if len(pages) > MAX_PDF_PAGES:
                raise TextExtractionError(
                    f"The PDF has {len(pages)} pages; a pathology report should have at most "
                    f"{MAX_PDF_PAGES}."
                )
            parts = []
            total = 0
            for page in pages:
                chunk = page.extract_text() or ""
                parts.append(chunk)
                total += len(chunk)
                if total > MAX_TEXT_CHARS:
                    break
    except TextExtractionError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, RecursionError) as exc:
        raise TextExtractionError("The file is damaged or is not a real PDF.") from exc
    except Exception as exc:  # pypdf raises many kinds on hostile files; none may escape
        raise TextExtractionError("The PDF could not be read.") from exc
    text = "\n".join(parts)[:MAX_TEXT_CHARS]
    if sum(ch.isalnum() for ch in text) < 20:
        raise TextExtractionError(
            "This PDF has no text layer (it looks like a scan). Text cannot be read from it "
            "without OCR; you can type the key parts or upload a text version."
        )
    return text
