"""The OCR core: pages rendered from known text, and the bad inputs of issue 14."""

from __future__ import annotations

import time

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfWriter

from secondopinion.ocr import reader
from secondopinion.ocr.reader import (
    BLANK,
    READ,
    UNREADABLE,
    OcrError,
    lines_join,
    ocr_file,
    ocr_image,
    ocr_pdf,
    page_read,
    scan_like,
    tnm_fix,
)
from tests.ocr.helpers import REPORT, char_accuracy, fax, pdf_of, png_of, text_page


@pytest.fixture(scope="module")
def upright():
    return page_read(text_page())


@pytest.mark.system  # the OCR engine on real pages
def test_it_reads_a_rendered_page_in_reading_order(upright):
    assert upright.status == READ
    assert upright.angle == 0
    assert char_accuracy(REPORT, upright.text) > 0.95
    lines = upright.text.split("\n")
    assert lines[0].replace(" ", "") == "SURGICALPATHOLOGYREPORT"
    assert "pT2 pN0" in lines[-1]  # spaces restored from the gaps on the page


@pytest.mark.system  # the OCR engine on real pages
def test_a_page_on_its_side_is_turned_and_read():
    short = "Diagnosis: Invasive ductal carcinoma\nPathologic stage: pT2 pN0"
    page = page_read(text_page(short, width=620, height=170).rotate(90, expand=True, fillcolor=255))
    assert page.status == READ
    assert page.angle == 270  # turned back the other way
    assert page.text == short


@pytest.mark.system  # the OCR engine on real pages
def test_a_faint_crooked_fax_still_gives_the_words():
    page = page_read(fax(text_page()))
    assert page.status == READ
    assert char_accuracy(REPORT, page.text) > 0.85


def test_a_blank_page_is_blank_without_calling_the_engine(monkeypatch):
    monkeypatch.setattr(reader, "_engine_lines", lambda gray: pytest.fail("engine called"))
    assert page_read(Image.new("L", (600, 800), 250)).status == BLANK
    speck = Image.new("L", (600, 800), 255)
    speck.putpixel((10, 10), 0)  # a speck of dust is not writing
    assert page_read(speck).status == BLANK


@pytest.mark.system  # the OCR engine on real pages
def test_a_picture_that_is_not_a_report_could_not_be_read():
    noise = Image.fromarray(np.random.default_rng(0).integers(0, 255, (160, 160), dtype="uint8"))
    page = page_read(noise)
    assert page.status == UNREADABLE and page.text == ""


def test_lines_come_back_top_to_bottom_and_left_to_right():
    def box(x, y, w=100, h=20):
        return [[x, y], [x + w, y], [x + w, y + h], [x, y + h]]

    lines = [
        (box(300, 52), "right", 0.9),
        (box(10, 100), "second", 0.9),
        (box(10, 50), "left", 0.9),
    ]
    assert lines_join(lines) == "left right\nsecond"


def test_only_tnm_categories_get_their_zero_back():
    assert tnm_fix("pT2 pNO ypMO") == "pT2 pN0 ypM0"
    assert tnm_fix("NO evidence, TO be seen, pNOS") == "NO evidence, TO be seen, pNOS"


def test_a_large_photo_is_decoded_small(tmp_path, monkeypatch):
    """A 30-megapixel JPEG: decoded in draft mode and bounded before the engine sees it."""
    path = tmp_path / "photo.jpg"
    Image.new("RGB", (6708, 4472), "white").save(path, quality=60)
    sizes = []
    monkeypatch.setattr(
        reader,
        "page_read",
        lambda im, number=1: sizes.append(im.size) or reader.OcrPage(number, BLANK),
    )
    result = ocr_image(path)
    assert max(sizes[0]) <= reader.MAX_SIDE
    assert result.message == "The pages are blank: we found no writing on them."


def test_an_absurd_picture_is_refused_before_decoding(tmp_path, monkeypatch):
    path = tmp_path / "big.png"
    Image.new("L", (2000, 2000), 255).save(path)
    monkeypatch.setattr(reader, "MAX_IMAGE_PIXELS", 1_000_000)
    with pytest.raises(OcrError, match="too large"):
        ocr_image(path)


def test_a_file_that_is_not_a_picture_is_refused(tmp_path):
    path = tmp_path / "x.png"
    path.write_bytes(b"\x89PNG not really")
    with pytest.raises(OcrError, match="damaged|not a picture"):
        ocr_file(path)


def test_a_password_pdf_is_refused_plainly(tmp_path):
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt("secret", algorithm="RC4-128")
    path = tmp_path / "locked.pdf"
    with open(path, "wb") as fh:
        writer.write(fh)
    with pytest.raises(OcrError, match="password"):
        ocr_pdf(path)


def test_a_damaged_pdf_is_refused_plainly(tmp_path):
    path = tmp_path / "bad.pdf"
    path.write_bytes(b"%PDF-1.4\n garbage")
    with pytest.raises(OcrError, match="damaged"):
        ocr_pdf(path)


def test_a_40_page_scan_reads_the_page_limit_with_progress(tmp_path):
    blank = Image.new("L", (300, 420), 255)
    path = tmp_path / "long.pdf"
    path.write_bytes(pdf_of(*[blank] * 40, resolution=36))
    seen = []
    started = time.perf_counter()
    result = ocr_pdf(path, max_pages=5, progress=lambda done, total: seen.append((done, total)))
    assert time.perf_counter() - started < 10
    assert seen == [(i, 5) for i in range(6)]
    assert len(result.pages) == 5 and result.pages_total == 40 and result.skipped == 35
    assert not result.readable


def test_the_message_names_pages_not_read():
    result = reader.OcrResult(
        pages=[
            reader.OcrPage(1, READ, text="Diagnosis"),
            reader.OcrPage(2, UNREADABLE),
            reader.OcrPage(3, BLANK),
        ],
        pages_total=30,
    )
    assert result.text == "Diagnosis"
    assert result.message == (
        "We could not read page 2. Page 3 is blank. "
        "We read only the first 3 of 30 pages; the last 27 were not read."
    )


def test_it_tells_a_scan_from_other_files(tmp_path):
    photo = tmp_path / "p.png"
    photo.write_bytes(png_of(Image.new("L", (10, 10), 255)))
    pdf = tmp_path / "s.pdf"
    pdf.write_bytes(pdf_of(Image.new("L", (10, 10), 255)))
    text = tmp_path / "t.txt"
    text.write_text("hello")
    assert scan_like(photo)
    assert scan_like(pdf, "This PDF has no text layer (it looks like a scan).")
    assert not scan_like(pdf, "The PDF is protected by a password.")
    assert not scan_like(text)
    assert not scan_like(tmp_path / "missing.png")


def test_a_heic_photo_opens_when_pillow_heif_is_installed(tmp_path):
    pillow_heif = pytest.importorskip("pillow_heif")
    path = tmp_path / "p.heic"
    pillow_heif.from_pillow(Image.new("RGB", (64, 64), "white")).save(path, quality=50)
    assert scan_like(path)
    assert ocr_image(path).pages[0].status == BLANK
