"""The written report's pages as images, so the patient reads it on the opinion's page.

Rendered on the server with pypdfium2 (PDFium, wheels for Linux, macOS and Windows), never in
the browser: the CSP allows same-origin images only, and no PDF viewer or script is needed.
Each page is rendered once and kept in Django's cache (a day), keyed by the report's SHA-256, so
a replaced report gets new pages. The cache, not storage: a rendered page is not a record, and
files no row points at would be orphans to the integrity check. Sizes are bounded: at most MAX_PAGES pages shown,
each at most WIDTH pixels wide and MAX_PIXELS in all (a huge page is drawn smaller).
"""

from __future__ import annotations

import io
import logging

from django.core.cache import cache

from secondopinion.core import vault

logger = logging.getLogger(__name__)

MAX_PAGES = 30
WIDTH = 1100  # pixels: sharp on a laptop, fine on a phone
MAX_PIXELS = 1100 * 1700


CACHE_SECONDS = 24 * 3600


def _page_key(opinion, page: int) -> str:
    return f"report-page:{opinion.report_sha256 or opinion.report_name}:{page}:{WIDTH}"


def _open(opinion):
    import pypdfium2 as pdfium  # noqa: PLC0415 - heavy, only to draw pages

    with vault.stored_open(opinion.report_name) as fh:
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
        cache.set(key, count, CACHE_SECONDS)
    return count


def page_png(opinion, page: int) -> bytes | None:
    """PNG bytes of one page (1-based), from the cache or rendered now; None if no such page."""
    key = _page_key(opinion, page)
    cached = cache.get(key)
    if cached is not None:
        return cached
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
    cache.set(key, data, CACHE_SECONDS)
    return data
