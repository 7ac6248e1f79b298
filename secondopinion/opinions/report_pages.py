"""The written report's pages as images, so the patient reads it on the opinion's page.

Rendered on the server with pypdfium2 (PDFium, wheels for Linux, macOS and Windows), never in
the browser: the CSP allows same-origin images only, and no PDF viewer or script is needed.
Each page is rendered once and kept in storage next to the report, keyed by the report's
SHA-256, so a replaced report gets new pages. Sizes are bounded: at most MAX_PAGES pages shown,
each at most WIDTH pixels wide and MAX_PIXELS in all (a huge page is drawn smaller).
"""

from __future__ import annotations

import io
import logging

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

logger = logging.getLogger(__name__)

MAX_PAGES = 30
WIDTH = 1100  # pixels: sharp on a laptop, fine on a phone
MAX_PIXELS = 1100 * 1700


def _pages_name(opinion, page: int) -> str:
    return f"report-pages/{opinion.case.public_id}/{opinion.report_sha256 or opinion.pk}-{page}.png"


def _open(opinion):
    import pypdfium2 as pdfium

    with default_storage.open(opinion.report_name, "rb") as fh:
        data = fh.read()
    return pdfium.PdfDocument(data)


def page_count(opinion) -> int:
    """Pages in the report; 0 when it cannot be opened (encrypted, damaged)."""
    key = f"report-pages:{opinion.report_sha256 or opinion.report_name}"
    count = cache.get(key)
    if count is None:
        try:
            pdf = _open(opinion)
            count = len(pdf)
            pdf.close()
        except Exception as exc:  # PdfiumError, OSError: the page says "download it" instead
            logger.info("report pages: cannot open report (%s)", type(exc).__name__)
            count = 0
        cache.set(key, count, 24 * 3600)
    return count


def page_png(opinion, page: int) -> bytes | None:
    """PNG bytes of one page (1-based), from the cache or rendered now; None if no such page."""
    name = _pages_name(opinion, page)
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as fh:
            return fh.read()
    if page > page_count(opinion):
        return None
    try:
        pdf = _open(opinion)
        pdf_page = pdf[page - 1]
        width, height = pdf_page.get_size()
        scale = min(WIDTH / max(width, 1), 4.0)
        if width * height * scale * scale > MAX_PIXELS:
            scale = (MAX_PIXELS / max(width * height, 1)) ** 0.5
        image = pdf_page.render(scale=scale).to_pil()
        out = io.BytesIO()
        image.save(out, format="PNG", optimize=True)
        pdf_page.close()
        pdf.close()
    except Exception as exc:
        logger.info("report pages: cannot render a page (%s)", type(exc).__name__)
        return None
    data = out.getvalue()
    default_storage.save(name, ContentFile(data))
    return data


def case_files(case) -> list[str]:
    """Rendered pages kept for a case (for case deletion)."""
    try:
        _dirs, files = default_storage.listdir(f"report-pages/{case.public_id}")
    except (FileNotFoundError, NotImplementedError, OSError):
        return []
    return [f"report-pages/{case.public_id}/{name}" for name in files]
