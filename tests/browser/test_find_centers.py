"""The find-centers page as a new user sees it, on a laptop (1200 px) and a phone (390 px): the
map first, beside or above a numbered list whose numbers are on the dots; the nearest ten, then
"show more"; no two number labels overlapping on the screen; phone numbers as tel: links, or where
to look; no sideways scroll; and in Hawaii the nearest dot drawn on top of the ZIP marker, whose
red edge stays in sight (issue #16)."""

import pytest

from tests.browser.mapchecks import (
    labels_apart,
    map_first,
    nearest_dot_on_top,
    numbers_on_their_dots,
    phones_as_links,
)
from tests.browser.test_first_hour import SIZES, no_sideways_scroll
from tests.centers.helpers import ensure_directory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def search(page, zip_code: str) -> None:
    page.goto("/centers/")
    page.get_by_role("textbox", name="Your ZIP code").fill(zip_code)
    page.get_by_role("button", name="Search").click()
    page.get_by_role("heading", name=f"near {zip_code}").wait_for()


@pytest.mark.parametrize("size", SIZES)
def test_the_find_centers_page_as_a_new_user_sees_it(new_context, new_user, axe_check, shot, size):
    ensure_directory()  # an earlier browser test's flush removes migration data
    viewport = SIZES[size]
    page = new_context(viewport=viewport).new_page()
    new_user(page, f"finder.{size}@example.org")

    search(page, "02215")
    results = page.locator(".center-results > li")
    assert results.count() == 10  # the nearest ten first
    assert "Dana-Farber" in results.first.inner_text()
    more = page.get_by_role("link", name="Show 65 more centers")
    assert more.is_visible()

    map_first(page, viewport)
    numbers_on_their_dots(page, viewport, 10)
    no_sideways_scroll(page, viewport["width"])
    axe_check(page)
    shot(page, f"find-centers-{size}-01-boston")

    # Then all of them; every phone number is a tel: link, or the page says where to look.
    more.click()
    page.get_by_role("heading", name="75 centers near 02215").wait_for()
    assert results.count() == 75
    assert not page.get_by_role("link", name="more center", exact=False).count()
    phones_as_links(page)
    phones = page.locator(".center-phone")
    unknown = phones.filter(has_text="not in our list: see their website")
    assert unknown.count() > 0
    no_sideways_scroll(page, viewport["width"])
    axe_check(page)
    shot(page, f"find-centers-{size}-02-all")

    # Honolulu: the nearest center is drawn after (so above) the ZIP marker, and it is what
    # lies on top at the middle of its dot.
    search(page, "96813")
    assert "University of Hawaii" in results.first.inner_text()
    assert nearest_dot_on_top(page, "96813").startswith("1. University of Hawaii")
    labels_apart(page.locator("svg.usmap .usmap-number"))
    no_sideways_scroll(page, viewport["width"])
    axe_check(page)
    shot(page, f"find-centers-{size}-03-honolulu")
