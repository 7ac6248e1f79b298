"""Compare and decide as a new user, to the end of the journey.

A reviewer's report that agrees in other words shows no difference anywhere (page and the handoff
PDF). A second opinion that lengthens letrozole from 5 to 10 years and adds pertuzumab shows
exactly those two differences, each with its questions. The dashboard's next step then moves from
compare to the summary for the local doctor, to their answer, to done. At 390 px nothing is
off-screen.
"""

import io
import re

import pytest
from pypdf import PdfReader

from tests.opinions.factories import tiny_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIRST_PLAN = "Lumpectomy, then whole-breast radiation. Letrozole for 5 years."
AGREES = (
    "Agree with the plan as proposed: lumpectomy, then whole-breast radiation. "
    "Letrozole for 5 years."
)
CHANGES = "Lumpectomy, then whole-breast radiation. Letrozole for 10 years. Add pertuzumab."


def fits(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def next_step(page, case_id) -> str:
    page.goto(f"/cases/{case_id}/")
    return page.locator(".next-step").inner_text()


def check_saved(page) -> None:
    page.get_by_role("button", name="These are right: save").click()


def test_it_compares_by_treatment_and_walks_the_journey_to_the_end(
    new_context, live_server, page, new_user, create_case, axe_check, shot, tmp_path
):
    new_user(page, "patient.compare@example.org")
    dashboard = create_case(page)
    case_id = re.search(r"/cases/([0-9a-f-]{36})/", dashboard).group(1)
    page.goto(f"/cases/{case_id}/edit/")
    page.get_by_label("Stage, as your doctor told you").fill("2")
    page.get_by_label("The treatment your doctor recommends").fill(FIRST_PLAN)
    page.get_by_role("button", name=re.compile("Save")).first.click()
    page.get_by_role("heading", name="Check what we read from your first plan").wait_for()
    axe_check(page)
    shot(page, "compare-01-first-plan-check")
    check_saved(page)
    page.goto(f"/cases/{case_id}/goals/")
    page.get_by_label("What you want from treatment").fill("Live to see my grandson graduate")
    page.get_by_label("Side effects you most want to avoid").fill("Hair loss")
    page.get_by_role("button", name=re.compile("Save")).first.click()

    page.goto(f"/cases/{case_id}/services/new/")
    page.get_by_label("Name of the service or hospital").fill("Lakeside Cancer Center")
    page.get_by_role("button", name="Add the service").click()
    page.goto(f"/cases/{case_id}/opinions/")
    page.get_by_role("link", name="Make a link for this service").click()
    page.get_by_role("button", name="Make the link").click()
    url = page.locator("#share-url").input_value()

    # The reviewer agrees, in other words.
    reviewer_context = new_context()
    reviewer = reviewer_context.new_page()
    reviewer.goto(url)
    report = tmp_path / "report.pdf"
    report.write_bytes(tiny_pdf("Written opinion: I agree with the plan."))
    reviewer.get_by_label("Your written report (PDF)").set_input_files(str(report))
    reviewer.get_by_label("Your name").fill("Ada Moreau")
    reviewer.get_by_label("Confirms the first plan").check()
    reviewer.get_by_role("group", name="Do you agree with the diagnosis?").get_by_label(
        "Yes, I agree"
    ).check()
    reviewer.get_by_role("group", name="Do you agree with the stage?").get_by_label(
        "Yes, I agree"
    ).check()
    reviewer.get_by_label("The treatments you recommend").fill(AGREES)
    axe_check(reviewer)
    shot(reviewer, "compare-02-reviewer-questions")
    reviewer.get_by_role("button", name="Send the report").click()
    reviewer.get_by_role("heading", name=re.compile("Thank you")).wait_for()
    axe_check(reviewer)
    shot(reviewer, "compare-03-reviewer-check")
    check_saved(reviewer)
    reviewer.get_by_role("heading", name=re.compile("Thank you")).wait_for()
    reviewer_context.close()

    assert "Compare and decide" in next_step(page, case_id)
    page.goto(f"/cases/{case_id}/opinions/compare/")
    main = page.locator("main").inner_text()
    assert "differs" not in main.lower() and "Not the same" not in main
    assert "We found no difference" in main
    assert "Live to see my grandson graduate" in main and "Hair loss" in main
    axe_check(page)
    shot(page, "compare-04-agrees")
    pdf = page.request.get(f"/cases/{case_id}/opinions/handoff/summary.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert "differs" not in text.lower()
    assert "No difference in the treatments" in text

    # A second opinion, entered by the patient: 5 -> 10 years of letrozole, and pertuzumab.
    page.goto(f"/cases/{case_id}/opinions/new/")
    page.get_by_label("Doctor's name").fill("Ben Ortiz")
    page.get_by_label("Proposes changes to the first plan").check()
    page.get_by_role("group", name="Does this doctor agree with the diagnosis?").get_by_label(
        "Yes, I agree"
    ).check()
    page.get_by_label("Recommended treatments").fill(CHANGES)
    axe_check(page)
    shot(page, "compare-05-add-opinion")
    page.get_by_role("button", name="Save the opinion").click()
    page.get_by_role("heading", name="Check what we read from this opinion").wait_for()
    axe_check(page)
    shot(page, "compare-06-opinion-check")
    check_saved(page)
    page.get_by_role("heading", name="Compare and decide", exact=True).wait_for()
    second = page.locator(".opinion-compare").nth(1)
    differences = second.locator(".difference")
    assert differences.count() == 2
    words = second.inner_text()
    assert "pertuzumab" in words.lower() and "letrozole" in words.lower()
    for n in range(2):
        item = differences.nth(n).inner_text()
        assert "(for the reviewing doctor)" in item and "(for your local doctor)" in item
    assert "We found no difference" in page.locator(".opinion-compare").nth(0).inner_text()
    axe_check(page)
    shot(page, "compare-07-two-differences")

    # The opinion's own page, read-only, with the report's pages inline.
    page.goto(f"/cases/{case_id}/opinions/")
    page.get_by_role("link", name=re.compile("Ada Moreau")).first.click()
    page.locator(".report-pages img").first.scroll_into_view_if_needed()
    # Polled from Python: wait_for_function would need eval, which our CSP forbids.
    for _ in range(150):
        if page.locator(".report-pages img").evaluate_all(
            "imgs => imgs.every(i => i.complete && i.naturalWidth > 0)"
        ):
            break
        page.wait_for_timeout(100)
    loaded = page.locator(".report-pages img").evaluate_all("imgs => imgs.map(i => i.naturalWidth)")
    assert loaded and all(w > 0 for w in loaded)
    axe_check(page)
    shot(page, "compare-08-opinion-page")

    # Decide; the next step moves to the summary, then the answer, then done.
    page.goto(f"/cases/{case_id}/opinions/compare/")
    page.get_by_label("What you decided").fill("Follow the first plan and ask about pertuzumab.")
    page.get_by_role("button", name="Save my decision").click()
    step = next_step(page, case_id)
    assert "Give the summary to your local doctor" in step
    page.locator(".next-step").get_by_role("link").click()
    pdf = page.request.get(f"/cases/{case_id}/opinions/handoff/summary.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert "first plan" in text and "pertuzumab" in text.lower()
    page.get_by_label("Date you gave it to your local doctor").fill("2026-05-04")
    page.get_by_role("button", name="Save").click()
    step = next_step(page, case_id)
    assert "Record your local doctor's answer" in step
    shot(page, "compare-09-next-answer")
    page.locator(".next-step").get_by_role("link").click()
    page.get_by_label("What your local doctor said").fill("Agrees. We will discuss pertuzumab.")
    page.get_by_label("Date of their answer").fill("2026-05-06")
    page.get_by_role("button", name="Save").click()
    step = next_step(page, case_id)
    assert "The journey is complete" in step
    assert "Summary given to your local doctor: May 4, 2026" in step
    assert "Your local doctor answered: May 6, 2026" in step
    axe_check(page)
    shot(page, "compare-10-done")

    # A phone, 390 px wide: nothing off-screen.
    page.set_viewport_size({"width": 390, "height": 844})
    for path, name in [
        (f"/cases/{case_id}/opinions/compare/", "compare-11-phone-compare"),
        (f"/cases/{case_id}/opinions/first-plan/", "compare-12-phone-check"),
        (f"/cases/{case_id}/", "compare-13-phone-done"),
    ]:
        page.goto(path)
        assert fits(page), path
        shot(page, name)
