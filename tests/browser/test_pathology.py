"""A new user uploads a pathology report, reads its facts with explanations and checks them."""

import pytest

from tests.records.helpers import pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REPORT_LINES = [
    "SURGICAL PATHOLOGY REPORT",
    "FINAL DIAGNOSIS: Breast, left, lumpectomy: invasive ductal carcinoma,",
    "Nottingham grade 2. Tumor size: 1.8 cm. Margins negative.",
    "No lymphovascular invasion. Estrogen receptor: positive (95%).",
    "HER2 (IHC): 1+. Pathologic stage (AJCC 8th edition): pT1c pN0",
]


def test_it_reads_a_report_and_the_patient_checks_the_facts(
    page, new_user, create_case, axe_check, shot, tmp_path
):
    new_user(page, "path.reader@example.org")
    case_url = create_case(page, patient="Sam Rivera")

    report = tmp_path / "pathology-report.pdf"
    report.write_bytes(pdf_bytes(REPORT_LINES))
    page.goto(case_url + "records/")
    page.get_by_label("Choose files from your computer").set_input_files(str(report))
    page.get_by_role("button", name="Upload").click()
    page.get_by_text("pathology-report.pdf: added").wait_for()

    page.get_by_role("link", name="Pathology", exact=True).click()
    page.get_by_role("heading", name="What your pathology reports say").wait_for()
    axe_check(page)
    shot(page, "pathology-01-summary-empty")

    page.get_by_role("link", name="pathology-report.pdf").click()
    if page.get_by_role("button", name="Read the report now").count():
        page.get_by_role("button", name="Read the report now").click()
    page.get_by_role("heading", name="Facts found", exact=False).wait_for()
    text = page.locator(".facts-list").inner_text()
    assert "Tumor (pT): pT1c" in text
    assert "more than 10 mm and up to 20 mm" in text  # T1c explained for breast cancer
    assert page.locator("mark.fact-mark").count() >= 8
    axe_check(page)
    shot(page, "pathology-02-document")

    card = page.locator(".fact-card", has_text="Tumor (pT)")
    card.get_by_role("button", name="This is right").click()
    card = page.locator(".fact-card", has_text="Tumor (pT)")
    assert "Confirmed" in card.inner_text()

    page.get_by_role("link", name="Back to the pathology summary").click()
    table = page.locator(".facts-table").inner_text()
    assert "pT1c" in table and "pathology-report.pdf" in table
    axe_check(page)
    shot(page, "pathology-03-summary")
