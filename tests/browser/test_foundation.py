"""A new user signs up, starts a case, fills the timeline and goals, and watches the dashboard."""

import datetime

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_walks_a_new_user_from_sign_up_to_a_planned_timeline(
    page, new_user, create_case, axe_check, shot
):
    new_user(page)
    shot(page, "foundation-01-my-cases")
    create_case(page)
    axe_check(page)
    shot(page, "foundation-02-dashboard-new-case")

    # With no safe date the app says so, and the next step is to ask the doctor.
    assert "No safe-to-wait date yet" in page.locator("#days-left").inner_text()
    next_step = page.locator(".next-step")
    assert "Check how long treatment can wait" in next_step.inner_text()

    next_step.get_by_role("link", name="Ask your doctor").click()
    axe_check(page)
    message = page.get_by_label("Message to Dr. Lee Morgan").input_value()
    assert message.startswith("Dear Dr. Lee Morgan,")
    assert "breast cancer" in message
    shot(page, "foundation-03-timeline")

    # A safe date in the past is refused beside the field, and nothing typed is lost.
    page.get_by_label("My doctor answered").check()
    page.get_by_label("Waiting a few weeks is fine").check()
    page.get_by_label("Safe to wait until").fill("2020-01-01")
    page.get_by_role("button", name="Save the timeline").click()
    assert page.get_by_text("This date has already passed").is_visible()
    assert page.get_by_label("Waiting a few weeks is fine").is_checked()
    axe_check(page)

    safe = datetime.date.today() + datetime.timedelta(days=21)
    page.get_by_label("Safe to wait until").fill(safe.isoformat())
    page.get_by_role("button", name="Save the timeline").click()
    assert "21 days left" in page.locator("#days-left").inner_text()
    assert "Write down your goals" in page.locator(".next-step").inner_text()
    shot(page, "foundation-04-dashboard-with-date")

    page.locator(".next-step").get_by_role("link", name="Write your goals").click()
    axe_check(page)
    page.get_by_label("What you want from treatment").fill("Be cured if I can.")
    page.get_by_label("What matters most in daily life").fill("Keep working part-time.")
    page.get_by_label("I have read about the two possible outcomes").check()
    page.get_by_role("button", name="Save my goals").click()
    assert page.locator("#stage-goals .badge").inner_text() == "Done"
    assert "Write down your goals" not in page.locator(".next-step").inner_text()
    shot(page, "foundation-05-dashboard-goals-done")


def test_it_works_on_a_phone_sized_screen(
    new_context, live_server, new_user, create_case, axe_check, shot
):
    context = new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    new_user(page, "phone@example.org")
    create_case(page)
    axe_check(page)
    # Nothing may force sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "foundation-06-phone-dashboard")
    context.close()
