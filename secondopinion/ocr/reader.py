"""Text from scanned pages and photos of pages, with OCR that ships its models (no Django).

Engine: `rapidocr-onnxruntime` (PP-OCRv4 detection and recognition models inside the wheel, run
by onnxruntime; nothing is downloaded at run time and no system program is needed). PDF pages are
rendered with pypdfium2; photos are opened with Pillow (HEIC too when pillow-heif is installed).

What each page goes through, so that time and memory stay bounded:
1. Decoded at a reduced size first (JPEG draft mode, PDF render scale), then shrunk so its long
   side is at most `MAX_SIDE` pixels: a 30-megapixel photo never sits in memory at full size.
2. Grey, with the contrast stretched (a faint fax becomes black on white).
3. A page with almost no ink is "blank" and is not sent to the engine.
4. Read once upright. When most text boxes stand on end, or the words are read with low
   confidence, the page is read again turned 90, 270 or 180 degrees and the best reading is kept.
5. Lines are put back in reading order (top to bottom, left to right within a line).

A page whose words come back with low confidence or too few letters is "unreadable": its text is
not kept. Nothing here guesses; the caller shows what was read and says it came from a scan.
"""

from __future__ import annotations

import functools
import os
import re
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from secondopinion.core.words import plural

if TYPE_CHECKING:  # for the annotations only: the OCR stack is loaded on the first scan
    import numpy as np
    from PIL.Image import Image

# One line the engine read: its box (four corner points), its text and its confidence.
_Box = Sequence[Sequence[float]]
_Line = tuple[_Box, str, float]


MAX_SIDE = 2000  # pixels on the long side of a page given to the engine (A4 at about 170 dpi;
# the engine itself shrinks anything larger to 2000)
RENDER_DPI = 300  # a PDF page is rendered at this resolution, then bounded by MAX_SIDE
MAX_PAGES = 20  # pages read from one PDF; the rest are named in the message
MAX_IMAGE_PIXELS = 120_000_000  # refuse anything larger before decoding it
MIN_LINE_SCORE = 0.5  # a line read with less confidence than this is dropped
MIN_PAGE_SCORE = 0.7  # mean confidence of a page's kept lines, weighted by length
MIN_PAGE_CHARS = 12  # letters and digits a page needs to count as read
LOW_SCORE = 0.85  # below this, other orientations are tried
SPACE_GAP = 0.25  # a blank gap this wide (times the line height) inside a line is a space

READ, BLANK, UNREADABLE = "read", "blank", "unreadable"


class OcrError(ValueError):
    """The file cannot be read at all; ``str(error)`` is a message for people."""


@dataclass
class OcrPage:
    number: int  # from 1
    status: str  # read, blank, unreadable
    text: str = ""
    score: float = 0.0  # mean line confidence, 0-1
    angle: int = 0  # degrees the page was turned (counter-clockwise) to read it


@dataclass
class OcrResult:
    pages: list[OcrPage] = field(default_factory=list)
    pages_total: int = 0  # pages in the file (a PDF may have more than were read)

    @property
    def text(self) -> str:
        return "\n\n".join(p.text for p in self.pages if p.status == READ)

    @property
    def readable(self) -> bool:
        return any(p.status == READ for p in self.pages)

    @property
    def skipped(self) -> int:
        return max(0, self.pages_total - len(self.pages))

    @property
    def message(self) -> str:
        """A plain summary of what was read, for the page and the command line."""
        if not self.readable:
            if self.pages and all(p.status == BLANK for p in self.pages):
                return "The pages are blank: we found no writing on them."
            return (
                "We could not read any words on this scan. It may be too faint, blurred or "
                "not a written report."
            )
        parts = []
        unread = [p.number for p in self.pages if p.status == UNREADABLE]
        blank = [p.number for p in self.pages if p.status == BLANK]
        if unread:
            parts.append(f"We could not read {_pages(unread)}.")
        if blank:
            parts.append(f"{_pages(blank).capitalize()} {plural(len(blank), 'is', 'are')} blank.")
        if self.skipped:
            parts.append(
                f"We read only the first {len(self.pages)} of {self.pages_total} pages; "
                f"the last {self.skipped} were not read."
            )
        return " ".join(parts)


