"""Both sides of a share link, as new users would meet them.

The patient signs up, makes a case and a service, and creates a link. A second browser context,
with no account, opens the link, downloads the packet and uploads a written report. The patient
then sees the report, the access log and the comparison, withdraws the link, and the link refuses.
"""

import re
import zipfile

import pytest

from secondopinion.opinions.packet import packet_verify
from tests.opinions.factories import tiny_pdf
from tests.records.helpers import pdf_bytes, small_cd, zip_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_plays_both_sides_of_a_share_link(
    new_context, live_server, page, new_user, create_case, axe_check, shot, tmp_path
):
    # The patient: account, case with a first plan, one service.
    new_user(page, "patient@example.org")
    dashboard = create_case(page)
    case_id = re.search(r"/cases/([0-9a-f-]{36})/", dashboard).group(1)
    page.goto(f"/cases/{case_id}/edit/")
    page.get_by_label("The treatment your doctor recommends").fill("Lumpectomy\nRadiation therapy")
    page.get_by_role("button", name=re.compile("Save")).first.click()
    page.get_by_role("button", name="These are right: save").click()
    page.goto(f"/cases/{case_id}/services/new/")
    page.get_by_label("Name of the service or hospital").fill("Lakeside Cancer Center")
    page.get_by_role("button", name="Add the service").click()

    # Records in the vault: a pathology report and a small imaging CD.
    report_in_vault = tmp_path / "pathology-report.pdf"
    report_in_vault.write_bytes(pdf_bytes())
    small_cd(tmp_path / "cd", series=2, images=3, patient_name="RIVERA^SAM", size=64)
    archive = zip_of(tmp_path / "cd", tmp_path / "imaging-cd.zip")
    page.get_by_role("link", name="Records", exact=True).click()
    page.get_by_label("Choose files from your computer").set_input_files(
        [str(report_in_vault), str(archive)]
    )
    page.get_by_role("button", name="Upload").click()
    page.locator(".series-list img").first.wait_for()

    page.goto(f"/cases/{case_id}/")
    page.get_by_role("link", name="Send and receive").click()
    axe_check(page)
    shot(page, "share-01-send-and-receive")
    page.get_by_role("link", name="Make a link for this service").click()
    axe_check(page)
    page.get_by_role("button", name="Make the link").click()
    url = page.locator("#share-url").input_value()
    assert "/r/" in url
    axe_check(page)
    shot(page, "share-02-link-created")

    # The reviewer: a separate browser context, no account, no cookies.
    reviewer_context = new_context(accept_downloads=True)
    reviewer = reviewer_context.new_page()
    reviewer.goto(url)
    reviewer.get_by_role("heading", name=re.compile("Case for review")).wait_for()
    axe_check(reviewer)
    shot(reviewer, "share-03-reviewer-page")
    with reviewer.expect_download() as download_info:
        reviewer.get_by_role("link", name=re.compile("Download all records")).click()
    packet = tmp_path / "packet.zip"
    download_info.value.save_as(packet)
    assert packet_verify(packet).ok
    with zipfile.ZipFile(packet) as zf:
        names = zf.namelist()
    assert any(n.startswith("documents/") and n.endswith("pathology-report.pdf") for n in names)
    assert sum(n.startswith("imaging/") and n.endswith(".dcm") for n in names) == 6

    report = tmp_path / "report.pdf"
    report.write_bytes(tiny_pdf("Written opinion"))
    reviewer.get_by_label("Your written report (PDF)").set_input_files(str(report))
    reviewer.get_by_label("Your name").fill("Ada Moreau")
    reviewer.get_by_label("Proposes a different plan").check()
    reviewer.get_by_label("The treatments you recommend").fill(
        "Chemotherapy first, then lumpectomy."
    )
    reviewer.get_by_role("button", name="Send the report").click()
    reviewer.get_by_role("heading", name=re.compile("Thank you")).wait_for()
    reviewer.get_by_role("button", name="These are right: save").click()
    reviewer.get_by_role("heading", name=re.compile("Thank you")).wait_for()
    shot(reviewer, "share-04-reviewer-thanks")

    # The patient sees the report, the log of every visit, and the comparison.
    page.goto(f"/cases/{case_id}/opinions/")
    assert "Ada Moreau" in page.locator("main").inner_text()
    page.get_by_role("link", name="Who opened it, and when").click()
    log = page.locator("#access-log").inner_text()
    for expected in ["Opened the page", "Downloaded the packet", "Uploaded a report: report.pdf"]:
        assert expected in log
    axe_check(page)
    shot(page, "share-05-access-log")

    page.goto(f"/cases/{case_id}/opinions/compare/")
    main = page.locator("main").inner_text()
    assert "Proposes a different plan" in main and "Chemotherapy" in main
    axe_check(page)
    shot(page, "share-06-compare")

    # Withdraw the link; the reviewer's next visit is refused.
    page.go_back()
    page.get_by_role("button", name="Withdraw this link now").click()
    assert page.locator("#link-state").inner_text() == "Withdrawn"
    reviewer.goto(url)
    reviewer.get_by_role("heading", name="This link does not work").wait_for()
    axe_check(reviewer)
    shot(reviewer, "share-07-link-refused")
    reviewer_context.close()
