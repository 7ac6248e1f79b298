"""Checks of the find-centers map shared by the browser tests (the focused one and the first-hour
walk): boxes where the browser drew them, the list numbers beside their dots, no two labels
overlapping."""


def box(locator) -> dict:
    found = locator.bounding_box()
    assert found, "not drawn"
    return found


def label_numbers(text: str) -> set[int]:
    """ "1, 2" → {1, 2}; "5–10" → {5, ..., 10}."""
    numbers: set[int] = set()
    for part in text.split(","):
        low, _, high = part.strip().partition("–")
        numbers.update(range(int(low), int(high or low) + 1))
    return numbers


def gap(a: dict, b: dict) -> float:
    """The distance between two boxes (0 when they touch or overlap)."""
    dx = max(a["x"] - (b["x"] + b["width"]), b["x"] - (a["x"] + a["width"]), 0)
    dy = max(a["y"] - (b["y"] + b["height"]), b["y"] - (a["y"] + a["height"]), 0)
    return (dx**2 + dy**2) ** 0.5


def labels_apart(labels) -> None:
    """No two number labels' boxes overlap where the browser drew them."""
    boxes = [box(labels.nth(i)) for i in range(labels.count())]
    assert boxes
    for i, a in enumerate(boxes):
        for b in boxes[:i]:
            overlap_x = min(a["x"] + a["width"], b["x"] + b["width"]) - max(a["x"], b["x"])
            overlap_y = min(a["y"] + a["height"], b["y"] + b["height"]) - max(a["y"], b["y"])
            assert overlap_x <= 0 or overlap_y <= 0, (a, b)


def numbers_on_their_dots(page, viewport: dict, shown: int) -> None:
    """List number n (1..shown) is in exactly one label, beside center n's marker (several
    centers on one spot share a label such as "7–10"), and no two labels overlap on screen."""
    results = page.locator(".center-results > li")
    points = page.locator("svg.usmap .usmap-points")
    labels = page.locator("svg.usmap .usmap-number")
    texts = labels.evaluate_all("els => els.map(e => e.textContent)")
    for n in range(1, shown + 1):
        name = results.nth(n - 1).locator("h3").inner_text()
        assert name.startswith(f"{n}. ")
        marker = points.locator(f'[role=img][aria-label^="{n}. "]')
        assert marker.count() == 1
        assert name.removeprefix(f"{n}. ") in marker.get_attribute("aria-label")
        holding = [i for i, text in enumerate(texts) if n in label_numbers(text)]
        assert len(holding) == 1, (n, texts)
        dot, digits = box(marker), box(labels.nth(holding[0]))
        assert gap(dot, digits) < 0.25 * viewport["width"], n  # beside it, or led to it by a line
    labels_apart(labels)


def map_first(page, viewport: dict) -> None:
    """The map comes first: beside the list on a laptop, above it on a phone."""
    figure, listing = box(page.locator(".usmap-figure")), box(page.locator(".center-results"))
    if viewport["width"] >= 960:
        assert figure["x"] + figure["width"] <= listing["x"]
        assert abs(figure["y"] - listing["y"]) < 40
    else:
        assert figure["y"] + figure["height"] <= listing["y"]


def phones_as_links(page) -> None:
    """Every phone number is a tel: link to the same digits, or the page says where to look."""
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
    neither = phones.filter(has_not_text="not in our list").filter(
        has_not=page.locator('a[href^="tel:"]')
    )
    assert neither.count() == 0


def nearest_dot_on_top(page, zip_code: str) -> str:
    """The nearest center's dot is drawn after (so above) the ZIP marker, and it is what lies on
    top at the middle of its dot; the bigger ZIP marker still shows around it. Returns the
    label of the dot on top ("1. <center>")."""
    order = page.locator("svg.usmap .usmap-points [role=img]").evaluate_all(
        "els => els.map(e => e.getAttribute('aria-label'))"
    )
    zip_at = order.index(f"Your ZIP code {zip_code}")
    assert zip_at < next(i for i, label in enumerate(order) if label.startswith("1. "))
    dot = page.locator('svg.usmap [role=img][aria-label^="1. "]')
    dot.scroll_into_view_if_needed()
    nearest = box(dot)  # in the viewport's coordinates, as elementFromPoint wants them
    on_top = page.evaluate(
        "([x, y]) => { const e = document.elementFromPoint(x, y);"
        " return (e.closest('[role=img]') || e).getAttribute('aria-label') || e.tagName; }",
        [nearest["x"] + nearest["width"] / 2, nearest["y"] + nearest["height"] / 2],
    )
    assert on_top.startswith("1. "), on_top
    diamond = box(page.locator(f'svg.usmap [role=img][aria-label="Your ZIP code {zip_code}"]'))
    assert diamond["width"] > nearest["width"] + 8 and diamond["height"] > nearest["height"] + 8
    return on_top
