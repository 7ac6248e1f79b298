"""An offline SVG map of the United States with points for centers. No tiles, no network.

Pure module: no Django. The outline is a hand-simplified polygon of the lower 48 states traced
from well-known border and coast points (about 150 vertices), drawn in an Albers equal-area conic
projection, the usual projection for maps of the lower 48. It follows the border through the Great
Lakes, so the lakes are drawn as land, and small islands and bays are left out. It is a picture for
"roughly where", not a survey map.

Hawaii is drawn in an inset box at the lower left, not to scale or position, because one center is
there. Alaska and the territories have no center and are not drawn; a point there (for example the
patient's own ZIP) is left off the picture and the description says so.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 960, 600

# (longitude, latitude), clockwise from Cape Flattery, WA.
LOWER_48: tuple[tuple[float, float], ...] = (
    (-124.7, 48.4), (-123.2, 48.2), (-122.8, 49.0), (-117.0, 49.0), (-110.0, 49.0),
    (-104.0, 49.0), (-97.2, 49.0), (-95.15, 49.0), (-95.15, 49.38), (-94.8, 49.3),
    (-94.6, 48.7), (-93.4, 48.6), (-92.0, 48.3), (-90.8, 48.1), (-89.6, 48.0),
    (-88.4, 48.3), (-86.5, 47.9), (-84.8, 46.9), (-84.1, 46.5), (-83.6, 46.1),
    (-82.4, 45.3), (-82.1, 43.6), (-82.5, 42.6), (-83.1, 42.0), (-82.5, 41.7),
    (-81.0, 42.2), (-79.8, 42.5), (-79.0, 42.9), (-79.1, 43.5), (-77.6, 43.6),
    (-76.3, 44.2), (-75.3, 44.9), (-74.7, 45.0), (-73.3, 45.0), (-71.5, 45.0),
    (-71.1, 45.3), (-70.7, 45.4), (-70.3, 45.9), (-70.0, 46.7), (-69.2, 47.45),
    (-68.2, 47.35), (-67.8, 47.1), (-67.8, 45.7), (-67.4, 45.2), (-67.0, 44.9),
    (-67.5, 44.5), (-68.8, 44.3), (-69.8, 43.8), (-70.2, 43.6), (-70.7, 43.0),
    (-70.8, 42.6), (-71.0, 42.3), (-70.6, 42.0), (-70.0, 42.05), (-69.95, 41.7),
    (-70.6, 41.5), (-71.4, 41.4), (-72.3, 41.3), (-72.9, 41.25), (-73.7, 40.95),
    (-72.0, 41.1), (-71.9, 41.05), (-73.2, 40.65), (-74.0, 40.6), (-74.0, 40.2),
    (-74.4, 39.4), (-74.9, 38.9), (-75.5, 39.6), (-75.1, 38.8), (-75.05, 38.45),
    (-75.3, 38.0), (-75.6, 37.5), (-75.95, 37.15), (-76.0, 36.9), (-75.8, 36.3),
    (-75.5, 35.6), (-75.5, 35.2), (-76.5, 34.7), (-77.4, 34.5), (-77.9, 33.9),
    (-78.6, 33.8), (-79.2, 33.2), (-79.9, 32.7), (-80.6, 32.3), (-81.2, 31.5),
    (-81.45, 30.4), (-81.2, 29.6), (-80.6, 28.4), (-80.4, 27.6), (-80.05, 26.7),
    (-80.1, 25.8), (-80.4, 25.2), (-81.1, 25.1), (-81.7, 25.9), (-82.2, 26.7),
    (-82.8, 27.9), (-82.7, 28.7), (-83.2, 29.2), (-83.7, 29.9), (-84.4, 30.0),
    (-85.4, 29.7), (-86.5, 30.4), (-87.5, 30.3), (-88.0, 30.6), (-88.6, 30.35),
    (-89.4, 30.2), (-89.6, 30.0), (-89.2, 29.3), (-89.6, 29.0), (-90.2, 29.1),
    (-91.3, 29.3), (-92.3, 29.55), (-93.8, 29.7), (-94.8, 29.3), (-95.9, 28.6),
    (-97.0, 27.9), (-97.4, 27.3), (-97.4, 26.5), (-97.2, 26.0), (-98.3, 26.1),
    (-99.1, 26.5), (-99.5, 27.5), (-100.3, 28.3), (-101.4, 29.8), (-102.4, 29.8),
    (-103.1, 29.0), (-103.9, 29.3), (-104.5, 29.7), (-105.0, 30.7), (-106.5, 31.75),
    (-108.2, 31.78), (-108.2, 31.33), (-111.07, 31.33), (-114.8, 32.5), (-114.7, 32.72),
    (-117.12, 32.53), (-117.3, 33.1), (-118.0, 33.7), (-118.5, 34.0), (-119.2, 34.15),
    (-120.6, 34.55), (-120.9, 35.4), (-121.9, 36.3), (-121.9, 36.9), (-122.5, 37.5),
    (-122.5, 37.8), (-123.0, 38.0), (-123.7, 38.9), (-123.8, 39.8), (-124.4, 40.4),
    (-124.1, 41.0), (-124.2, 42.0), (-124.5, 42.8), (-124.1, 44.0), (-123.9, 45.5),
    (-124.0, 46.3), (-124.1, 47.0), (-124.7, 48.4),
)  # fmt: skip

# Main Hawaiian islands, very simplified.
HAWAII: tuple[tuple[tuple[float, float], ...], ...] = (
    ((-155.85, 20.27), (-155.0, 19.75), (-154.8, 19.5), (-155.6, 18.9), (-155.95, 19.1),
     (-156.05, 19.75)),
    ((-156.7, 20.95), (-156.0, 20.8), (-156.0, 20.6), (-156.45, 20.58), (-156.7, 20.8)),
    ((-157.3, 21.2), (-156.7, 21.15), (-156.75, 21.05), (-157.25, 21.1)),
    ((-158.3, 21.58), (-157.9, 21.7), (-157.65, 21.3), (-158.1, 21.3)),
    ((-159.8, 22.2), (-159.3, 22.2), (-159.35, 21.9), (-159.75, 21.95)),
)  # fmt: skip

HAWAII_BOX = (-160.5, 18.6, -154.5, 22.6)  # lon min, lat min, lon max, lat max
HAWAII_INSET = (20.0, 445.0, 210.0, 110.0)  # x, y, width, height on the canvas

# Albers equal-area conic, parallels and centre usual for the lower 48.
_PHI1, _PHI2, _PHI0, _LAM0 = (math.radians(v) for v in (29.5, 45.5, 23.0, -96.0))
_N = (math.sin(_PHI1) + math.sin(_PHI2)) / 2
_C = math.cos(_PHI1) ** 2 + 2 * _N * math.sin(_PHI1)
_RHO0 = math.sqrt(_C - 2 * _N * math.sin(_PHI0)) / _N


def albers(lon: float, lat: float) -> tuple[float, float]:
    """Project to unit-sphere Albers coordinates (y grows north)."""
    rho = math.sqrt(_C - 2 * _N * math.sin(math.radians(lat))) / _N
    theta = _N * (math.radians(lon) - _LAM0)
    return rho * math.sin(theta), _RHO0 - rho * math.cos(theta)


def _fit() -> tuple[float, float, float, float]:
    xs, ys = zip(*(albers(lon, lat) for lon, lat in LOWER_48), strict=True)
    margin = 20.0
    scale = min(
        (WIDTH - 2 * margin) / (max(xs) - min(xs)), (HEIGHT - 2 * margin) / (max(ys) - min(ys))
    )
    return scale, min(xs), max(ys), margin


_SCALE, _MINX, _MAXY, _MARGIN = _fit()


def _in_lower_48(lon: float, lat: float) -> bool:
    return 24.0 <= lat <= 49.5 and -125.0 <= lon <= -66.5


def _in_hawaii(lon: float, lat: float) -> bool:
    lo1, la1, lo2, la2 = HAWAII_BOX
    return lo1 <= lon <= lo2 and la1 <= lat <= la2


def to_canvas(lon: float, lat: float) -> tuple[float, float] | None:
    """Canvas position of a point, or None when the map does not draw that place."""
    if _in_lower_48(lon, lat):
        x, y = albers(lon, lat)
        return _MARGIN + (x - _MINX) * _SCALE, _MARGIN + (_MAXY - y) * _SCALE
    if _in_hawaii(lon, lat):
        lo1, la1, lo2, la2 = HAWAII_BOX
        bx, by, bw, bh = HAWAII_INSET
        return bx + (lon - lo1) / (lo2 - lo1) * bw, by + (la2 - lat) / (la2 - la1) * bh
    return None


def _path(points: Sequence[tuple[float, float]]) -> str:
    parts = []
    for lon, lat in points:
        pos = to_canvas(lon, lat)
        assert pos is not None, "outline points are inside the drawn area by construction"
        parts.append(f"{pos[0]:.1f},{pos[1]:.1f}")
    return "M" + " L".join(parts) + " Z"


@dataclass(frozen=True)
class MapPoint:
    label: str
    latitude: float
    longitude: float
    # "remote" (offers remote opinions), "center" (other patient-care center), "lab" (research
    # only) or "origin" (the patient's ZIP). Each kind has its own shape, not only its own colour.
    kind: str = "center"
    # The number of the center in the list beside the map ("" for none), drawn on its dot.
    number: str = ""


# Presentation attributes, not CSS: the site's Content-Security-Policy blocks inline <style>.
_LOOK = {
    "land": 'fill="#eef2f0" stroke="#5b6b63" stroke-width="1.2"',
    "inset": 'fill="none" stroke="#8a9a92" stroke-dasharray="4 3"',
    "remote": 'fill="#0b6e4f" stroke="#ffffff" stroke-width="1.5"',
    "center": 'fill="#1f4e99" stroke="#ffffff" stroke-width="1.5"',
    "lab": 'fill="#ffffff" stroke="#6b6b6b" stroke-width="2"',
    "origin": 'fill="#b3261e" stroke="#ffffff" stroke-width="1.5"',
    "note": 'font-family="sans-serif" font-size="14" fill="#333333"',
    "number": 'font-family="sans-serif" font-size="26" font-weight="bold" fill="#111111" '
    'stroke="#ffffff" stroke-width="3" paint-order="stroke"',
}


def _number(text: str, x: float, y: float) -> str:
    """The list number beside a dot, with a white halo so it reads over the outline."""
    if not text:
        return ""
    return f'<text {_LOOK["number"]} x="{x + 9:.1f}" y="{y - 7:.1f}" aria-hidden="true">{escape(text)}</text>'


def _marker(kind: str, x: float, y: float, label: str) -> str:
    attrs = f'role="img" aria-label="{escape(label)}" class="usmap-{kind}" {_LOOK[kind]}'
    tip = f"<title>{escape(label)}</title>"
    if kind == "origin":
        # A star-like diamond so the patient's own place stands out without colour.
        d = f"M{x:.1f},{y - 9:.1f} L{x + 7:.1f},{y:.1f} L{x:.1f},{y + 9:.1f} L{x - 7:.1f},{y:.1f} Z"
        return f'<path {attrs} d="{d}">{tip}</path>'
    if kind == "lab":
        return f'<rect {attrs} x="{x - 5:.1f}" y="{y - 5:.1f}" width="10" height="10">{tip}</rect>'
    if kind == "remote":
        d = f"M{x:.1f},{y - 8:.1f} L{x + 7:.1f},{y + 5:.1f} L{x - 7:.1f},{y + 5:.1f} Z"
        return f'<path {attrs} d="{d}">{tip}</path>'
    return f'<circle {attrs} cx="{x:.1f}" cy="{y:.1f}" r="6">{tip}</circle>'


def map_svg(
    points: Sequence[MapPoint],
    *,
    title: str = "Map of cancer centers",
    description: str = "",
    element_id: str = "usmap",
) -> str:
    """A complete <svg> element. Every point carries its label (tooltip and accessible name)."""
    drawn: list[str] = []
    left_off: list[str] = []
    # Drawn in reverse: the points come nearest first, and the nearest center must sit on top of
    # the others and of the ZIP marker (in Hawaii the nearest center is under it otherwise).
    for point in reversed(points):
        pos = to_canvas(point.longitude, point.latitude)
        if pos is None:
            left_off.append(point.label)
            continue
        drawn.append(_marker(point.kind, pos[0], pos[1], point.label))
        drawn.append(_number(point.number, pos[0], pos[1]))
    left_off.reverse()
    desc = description or (
        f"{sum(1 for p in points if p.kind != 'origin')} centers shown as points on an outline of "
        "the United States."
    )
    desc += (
        " Triangles offer remote second opinions, circles are other centers that see patients, "
        "white squares are research labs that do not see patients, the red diamond is your ZIP code."
        " Hawaii is in the box at the lower left, not to scale. Alaska is not drawn."
    )
    if left_off:
        desc += " Not on the map: " + "; ".join(left_off) + "."
    bx, by, bw, bh = HAWAII_INSET
    hawaii = "".join(f'<path {_LOOK["land"]} d="{_path(island)}"/>' for island in HAWAII)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="group" aria-labelledby="{element_id}-title {element_id}-desc" '
        f'id="{element_id}" class="usmap" preserveAspectRatio="xMidYMid meet">'
        f'<title id="{element_id}-title">{escape(title)}</title>'
        f'<desc id="{element_id}-desc">{escape(desc)}</desc>'
        f'<g aria-hidden="true">'
        f'<path {_LOOK["land"]} d="{_path(LOWER_48)}"/>'
        f'<rect {_LOOK["inset"]} x="{bx - 8}" y="{by - 8}" width="{bw + 16}" height="{bh + 16}"/>'
        f"{hawaii}"
        f'<text {_LOOK["note"]} x="{bx}" y="{by + bh + 24}">Hawaii (not to scale)</text>'
        f"</g>"
        f'<g class="usmap-points">{"".join(drawn)}</g>'
        f"</svg>"
    )
