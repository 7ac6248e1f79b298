"""A new user gathers records: a service's checklist, a request letter, a PDF and a CD's ZIP."""

import datetime

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.records.helpers import pdf_bytes, small_cd, zip_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_gathers_records_for_a_service_as_a_new_user_would(
    page, new_user, create_case, axe_check, shot, tmp_path
):
    new_user(page)
    case_url = create_case(page, patient="Sam Rivera")

    # A service says which records it needs.
    page.goto(case_url + "services/")
    page.get_by_role("link", name="Add a service by hand").click()
    page.get_by_label("Name of the service or hospital").fill("Lakeside Cancer Institute")
    page.get_by_role("button", name="Add the service").click()
    page.get_by_label("Pathology report", exact=True).check()
    page.get_by_label("Imaging studies (the scans themselves, DICOM files, often on a CD)").check()
    page.get_by_role("button", name="Save the answers").click()

    # The vault is empty; the checklist shows both as missing.
    page.get_by_role("link", name="Records", exact=True).click()
    page.get_by_role("heading", name="Your records", exact=True).wait_for()
    axe_check(page)
    shot(page, "records-01-empty")
    page.get_by_role("link", name="Lakeside Cancer Institute").click()
    assert page.locator(".badge.status-attention").count() == 2
    axe_check(page)
    shot(page, "records-02-checklist-missing")

    # A request letter to the hospital that holds them, ready to print.
    page.get_by_role("link", name="Write a records request letter").click()
    page.get_by_label("Hospital or clinic that holds the records").fill(
        "Riverside General Hospital"
    )
    needed = datetime.date.today() + datetime.timedelta(days=10)
    page.get_by_label("I need them by").fill(needed.isoformat())
    page.get_by_role("button", name="Update the letter").click()
    letter = page.get_by_role("article", name="Records request letter")
    assert "Riverside General Hospital" in letter.inner_text()
    assert "DICOM" in letter.inner_text()
    assert page.get_by_role("button", name="Print the letter").is_visible()
    axe_check(page)
    shot(page, "records-03-letter")
    page.emulate_media(media="print")
    shot(page, "records-04-letter-print")
    ARTIFACTS.mkdir(exist_ok=True)
    page.pdf(path=str(ARTIFACTS / "records-letter.pdf"))
    page.emulate_media(media="screen")

    # Upload a pathology report PDF and the ZIP of a small CD, in one go.
    report = tmp_path / "pathology-report.pdf"
    report.write_bytes(pdf_bytes())
    small_cd(tmp_path / "cd", series=2, images=3, patient_name="RIVERA^SAM", size=64)
    archive = zip_of(tmp_path / "cd", tmp_path / "imaging-cd.zip")
    page.get_by_role("link", name="Records", exact=True).click()
    page.get_by_label("Choose files from your computer").set_input_files(
        [str(report), str(archive)]
    )
    page.get_by_role("button", name="Upload").click()
    page.locator(".series-list img").first.wait_for()
    # Previews are separate image requests: wait until each has arrived (or failed to).
    # (Polled from Python: wait_for_function would need eval, which our CSP forbids.)
    for _ in range(150):
        if page.locator(".series-list img").evaluate_all("imgs => imgs.every(i => i.complete)"):
            break
        page.wait_for_timeout(100)

    # The study list shows each series with a preview.
    assert "pathology-report.pdf" in page.locator("table").inner_text()
    assert "Pathology report" in page.locator("table").inner_text()
    assert page.locator(".series-list img").count() == 2
    loaded = page.locator(".series-list img").evaluate_all("imgs => imgs.map(i => i.naturalWidth)")
    assert all(width > 0 for width in loaded)
    axe_check(page)
    shot(page, "records-05-with-study")

    page.get_by_role("link", name="CT CHEST").click()
    page.get_by_role("heading", name="Series").wait_for()
    axe_check(page)
    shot(page, "records-06-study")

    # The checklist has turned from missing to present.
    page.get_by_role("link", name="Records", exact=True).click()
    page.get_by_role("link", name="Lakeside Cancer Institute").click()
    assert page.locator(".badge.status-attention").count() == 0
    assert page.locator(".badge.status-done").count() == 2
    assert page.get_by_text("You have everything this service asked for").is_visible()
    shot(page, "records-07-checklist-present")


def test_it_uploads_without_javascript(
    page, new_context, live_server, new_user, create_case, tmp_path
):
    new_user(page, "no.script@example.org")
    case_url = create_case(page)
    # The same signed-in person, now in a browser with JavaScript turned off.
    context = new_context(
        storage_state=page.context.storage_state(),
        java_script_enabled=False,
    )
    context.set_default_timeout(15_000)
    plain = context.new_page()
    try:
        plain.goto(case_url + "records/")
        report = tmp_path / "report.pdf"
        report.write_bytes(pdf_bytes())
        plain.get_by_label("Choose files from your computer").set_input_files(str(report))
        plain.get_by_role("button", name="Upload").click()
        assert "report.pdf: added" in plain.locator(".messages").inner_text()
        assert "report.pdf" in plain.locator("table").inner_text()
    finally:
        context.close()


def test_it_takes_files_dropped_on_the_page(page, new_user, create_case):
    new_user(page, "drop.files@example.org")
    case_url = create_case(page)
    page.goto(case_url + "records/")
    # Playwright cannot drag from the desktop; a drop event carrying a file is the same to the page.
    data = page.evaluate_handle(
        """() => {
            const transfer = new DataTransfer();
            transfer.items.add(new File(["Medication list: tamoxifen 20 mg daily"],
                                        "medications.txt", {type: "text/plain"}));
            return transfer;
        }"""
    )
    with page.expect_navigation():
        page.dispatch_event("[data-drop-zone]", "drop", {"dataTransfer": data})
    assert "medications.txt: added" in page.locator(".messages").inner_text()
    assert "medications.txt" in page.locator("table").inner_text()
