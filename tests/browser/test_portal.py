"""A new user adds the mCODE-shaped FHIR bundle their portal gave them: the pathology report
inside is explained, the stage from the portal sits beside the stage read from the report, and
letrozole is offered for the first plan."""

import pytest

from tests.records import portal_bundles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_portal_bundle_fills_the_case(page, new_user, axe_check, shot):
    new_user(page, "portal.reader@example.org")
    page.goto("/cases/new/")
    page.get_by_label("Patient's name").fill("Maria Rivera")
    page.get_by_label("Type of cancer").select_option(label="Other or not sure")
    page.get_by_label("If other, what type").fill("Not sure yet")
    page.get_by_role("button", name="Create the case").click()
    page.get_by_role("heading", name="Your second opinion, step by step").wait_for()
    case_url = page.url

    page.goto(case_url + "records/")
    page.get_by_role("heading", name="Add records from your patient portal").wait_for()
    axe_check(page)
    page.get_by_label("The file you downloaded").set_input_files(
        str(portal_bundles.DATA / "mcode-breast.json")
    )
    page.get_by_role("button", name="Read my portal records").click()
    page.get_by_role("heading", name="Records from your patient portal").wait_for()
    page.get_by_text("Finished. We added").wait_for()
    body = page.locator("main").inner_text()
    assert "Primary malignant neoplasm of female left breast" in body
    assert "Observation/breast-stage-group" in body  # where each item came from
    axe_check(page)
    shot(page, "portal-01-results")

    # The cancer type offered from the portal's diagnosis.
    page.get_by_role("button", name="Use “Breast cancer” for this case").click()
    page.get_by_text("Your case now says: Breast cancer.").wait_for()

    # Letrozole offered for the first plan, then read by the plan reader like typed words.
    offer = page.locator(
        "section", has=page.get_by_role("heading", name="Treatments in your portal records")
    )
    assert "letrozole" in offer.inner_text()
    shot(page, "portal-02-offers")
    page.get_by_role("button", name="Add to my first plan").click()
    page.get_by_text("Added to your first plan: letrozole").wait_for()
    page.goto(case_url + "opinions/first-plan/")
    page.get_by_role("heading", name="Check what we read from your first plan").wait_for()
    letrozole = page.locator("fieldset", has_text="Read from: “letrozole”")
    assert letrozole.get_by_label("Medicines:").input_value() == "letrozole"
    assert (
        "Hormone (endocrine) therapy" in letrozole.get_by_label("Kind of treatment:").inner_text()
    )
    axe_check(page)
    shot(page, "portal-03-first-plan")

    # The pathology report inside the bundle, read and explained, with the portal's stage beside.
    page.goto(case_url + "records/")
    page.get_by_role("link", name="Surgical pathology report.txt").click()
    page.get_by_role("link", name="See the facts in this pathology report, explained").click()
    page.get_by_role("heading", name="Facts found", exact=False).wait_for()
    facts = page.locator(".facts-list").inner_text()
    assert "Stage" in facts and "IIA" in facts
    portal = page.locator(".portal-facts").inner_text()
    assert "From your patient portal" in portal
    row = (
        page.locator(".portal-facts tr")
        .filter(has=page.get_by_role("rowheader", name="Stage group", exact=True))
        .inner_text()
    )
    assert row.count("IIA") == 2  # the portal's and the report's, side by side
    assert "differs" not in portal
    axe_check(page)
    shot(page, "portal-04-report-explained")
