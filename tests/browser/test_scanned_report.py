"""A new user uploads a scanned pathology report (pictures only, no text layer): it is read with
OCR, its facts are shown "read from a scan", checked, and reach the summary. A photo that cannot
be read leads to the form where the patient types the facts in."""

import numpy as np
import pytest
from PIL import Image

from tests.ocr.helpers import pdf_of, png_of, text_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCAN = """SURGICAL PATHOLOGY REPORT
Diagnosis: Left breast, lumpectomy: invasive ductal carcinoma
Estrogen receptor: Positive (95%)
Pathologic stage: pT2 pN0"""


def test_a_scanned_report_is_read_checked_and_summed_up(
    page, new_user, create_case, axe_check, shot, tmp_path
):
    page.set_default_timeout(120_000)  # OCR runs while the upload is handled (immediate tasks)
    new_user(page, "scan.reader@example.org")
    case_url = create_case(page, patient="Ana Cruz")

    scan = tmp_path / "faxed-report.pdf"
    scan.write_bytes(pdf_of(text_page(SCAN, width=1100, height=320)))
    page.goto(case_url + "records/")
    page.get_by_label("Choose files from your computer").set_input_files(str(scan))
    page.get_by_role("button", name="Upload").click()
    page.get_by_text("faxed-report.pdf: added").wait_for()

    page.get_by_role("link", name="Pathology", exact=True).click()
    page.get_by_role("link", name="faxed-report.pdf").click()
    page.get_by_role("heading", name="Facts found", exact=False).wait_for()
    assert "Read from a scan: please check each one." in page.locator("#scan-notice").inner_text()
    assert "Tumor (pT): pT2" in page.locator(".facts-list").inner_text()
    axe_check(page)
    shot(page, "scanned-01-read-from-a-scan")

    cards = page.locator(".fact-card")
    to_confirm = cards.count()
    assert to_confirm, "no facts were found on the scan"
    assert not cards.locator(".status-attention").count()  # no "unsure" fact: all go in one step
    confirm_all = page.get_by_role("button", name="Confirm all that are right")
    assert confirm_all.count() == 1, "the one-step confirm button is missing"
    assert f"({to_confirm})" in confirm_all.inner_text()
    confirm_all.click()
    page.get_by_text(f"{to_confirm} facts confirmed.").wait_for()
    assert cards.count() == to_confirm
    assert all("Confirmed" in c.inner_text() for c in cards.all())
    assert page.get_by_role("button", name="This is right").count() == 0
    assert page.get_by_role("button", name="Confirm all that are right").count() == 0
    shot(page, "scanned-01b-all-confirmed")

    page.get_by_role("link", name="Back to the pathology summary").click()
    table = page.locator(".facts-table").inner_text()
    assert "pT2" in table and "faxed-report.pdf" in table
    axe_check(page)
    shot(page, "scanned-02-summary")


def test_a_photo_that_cannot_be_read_leads_to_typing_the_facts_in(
    page, new_user, create_case, axe_check, shot, tmp_path
):
    page.set_default_timeout(120_000)
    new_user(page, "photo.typist@example.org")
    case_url = create_case(page, patient="Lee Park")

    photo = tmp_path / "photo-of-report.png"
    noise = np.random.default_rng(3).integers(90, 255, (240, 320), dtype="uint8")
    photo.write_bytes(png_of(Image.fromarray(noise)))
    page.goto(case_url + "records/")
    page.get_by_label("Choose files from your computer").set_input_files(str(photo))
    page.get_by_role("button", name="Upload").click()
    page.get_by_text("photo-of-report.png: added").wait_for()

    # The patient says what it is: a pathology report.
    page.get_by_role("link", name="photo-of-report.png").first.click()
    page.get_by_label("Type of record").select_option("pathology_report")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Pathology", exact=True).click()
    page.get_by_role("link", name="photo-of-report.png").click()
    if page.get_by_role("button", name="Read the report now").count():
        page.get_by_role("button", name="Read the report now").click()
    shot(page, "scanned-03-could-not-be-read")
    assert "We could not read any words on this scan" in page.locator("main").inner_text()

    page.get_by_role("link", name="Type the facts in yourself").click()
    page.get_by_role("heading", name="Type in the facts from your report").wait_for()
    axe_check(page)
    page.get_by_label("Type of cancer (histology)").fill("invasive ductal carcinoma")
    page.get_by_label("pT (tumor category)").fill("pT1c")
    page.get_by_label("pN (lymph node category)").fill("pN0")
    page.get_by_label("ER (estrogen receptor)").select_option("positive")
    shot(page, "scanned-04-type-it-in")
    page.get_by_role("button", name="Save these facts").click()
    page.get_by_text("The facts you typed are in your case summary").wait_for()

    page.get_by_role("link", name="Back to the pathology summary").click()
    table = page.locator(".facts-table").inner_text()
    assert "pT1c" in table and "invasive ductal carcinoma" in table
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "scanned-05-summary-narrow")
