"""An agreement's text from a file or a paste (pure, no Django).

Plain text and PDF text layers go through the pathology text reader (same decoding and
hostile-PDF guards). A saved web page is reduced to its visible text by the standard library's
HTML parser: nothing in it is run, scripts and styles are dropped, links are never followed.
Limits keep the time bounded: a text over ``MAX_CHARS`` is refused plainly, never read in part.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from secondopinion.core import textfile
from secondopinion.core.textfile import TextExtractionError

MAX_BYTES = 20 * 1024 * 1024
MAX_CHARS = 1_000_000  # about 350 dense pages; read in about 5 s (the work grows linearly)
MAX_PDF_PAGES = 400

__all__ = [
    "TextExtractionError",
    "agreement_text",
    "agreement_text_from_bytes",
    "html_to_text",
    "text_checked",
]

_HTML_SIGN = re.compile(r"<\s*(!doctype\s+html|html|body|head|p|div|script|br|span|h[1-6])\b", re.I)


def agreement_text(path: str | Path) -> str:
    p = Path(path)
    if not p.is_file():
        raise TextExtractionError(f"File not found: {p.name}")
    if p.stat().st_size > MAX_BYTES:
        raise TextExtractionError(
            f"The file is too large. An agreement should be smaller than {MAX_BYTES // 2**20} MB."
        )
    return agreement_text_from_bytes(p.read_bytes(), name=p.name)


def agreement_text_from_bytes(data: bytes, *, name: str = "") -> str:
    """The agreement's text, or ``TextExtractionError`` with a plain message."""
    if not data or not data.strip():
        raise TextExtractionError("The file is empty.")
    if data.lstrip()[:5] == b"%PDF-":
        text = _pdf_text(data)
    else:
        text = textfile.text_from_bytes(data, name=name)
        if name.lower().endswith((".htm", ".html")) or _HTML_SIGN.search(text[:5000]):
            text = html_to_text(text)
    if not text.strip():
        raise TextExtractionError("The file has no readable text.")
    return text_checked(text)


def text_checked(text: str) -> str:
    """Refuse, plainly, a text too long to read whole, rather than read part of it silently."""
    if len(text) > MAX_CHARS:
        raise TextExtractionError(
            f"The agreement is too long to read here ({len(text):,} characters; the limit is "
            f"{MAX_CHARS:,}, about 350 pages). Paste the sections you want read instead."
        )
    return text


def _pdf_text(data: bytes) -> str:
    old = textfile.MAX_PDF_PAGES, textfile.MAX_TEXT_CHARS
    # The pathology reader refuses long PDFs; an agreement may be long, so its limits are
    # widened here and restored (single-threaded command and request code).
    textfile.MAX_PDF_PAGES, textfile.MAX_TEXT_CHARS = MAX_PDF_PAGES, MAX_CHARS + 1
    try:
        return textfile.text_from_bytes(data, name="agreement.pdf")
    except TextExtractionError as exc:
        message = str(exc).replace("a pathology report", "an agreement")
        if "no text layer" in message:
            message = (
                "This PDF has no text layer (it looks like a scan), so it cannot be read yet. "
                "Text is needed: paste the agreement's text, or upload a PDF you can select "
                "words in."
            )
        raise TextExtractionError(message) from exc
    finally:
        textfile.MAX_PDF_PAGES, textfile.MAX_TEXT_CHARS = old


class _Visible(HTMLParser):
    _SKIP = {"script", "style", "noscript", "template", "head", "svg", "iframe", "object"}
    _BLOCK = {
        "p",
        "div",
        "br",
        "li",
        "tr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "section",
        "article",
        "ul",
        "ol",
        "table",
        "blockquote",
        "dd",
        "dt",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self.skip += 1
        elif tag in self._BLOCK:
            self.parts.append("\n\n" if tag != "br" else "\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in self._BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """The visible text of a web page; tags, scripts and styles removed, never run."""
    parser = _Visible()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