def _pages(numbers: list[int]) -> str:
    if len(numbers) == 1:
        return f"page {numbers[0]}"
    return "pages " + ", ".join(str(n) for n in numbers[:-1]) + f" and {numbers[-1]}"


# ---------------------------------------------------------------------------------------
# The engine


@functools.cache
def engine_get() -> Any:
    """One engine per process (loading the models takes about half a second)."""
    try:
        from rapidocr_onnxruntime import RapidOCR  # noqa: PLC0415 - OCR stack, loaded on first scan
    except ImportError as exc:  # Python 3.13+ has no wheel of this engine yet
        raise OcrError("Reading scans is not available on this installation.") from exc
    # A few threads at most: the worker shares the machine with the web process (and, hosted,
    # with other workers); more threads than cores make onnxruntime slower, not faster.
    threads = max(1, min(4, os.cpu_count() or 1))
    # One line at a time: a batch pads every line to the widest one, which made reading a page
    # about four times slower in our measurements.
    return RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=1, rec_batch_num=1)


def _engine_lines(gray: Image) -> list[_Line]:
    import numpy as np  # noqa: PLC0415 - OCR stack, loaded on first scan

    pixels = np.asarray(gray)
    rgb = np.stack([pixels] * 3, axis=-1)
    result, _ = engine_get()(rgb, use_cls=False, return_word_box=True)
    lines: list[_Line] = []
    for item in result or []:
        box, text, score = item[0], item[1], float(item[2])
        chars = item[3] if len(item) > 3 else None
        lines.append((box, spaces_restore(pixels, box, text, chars), score))
    return lines


