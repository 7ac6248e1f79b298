"""Reading scanned reports with OCR (pure: no Django). See `secondopinion.ocr.reader`."""

from secondopinion.ocr.reader import (
    OcrError,
    OcrPage,
    OcrResult,
    engine_get,
    image_prepare,
    lines_join,
    ocr_file,
    ocr_image,
    ocr_pdf,
    page_read,
    scan_like,
)

__all__ = [
    "OcrError",
    "OcrPage",
    "OcrResult",
    "engine_get",
    "image_prepare",
    "lines_join",
    "ocr_file",
    "ocr_image",
    "ocr_pdf",
    "page_read",
    "scan_like",
]
