"""A new user pastes a service's agreement, marks the service agreed, sets dates, downloads the
calendar: the flags, the warning, the date conflict and the reminders all show."""

import datetime

import pytest
from django.utils import timezone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AGREEMENT = """HOPEWELL REMOTE OPINIONS - TERMS

1. The review of your case costs $600, charged when you submit your request.

2. For reasons of professional confidentiality, the name of the reviewing physician will not be
disclosed to you.

3. We may sell your information to our marketing partners, who may contact you about products.

4. You will receive a written report within 10 business days of receiving complete records.
"""


def test_it_reads_the_agreement_warns_and_keeps_the_dates_in_agreement(
    page, new_user, create_case, axe_check, shot
):
    new_user(page)
    dashboard = create_case(page)

    page.goto(dashboard + "services/new/")
    page.get_by_label("Name of the service or hospital").fill("Hopewell Remote Opinions")
    page.get_by_role("button", name="Add the service").click()
    page.get_by_role("button", name="Save the answers").click()
    page.get_by_role("link", name="Add their agreement").click()
    page.get_by_role("heading", name="Their agreement, read for you").wait_for()
    axe_check(page)
    page.get_by_label("Or paste the agreement's text").fill(AGREEMENT)
    page.get_by_role("button", name="Read it").click()
    page.get_by_text("Read. The clauses it found are highlighted below.").wait_for()

    flagged = page.locator(".agreement-clause.is-unfavourable")
    assert flagged.count() == 2
    assert "Who reviews your case" in flagged.nth(0).inner_text()
    assert "will not be disclosed to you" in flagged.nth(0).locator("mark").inner_text()
    assert "How your information is used" in flagged.nth(1).inner_text()
    assert "sell your information" in flagged.nth(1).locator("mark").inner_text()
    assert page.locator("mark.mark-unfavourable").count() == 2
    assert page.get_by_text("Will you tell me the doctor's name", exact=False).first.is_visible()
    assert page.get_by_text("sold or shared for marketing", exact=False).first.is_visible()
    axe_check(page)
    shot(page, "agreement-01-read-with-flags")

    page.get_by_role("link", name="Back to Hopewell Remote Opinions").click()
    assert page.get_by_text("the reviewing doctor's name is not given to you").is_visible()
    page.get_by_role("link", name="Update the answers").click()
    page.get_by_label("Status").select_option(label="Agreed to go ahead")
    page.get_by_label("Days until the answer, once they have your records").fill("10")
    page.get_by_role("button", name="Save the answers").click()
    page.get_by_text("is marked as agreed, but the agreement is not marked as read").wait_for()
    axe_check(page)
    shot(page, "agreement-02-agreed-before-reading")

    today = timezone.localdate()
    page.goto(dashboard + "timeline/")
    page.get_by_label("Safe to wait until").fill(str(today + datetime.timedelta(days=20)))
    page.get_by_label("Planned start of treatment").fill(str(today + datetime.timedelta(days=25)))
    page.get_by_role("button", name="Save the timeline").click()
    page.goto(dashboard + "timeline/")
    assert page.get_by_text("Dates that do not agree").is_visible()
    assert page.get_by_text("The planned start of treatment", exact=False).is_visible()
    axe_check(page)
    page.goto(dashboard)
    assert page.get_by_text("5 days after the date your doctor said", exact=False).is_visible()
    axe_check(page)
    shot(page, "agreement-03-dashboard-date-conflict")

    page.set_viewport_size({"width": 390, "height": 800})
    shot(page, "agreement-04-dashboard-390")

    response = page.request.get(dashboard + "opinions/calendar.ics")
    ics = response.text().replace("\r\n ", "")  # unfold long lines
    assert "BEGIN:VALARM" in ics and "TRIGGER:-P3D" in ics
    assert "Report expected from Hopewell Remote Opinions" in ics
