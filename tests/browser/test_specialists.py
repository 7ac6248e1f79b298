"""A new user finds cancer centers by ZIP, adds two services, and sees a stop sign, the
comparison and the timeline picture."""

import datetime

import pytest

from tests.centers.helpers import ensure_directory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_finds_centers_vets_two_services_and_compares_them(
    page, new_user, create_case, axe_check, shot
):
    ensure_directory()  # an earlier browser test's flush removes migration data
    new_user(page)
    case_url = create_case(page)

    # A safe-to-wait date, so the timeline picture has something to measure against.
    page.goto(case_url + "timeline/")
    page.get_by_label("My doctor answered").check()
    page.get_by_label("Waiting a few weeks is fine").check()
    safe = datetime.date.today() + datetime.timedelta(days=21)
    page.get_by_label("Safe to wait until").fill(safe.isoformat())
    page.get_by_role("button", name="Save the timeline").click()

    # Services: empty at first, with a way to search the directory.
    page.get_by_role("navigation").get_by_role("link", name="Services").click()
    axe_check(page)
    page.get_by_role("link", name="Find a cancer center").first.click()
    page.get_by_role("textbox", name="Your ZIP code").fill("02115")
    page.get_by_label("How far").select_option(label="Within 300 miles")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("heading", name="near 02115 (Boston, MA), nearest first").wait_for()
    first = page.locator(".center-results > li").first
    assert "Dana-Farber" in first.inner_text()
    assert page.locator("svg.usmap [role=img]").count() > 5
    axe_check(page)
    shot(page, "specialists-01-search")

    # Service 1: from the directory, with good answers.
    first.get_by_role("button", name="Add to my services").click()
    page.get_by_role("button", name="Add the service").click()
    page.get_by_role("heading", name="What you know about Dana-Farber").wait_for()
    axe_check(page)
    page.get_by_label("Will they tell you the reviewing doctor's name?").select_option(
        label="Yes, they told me"
    )
    page.get_by_role("textbox", name="Reviewing doctor's name").fill("Dr. Ada Lovelace")
    page.get_by_label("What you would pay yourself").fill("-20")
    page.get_by_role("button", name="Save the answers").click()
    # A negative cost is refused beside the field; the name typed is kept.
    assert page.get_by_text("A cost cannot be below zero").is_visible()
    assert (
        page.get_by_role("textbox", name="Reviewing doctor's name").input_value()
        == "Dr. Ada Lovelace"
    )
    page.get_by_label("What you would pay yourself").fill("900")
    page.get_by_label("Days until the answer, once they have your records").fill("10")
    page.get_by_label("Will you get a written report").select_option(label="Yes")
    page.get_by_role("button", name="Save the answers").click()
    page.get_by_role("heading", name="What to watch").wait_for()
    assert page.locator(".flag-stop").count() == 0
    shot(page, "specialists-02-service-good")

    # Service 2: entered by hand; they will not name the doctor.
    page.get_by_role("link", name="All services").click()
    page.get_by_role("link", name="Add a service by hand").click()
    page.get_by_label("Name of the service or hospital").fill("QuickOpinion Online")
    page.get_by_role("button", name="Add the service").click()
    page.get_by_label("Will they tell you the reviewing doctor's name?").select_option(
        label="No, they will not or cannot say"
    )
    page.get_by_label("What you would pay yourself").fill("300")
    page.get_by_label("Days until the answer, once they have your records").fill("40")
    page.get_by_role("button", name="Save the answers").click()
    stop = page.locator(".flag-stop")
    assert "Do not go ahead or pay" in stop.inner_text()
    axe_check(page)
    shot(page, "specialists-03-service-stop")

    # Questions still open for that service, with the cancer filled in.
    page.get_by_role("link", name="Questions to ask them").click()
    script = page.get_by_label("Your script").input_value()
    assert "breast cancer" in script
    assert "How much would I pay" not in script
    axe_check(page)

    # The comparison: the stop-flagged service is set apart and the timeline is drawn.
    page.goto(case_url + "services/compare/")
    axe_check(page)
    headers = page.locator("table.compare thead th").all_inner_texts()
    assert "Dana-Farber" in headers[1]
    assert "QuickOpinion Online" in headers[2] and "Stop: do not go ahead" in headers[2]
    timeline = page.locator("svg#timeline")
    assert timeline.is_visible()
    desc = timeline.locator("desc").text_content()
    assert "QuickOpinion Online: report expected" in desc
    assert "after the safe-to-wait date" in desc
    shot(page, "specialists-04-compare")

    # The dashboard says the services need attention.
    page.goto(case_url)
    assert "Needs attention" in page.locator("#stage-vet_services").inner_text()
    shot(page, "specialists-05-dashboard")
