"""The find-centers page as a new user sees it, on a laptop (1200 px) and a phone (390 px): the
map first, beside or above a numbered list whose numbers are on the dots; the nearest ten, then
"show more"; phone numbers as tel: links, or where to look; no sideways scroll; and in Hawaii the
nearest dot drawn on top of the ZIP marker (issue #16)."""

import pytest

from tests.browser.test_first_hour import SIZES, no_sideways_scroll
from tests.centers.helpers import ensure_directory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def box(locator) -> dict:
    found = locator.bounding_box()
    assert found, "not drawn"
    return found


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

    # The map first: beside the list on a laptop, above it on a phone.
    figure, listing = box(page.locator(".usmap-figure")), box(page.locator(".center-results"))
    if viewport["width"] >= 960:
        assert figure["x"] + figure["width"] <= listing["x"]
        assert abs(figure["y"] - listing["y"]) < 40
    else:
        assert figure["y"] + figure["height"] <= listing["y"]

    # The list numbers are on the dots: number n is drawn next to center n's marker.
    points = page.locator("svg.usmap .usmap-points")
    for n in range(1, 11):
        name = results.nth(n - 1).locator("h3").inner_text()
        assert name.startswith(f"{n}. ")
        marker = points.locator(f'[role=img][aria-label^="{n}. "]')
        assert marker.count() == 1
        assert name.removeprefix(f"{n}. ") in marker.get_attribute("aria-label")
        label = points.get_by_text(str(n), exact=True)
        assert label.count() == 1, n
        dot, digits = box(marker), box(label)
        assert abs(digits["x"] - (dot["x"] + dot["width"])) < 25, n  # just right of the dot
        assert abs(digits["y"] + digits["height"] - dot["y"]) < 25, n  # and just above it
    no_sideways_scroll(page, viewport["width"])
    axe_check(page)
    shot(page, f"find-centers-{size}-01-boston")

    # Then all of them; every phone number is a tel: link, or the page says where to look.
    more.click()
    page.get_by_role("heading", name="75 centers near 02215").wait_for()
    assert results.count() == 75
    assert not page.get_by_role("link", name="more center", exact=False).count()
    phones = page.locator(".center-phone")
    links = phones.locator('a[href^="tel:+1"]')
    assert links.count() > 0
    for index in range(links.count()):
        link = links.nth(index)
        digits = "".join(ch for ch in link.inner_text() if ch.isdigit())
        assert link.get_attribute("href").removeprefix("tel:+").replace("-", "") in (
            digits,
            "1" + digits,
        )
    unknown = phones.filter(has_text="not in our list: see their website")
    assert unknown.count() > 0
    neither = phones.filter(has_not_text="not in our list").filter(
        has_not=page.locator('a[href^="tel:"]')
    )
    assert neither.count() == 0
    no_sideways_scroll(page, viewport["width"])
    axe_check(page)
    shot(page, f"find-centers-{size}-02-all")

    # Honolulu: the nearest center is drawn after (so above) the ZIP marker, and it is what
    # lies on top at the middle of its dot.
    search(page, "96813")
    assert "University of Hawaii" in results.first.inner_text()
    order = page.locator("svg.usmap .usmap-points [role=img]").evaluate_all(
        "els => els.map(e => e.getAttribute('aria-label'))"
    )
    zip_at = order.index("Your ZIP code 96813")
    nearest_at = next(i for i, label in enumerate(order) if label.startswith("1. "))
    assert zip_at < nearest_at
    dot = page.locator('svg.usmap [role=img][aria-label^="1. "]')
    dot.scroll_into_view_if_needed()
    nearest = box(dot)  # in the viewport's coordinates, as elementFromPoint wants them
    on_top = page.evaluate(
        "([x, y]) => { const e = document.elementFromPoint(x, y);"
        " return (e.closest('[role=img]') || e).getAttribute('aria-label') || e.tagName; }",
        [nearest["x"] + nearest["width"] / 2, nearest["y"] + nearest["height"] / 2],
    )
    assert on_top.startswith("1. University of Hawaii"), on_top
    no_sideways_scroll(page, viewport["width"])
    axe_check(page)
    shot(page, f"find-centers-{size}-03-honolulu")
