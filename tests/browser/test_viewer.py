"""A patient looks through a 200-slice CT series of her CD: arrow keys, slider, buttons, windows."""

from __future__ import annotations

import re
import time
from pathlib import Path

import numpy as np
import pytest
from pydicom.dataset import FileDataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

from secondopinion.cases.models import Case
from secondopinion.records.imports import disc_import_run, disc_import_start

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SLICES = 200
CT_IMAGE = "1.2.840.10008.5.1.4.1.1.2"


def ct_series(folder: Path, *, slices: int = SLICES, size: int = 128) -> None:
    """A synthetic CT series: a body-like ellipse with lungs and a spine, 2.5 mm apart."""
    folder.mkdir(parents=True)
    y, x = np.mgrid[-1 : 1 : size * 1j, -1 : 1 : size * 1j]
    body = np.where((x / 0.85) ** 2 + (y / 0.65) ** 2 < 1, 1064.0, 0.0)
    lungs = ((np.abs(x) - 0.35) / 0.22) ** 2 + (y / 0.35) ** 2 < 1
    study_uid, series_uid = generate_uid(), generate_uid()
    for n in range(1, slices + 1):
        spine = (x / 0.08) ** 2 + ((y + 0.4) / 0.08) ** 2 < (0.5 + n / slices)
        pixels = (body - 800 * lungs * (n > 40) + 700 * spine).clip(0, 4095).astype(np.uint16)
        meta = FileMetaDataset()
        meta.MediaStorageSOPClassUID = CT_IMAGE
        meta.MediaStorageSOPInstanceUID = generate_uid()
        meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds = FileDataset("x", {}, file_meta=meta, preamble=b"\0" * 128)
        ds.SOPClassUID, ds.SOPInstanceUID = CT_IMAGE, meta.MediaStorageSOPInstanceUID
        ds.PatientName, ds.PatientID, ds.PatientBirthDate = "RIVERA^SAM", "MRN1", "19640212"
        ds.StudyInstanceUID, ds.StudyDate, ds.StudyDescription = study_uid, "20260310", "CT CHEST"
        ds.SeriesInstanceUID, ds.SeriesNumber, ds.SeriesDescription = series_uid, 2, "AXIAL 2.5MM"
        ds.Modality, ds.InstanceNumber = "CT", n
        ds.ImagePositionPatient = [0, 0, -250 + 2.5 * n]
        ds.Rows = ds.Columns = size
        ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
        ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
        ds.RescaleSlope, ds.RescaleIntercept = 1, -1024
        ds.WindowCenter, ds.WindowWidth = 40, 400
        ds.PixelData = pixels.tobytes()
        ds.save_as(folder / f"IM{n:04d}", enforce_file_format=True)


def _shown(page, number: int) -> None:
    page.get_by_text(f"Slice {number} of {SLICES}", exact=True).wait_for()
    page.wait_for_function(
        "n => { const i = document.querySelector('[data-image]');"
        " return i.complete && i.naturalWidth > 0 && i.src.includes('/slices/' + n + '.png'); }",
        arg=number,
    )


@pytest.fixture
def series_page(page, new_user, create_case, tmp_path, settings):
    """A new user's case with a 200-slice CT series imported; the records page open."""
    settings.VIEWER_CACHE_DIR = tmp_path / "cache"
    new_user(page, "scan.viewer@example.org")
    case_url = create_case(page, patient="Sam Rivera")
    case = Case.objects.get(public_id=re.search(r"/cases/([0-9a-f-]{36})/", case_url).group(1))
    ct_series(tmp_path / "cd" / "DICOM")
    disc_import = disc_import_start(case=case, source_name="cd")
    disc_import_run(disc_import=disc_import, source=tmp_path / "cd")
    disc_import.refresh_from_db()
    assert disc_import.status == "done", disc_import.error
    page.goto(case_url + "records/")
    page.get_by_role("link", name=re.compile(r"^Look through it")).click()
    page.get_by_role("heading", name="AXIAL 2.5MM").wait_for()
    return page


def test_it_steps_through_a_200_slice_series(series_page, axe_check, shot):
    page = series_page
    assert "not a diagnostic viewer" in page.locator(".viewer-notice").inner_text()
    _shown(page, 101)  # opens in the middle, like the thumbnail
    assert page.locator("[data-position]").inner_text() == "Position: 2.5 mm"
    axe_check(page)
    shot(page, "viewer-01-desktop")

    # The arrow keys step one slice each, in place (the URL follows).
    page.locator("body").press("ArrowRight")
    _shown(page, 102)
    assert page.locator("[data-position]").inner_text() == "Position: 5 mm"
    for _ in range(3):
        page.keyboard.press("ArrowLeft")
    _shown(page, 99)
    assert "slice=99" in page.url

    # The slider: by keyboard (Home, End) and by dragging to a value.
    slider = page.get_by_label("Choose a slice (1 to 200)")
    slider.focus()
    page.keyboard.press("End")
    _shown(page, 200)
    assert page.get_by_role("link", name="Next slice").get_attribute("aria-disabled") == "true"
    page.keyboard.press("Home")
    _shown(page, 1)
    assert page.locator("[data-position]").inner_text() == "Position: -247.5 mm"
    slider.fill("150")
    _shown(page, 150)

    # The buttons.
    page.get_by_role("link", name="Next slice").click()
    _shown(page, 151)
    page.get_by_role("link", name="Previous slice").click()
    page.get_by_role("link", name="Previous slice").click()
    _shown(page, 149)

    # The lung window keeps the slice, and a phone-sized screen still fits.
    page.get_by_role("link", name="Lung (W1500 L-600)").click()
    _shown(page, 149)
    assert "window=lung" in page.locator("[data-image]").get_attribute("src")
    assert page.get_by_role("link", name="Lung (W1500 L-600)").get_attribute("aria-current")
    page.set_viewport_size({"width": 390, "height": 844})
    page.keyboard.press("ArrowRight")
    _shown(page, 150)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box = page.get_by_role("link", name="Next slice").bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44  # a large target for a finger
    axe_check(page)
    shot(page, "viewer-02-phone-lung")


def test_it_works_as_links_and_a_form_without_javascript(
    series_page, new_context, live_server, shot
):
    plain = new_context(
        java_script_enabled=False,
        storage_state=series_page.context.storage_state(),
    )
    try:
        page = plain.new_page()
        page.goto(series_page.url)
        page.get_by_text(f"Slice 101 of {SLICES}", exact=True).wait_for()
        page.get_by_role("link", name="Lung (W1500 L-600)").click()
        page.get_by_role("link", name="Next slice").click()
        page.get_by_text(f"Slice 102 of {SLICES}", exact=True).wait_for()
        page.get_by_label("Choose a slice (1 to 200)").fill("10")
        page.get_by_role("button", name="Show this slice").click()
        page.get_by_text(f"Slice 10 of {SLICES}", exact=True).wait_for()
        assert "window=lung" in page.url
        # The slice is drawn after the page arrives: wait for it (under load it can take a while),
        # then it must be a real picture.
        # (The page runs no script, so wait here: the page's load event waits for its images.)
        page.wait_for_load_state("load", timeout=30_000)
        image = page.locator("[data-image]")
        deadline = time.monotonic() + 30
        while not image.evaluate("i => i.complete") and time.monotonic() < deadline:
            time.sleep(0.2)
        assert image.evaluate("i => i.complete && i.naturalWidth > 0")
        shot(page, "viewer-03-no-script")
    finally:
        plain.close()
