"""A timeline picture (SVG) of today, the safe-to-wait date and each service's expected report.

Pure module: no Django. Every mark carries its words (title and aria-label), and the description
repeats the whole picture as text, so nothing is told by colour or position alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

WIDTH = 760
LEFT = 250  # label column
RIGHT = 90
TOP = 56
ROW = 40
# Presentation attributes, not CSS: the Content-Security-Policy blocks inline <style>.


def _t(size: int = 14, fill: str = "#222222", extra: str = "") -> str:
    return f'font-family="sans-serif" font-size="{size}" fill="{fill}" {extra}'.strip()


_T = _t()
_T_SAFE = _t(fill="#8c1d17", extra='font-weight="bold"')
_T_MUTED = _t(fill="#555555", extra='font-style="italic"')


@dataclass(frozen=True)
class TimelineItem:
    label: str
    expected: date | None


def _day(d: date) -> str:
    return f"{d:%b} {d.day}, {d.year}"


def _shorten(text: str, limit: int = 32) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def timeline_svg(
    *,
    today: date,
    safe_until: date | None,
    items: Sequence[TimelineItem],
    element_id: str = "timeline",
) -> str:
    """A complete <svg> element showing when each report is expected against the safe date."""
    known = [i.expected for i in items if i.expected is not None]
    start = min([today, *known]) - timedelta(days=2)
    end = max([today + timedelta(days=14), *known, *([safe_until] if safe_until else [])])
    end += timedelta(days=3)
    span = max(1, (end - start).days)
    height = TOP + ROW * max(1, len(items)) + 20

    def x(d: date) -> float:
        return LEFT + (d - start).days / span * (WIDTH - LEFT - RIGHT)

    words: list[str] = [f"Today is {_day(today)}."]
    if safe_until:
        words.append(f"Your doctor said treatment can safely wait until {_day(safe_until)}.")
    else:
        words.append("The safe-to-wait date is not recorded yet.")
    parts: list[str] = []
    bottom = TOP + ROW * max(1, len(items))
    tx = x(today)
    parts.append(
        f'<g role="img" aria-label="Today, {_day(today)}"><title>Today, {_day(today)}</title>'
        f'<line x1="{tx:.1f}" y1="{TOP - 22}" x2="{tx:.1f}" y2="{bottom}" stroke="#1f4e99" '
        f'stroke-width="2"/><text x="{tx:.1f}" y="{TOP - 28}" text-anchor="middle" '
        f"{_T}>Today</text></g>"
    )
    if safe_until:
        sx = x(safe_until)
        label = f"Safe to wait until {_day(safe_until)}"
        parts.append(
            f'<g role="img" aria-label="{label}"><title>{label}</title>'
            f'<line x1="{sx:.1f}" y1="{TOP - 2}" x2="{sx:.1f}" y2="{bottom}" stroke="#b3261e" '
            f'stroke-width="3" stroke-dasharray="6 4"/><text x="{sx:.1f}" y="{TOP - 8}" '
            f'text-anchor="middle" {_T_SAFE}>Safe until {safe_until:%b} '
            f"{safe_until.day}</text></g>"
        )
    for n, item in enumerate(items):
        y = TOP + ROW * n + ROW / 2
        name = escape(_shorten(item.label))
        parts.append(
            f'<text x="{LEFT - 12}" y="{y + 5:.1f}" text-anchor="end" {_T}>{name}</text>'
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#d5dbd8"/>'
        )
        if item.expected is None:
            text = f"{item.label}: report date not known yet."
            parts.append(
                f'<text x="{LEFT + 8}" y="{y + 5:.1f}" {_T_MUTED} role="img" '
                f'aria-label="{escape(text)}">report date not known yet</text>'
            )
            words.append(text)
            continue
        late = safe_until is not None and item.expected > safe_until
        ex = x(item.expected)
        text = f"{item.label}: report expected {_day(item.expected)}" + (
            ", after the safe-to-wait date." if late else "."
        )
        words.append(text)
        if late:
            # A square for "late", so the difference is not told by colour alone.
            mark = f'<rect x="{ex - 7:.1f}" y="{y - 7:.1f}" width="14" height="14" fill="#b3261e"/>'
        else:
            mark = f'<circle cx="{ex:.1f}" cy="{y:.1f}" r="7" fill="#0b6e4f"/>'
        parts.append(
            f'<g role="img" aria-label="{escape(text)}"><title>{escape(text)}</title>'
            f'<line x1="{tx:.1f}" y1="{y:.1f}" x2="{ex:.1f}" y2="{y:.1f}" stroke="#5b6b63" '
            f'stroke-width="3"/>{mark}<text x="{ex + 11:.1f}" y="{y - 9:.1f}" '
            f"{_t(size=12)}>{item.expected:%b} {item.expected.day}"
            f"{' (late)' if late else ''}</text></g>"
        )
    if not items:
        parts.append(f'<text x="{LEFT}" y="{TOP + ROW / 2 + 5}" {_T_MUTED}>No services yet.</text>')
    desc = " ".join(words)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'role="group" aria-labelledby="{element_id}-title {element_id}-desc" id="{element_id}" '
        f'class="timeline-svg">'
        f'<title id="{element_id}-title">When each report is expected</title>'
        f'<desc id="{element_id}-desc">{escape(desc)}</desc>'
        f"{''.join(parts)}</svg>"
    )
