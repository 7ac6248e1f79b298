"""The timeline picture: valid SVG, every mark in words, late reports told apart by shape."""

import xml.etree.ElementTree as ET
from datetime import date

from secondopinion.providers.timeline import TimelineItem, timeline_svg

SVG = "{http://www.w3.org/2000/svg}"
TODAY = date(2026, 3, 2)


def parse(svg: str):
    return ET.fromstring(svg)  # noqa: S314 (our own output)


def test_it_draws_today_the_safe_date_and_each_report():
    root = parse(
        timeline_svg(
            today=TODAY,
            safe_until=date(2026, 4, 1),
            items=[
                TimelineItem("In time <Clinic>", date(2026, 3, 20)),
                TimelineItem("Late Clinic", date(2026, 4, 10)),
                TimelineItem("Unknown Clinic", None),
            ],
        )
    )
    labels = [el.get("aria-label") for el in root.iter() if el.get("role") == "img"]
    assert labels == [
        "Today, Mar 2, 2026",
        "Safe to wait until Apr 1, 2026",
        "In time <Clinic>: report expected Mar 20, 2026.",
        "Late Clinic: report expected Apr 10, 2026, after the safe-to-wait date.",
        "Unknown Clinic: report date not known yet.",
    ]
    assert len(root.findall(f".//{SVG}rect")) == 1  # the late one is a square
    assert len(root.findall(f".//{SVG}circle")) == 1
    desc = root.find(f"{SVG}desc").text
    assert desc.startswith("Today is Mar 2, 2026. Your doctor said treatment can safely wait")


def test_it_says_when_there_is_no_safe_date_or_service():
    root = parse(timeline_svg(today=TODAY, safe_until=None, items=[]))
    assert "not recorded yet" in root.find(f"{SVG}desc").text
    assert any(el.text == "No services yet." for el in root.iter(f"{SVG}text"))


def test_it_fits_dates_before_today():
    root = parse(
        timeline_svg(today=TODAY, safe_until=None, items=[TimelineItem("Past", date(2026, 2, 1))])
    )
    xs = [float(c.get("cx")) for c in root.iter(f"{SVG}circle")]
    assert xs and xs[0] >= 250