def spaces_restore(
    pixels: np.ndarray[Any, Any], box: _Box, text: str, chars: Sequence[_Box] | None
) -> str:
    """Put back the spaces between words that the engine's models leave out.

    The recogniser (trained mostly on Chinese) often joins English words ("pT2pN0"). The page
    itself shows where words end: a run of blank columns inside the line wider than a fifth of
    the line height. A space goes between two characters whose positions straddle such a gap.
    """
    if not chars or len(chars) != len(text):
        return text
    xs = [p[0] for p in box]
    ys = [p[1] for p in box]
    x0, x1 = max(0, int(min(xs))), int(max(xs))
    y0, y1 = int(min(ys)), int(max(ys))
    height = y1 - y0
    if height < 6 or x1 - x0 < 4:
        return text
    band = pixels[y0 : y1 + 1, x0 : x1 + 1]
    if band.size == 0:
        return text
    # A column with a few dark specks (fax noise) is still blank.
    inked = (band < 128).sum(axis=0) >= max(1, height // 12)
    gaps: list[float] = []
    run_start = None
    for x, ink in enumerate(inked):
        if not ink and run_start is None:
            run_start = x
        elif ink and run_start is not None:
            if x - run_start >= max(3, height * SPACE_GAP):
                gaps.append(x0 + (run_start + x) / 2)
            run_start = None
    if not gaps:
        return text
    centres = [sum(p[0] for p in c) / len(c) for c in chars]
    out = [text[0]]
    for i in range(1, len(text)):
        between_letters = text[i] != " " and text[i - 1] != " "
        if between_letters and any(centres[i - 1] < g < centres[i] for g in gaps):
            out.append(" ")
        out.append(text[i])
    return "".join(out)


# ---------------------------------------------------------------------------------------
# Pages


def image_prepare(image: Image) -> Image:
    """Grey, bounded to MAX_SIDE on the long side, contrast stretched. Returns a new image."""
    from PIL import Image, ImageOps  # noqa: PLC0415 - OCR stack, loaded on first scan

    gray = image.convert("L")
    if max(gray.size) > MAX_SIDE:
        gray.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    # Stretch the darkest and lightest 1% to black and white: faint faxes and grey photos.
    return ImageOps.autocontrast(gray, cutoff=1)


def _is_blank(gray: Image) -> bool:
    import numpy as np  # noqa: PLC0415 - OCR stack, loaded on first scan

    small = np.asarray(gray.resize((max(1, gray.width // 4), max(1, gray.height // 4))))
    # autocontrast makes any page span 0-255; a blank one has almost no dark pixels after it,
    # or is flat (all one grey).
    if int(small.max()) - int(small.min()) < 40:
        return True
    dark = float((small < 128).mean())
    return dark < 0.002


def _score(lines: Sequence[_Line]) -> tuple[float, int]:
    """(mean confidence weighted by length, letters and digits) of the kept lines."""
    kept = [(t, s) for _, t, s in lines if s >= MIN_LINE_SCORE]
    chars = sum(sum(c.isalnum() for c in t) for t, _ in kept)
    if not chars:
        return 0.0, 0
    weight = sum(len(t) for t, _ in kept)
    return sum(len(t) * s for t, s in kept) / weight, chars


def _standing(lines: Sequence[_Line]) -> bool:
    """Most text boxes are taller than wide: the page is on its side (the engine turns such
    boxes to read them, so the words can come out right but the lines in the wrong order)."""
    tall = 0
    for box, _, _ in lines:
        xs = [p[0] for p in box]
        ys = [p[1] for p in box]
        if (max(ys) - min(ys)) > 1.5 * (max(xs) - min(xs)):
            tall += 1
    return bool(lines) and tall > len(lines) / 2


def _value(lines: Sequence[_Line]) -> tuple[float, int, float]:
    score, chars = _score(lines)
    return score, chars, score * chars * (0.5 if _standing(lines) else 1.0)


def page_read(image: Image, *, number: int = 1) -> OcrPage:
    """Read one page (a PIL image of any size). Tries other orientations when needed."""
    gray = image_prepare(image)
    if _is_blank(gray):
        return OcrPage(number, BLANK)
    best_lines = _engine_lines(gray)
    best_angle = 0
    best = _value(best_lines)
    tries: tuple[int, ...]
    if _standing(best_lines):
        tries = (90, 270)
    elif best[0] < LOW_SCORE or best[1] < MIN_PAGE_CHARS:
        tries = (180, 90, 270)
    else:
        tries = ()
    for angle in tries:
        lines = _engine_lines(gray.rotate(angle, expand=True, fillcolor=255))
        value = _value(lines)
        if value[2] > best[2]:
            best, best_lines, best_angle = value, lines, angle
        if best[0] >= LOW_SCORE and best[1] >= MIN_PAGE_CHARS and not _standing(best_lines):
            break
    score, chars, _ = best
    if chars < MIN_PAGE_CHARS or score < MIN_PAGE_SCORE:
        return OcrPage(number, UNREADABLE, score=round(score, 3), angle=best_angle)
    text = tnm_fix(lines_join([ln for ln in best_lines if ln[2] >= MIN_LINE_SCORE]))
    return OcrPage(number, READ, text=text, score=round(score, 3), angle=best_angle)


def lines_join(lines: Iterable[_Line]) -> str:
    """Engine boxes back into text in reading order: rows top to bottom, words left to right.

    Two boxes are on one row when their vertical centres are closer than half a line height.
    """
    items: list[tuple[float, float, float, str]] = []
    for box, text, _ in lines:
        ys = [p[1] for p in box]
        xs = [p[0] for p in box]
        items.append(((min(ys) + max(ys)) / 2, max(ys) - min(ys), min(xs), text.strip()))
    if not items:
        return ""
    height = statistics.median(h for _, h, _, _ in items) or 1
    items.sort(key=lambda i: (i[0], i[2]))
    rows: list[list[tuple[float, float, float, str]]] = []
    for item in items:
        if rows and abs(item[0] - rows[-1][0][0]) < height / 2:
            rows[-1].append(item)
        else:
            rows.append([item])
    return "\n".join(" ".join(i[3] for i in sorted(row, key=lambda i: i[2])) for row in rows)


_TNM_LETTER_O = re.compile(r"\b((?:y|r|m)?p[TNM])[Oo]\b")


def tnm_fix(text: str) -> str:
    """The engine often reads the zero of "pN0" as the letter O; "pNO" is never a category."""
    return _TNM_LETTER_O.sub(lambda m: m.group(1) + "0", text)


# ---------------------------------------------------------------------------------------
# Files

Progress = Callable[[int, int], None]  # (pages done, pages to read)


IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG", b"II*\x00", b"MM\x00*", b"GIF8", b"RIFF", b"BM")


def scan_like(path: str | Path, problem: str = "") -> bool:
    """A photo, or a PDF whose text reader said it has no text layer: worth reading with OCR."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError:
        return False
    if head.startswith(IMAGE_MAGIC) or head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1"):
        return True
    return head.lstrip()[:5] == b"%PDF-" and "no text layer" in problem


def ocr_file(
    path: str | Path, *, max_pages: int = MAX_PAGES, progress: Progress | None = None
) -> OcrResult:
    """Read a PDF or a photo, deciding the type from the bytes."""
    p = Path(path)
    with open(p, "rb") as fh:
        head = fh.read(16)
    if head.lstrip()[:5] == b"%PDF-":
        return ocr_pdf(p, max_pages=max_pages, progress=progress)
    return ocr_image(p, progress=progress)


def ocr_pdf(
    path: str | Path, *, max_pages: int = MAX_PAGES, progress: Progress | None = None
) -> OcrResult:
    """Render and read the first `max_pages` pages of a PDF, one page in memory at a time."""
    import pypdfium2 as pdfium  # noqa: PLC0415 - heavy, only to draw pages

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise OcrError(
                "The PDF is protected by a password. Save an unprotected copy and upload that."
            ) from exc
        raise OcrError("The file is damaged or is not a real PDF.") from exc
    try:
        total = len(pdf)
        if total == 0:
            raise OcrError("The PDF has no pages.")
        count = min(total, max_pages)
        result = OcrResult(pages_total=total)
        if progress:
            progress(0, count)
        for index in range(count):
            page = pdf[index]
            try:
                width, height = page.get_size()  # points (1/72 inch)
                scale = min(RENDER_DPI / 72, MAX_SIDE / max(width, height, 1))
                bitmap = page.render(scale=scale, grayscale=True)
                image = bitmap.to_pil()
                bitmap.close()
            except pdfium.PdfiumError:
                result.pages.append(OcrPage(index + 1, UNREADABLE))
            else:
                result.pages.append(page_read(image, number=index + 1))
                del image
            finally:
                page.close()
            if progress:
                progress(index + 1, count)
        return result
    finally:
        pdf.close()


def _heif_register() -> None:
    try:
        import pillow_heif  # noqa: PLC0415 - OCR stack, loaded on first scan
    except ImportError:
        return
    pillow_heif.register_heif_opener()


def ocr_image(path: str | Path, *, progress: Progress | None = None) -> OcrResult:
    """Read a photo or scan of one page (JPEG, PNG, TIFF, HEIC ...)."""
    from PIL import Image, ImageOps, UnidentifiedImageError  # noqa: PLC0415 - OCR stack, loaded on first scan

    _heif_register()
    try:
        with Image.open(path) as im:
            width, height = im.size
            if width * height > MAX_IMAGE_PIXELS:
                raise OcrError(
                    f"The picture is too large ({width} x {height} pixels). Take a photo at a "
                    "lower resolution, or scan the page at 300 dpi."
                )
            # JPEG can decode at 1/2, 1/4, 1/8 size directly: a 30 MP photo never decodes whole.
            im.draft("L", (MAX_SIDE, MAX_SIDE))
            image = ImageOps.exif_transpose(im)
            if max(image.size) > MAX_SIDE:
                image.thumbnail((MAX_SIDE, MAX_SIDE))
            image.load()
    except OcrError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError) as exc:
        raise OcrError("The file is not a picture we can open.") from exc
    except (OSError, ValueError, SyntaxError) as exc:
        raise OcrError("The picture is damaged and cannot be opened.") from exc
    if progress:
        progress(0, 1)
    page = page_read(image, number=1)
    if progress:
        progress(1, 1)
    return OcrResult(pages=[page], pages_total=1)
