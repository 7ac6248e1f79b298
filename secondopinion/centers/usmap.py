"""An offline SVG map of the United States with points for centers. No tiles, no network.

Pure module: no Django. The outline is a hand-simplified polygon of the lower 48 states traced
from well-known border and coast points (about 150 vertices), drawn in an Albers equal-area conic
projection, the usual projection for maps of the lower 48. It follows the border through the Great
Lakes, so the lakes are drawn as land, and small islands and bays are left out. It is a picture for
"roughly where", not a survey map.

The map is zoomed to the points it shows (the listed centers and the patient's ZIP), with room for
their numbers, so ten nearby centers are not crowded into one corner of the whole country. Hawaii
gets its own panel below the mainland one (not to scale or position) when a point is there.
Alaska and the territories have no center and are not drawn; a point there (for example the
patient's own ZIP) is left off the picture and the description says so. The numbers are laid out by
`maplabels`, so no two of them overlap.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from secondopinion.centers.maplabels import FONT_SIZE, HALO, Box, Dot, Label, place_labels

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

WIDTH = 600  # the canvas is always this wide, so the type is the same size on every map
MAINLAND_HEIGHT = (300.0, 520.0)  # least and most; in between it follows the region's shape
HAWAII_HEIGHT = 200.0  # below a mainland panel; alone it is taller
MARGIN = 64.0  # room between the outermost points and the panel's edge, for their numbers
MIN_SPAN = 0.06  # the closest zoom: about 240 miles across (unit-sphere Albers units)

# Albers equal-area conic, parallels and centre usual for the lower 48.
_PHI1, _PHI2, _PHI0, _LAM0 = (math.radians(v) for v in (29.5, 45.5, 23.0, -96.0))
_N = (math.sin(_PHI1) + math.sin(_PHI2)) / 2
_C = math.cos(_PHI1) ** 2 + 2 * _N * math.sin(_PHI1)
_RHO0 = math.sqrt(_C - 2 * _N * math.sin(_PHI0)) / _N
_HAWAII_COS = math.cos(math.radians(20.6))


def albers(lon: float, lat: float) -> tuple[float, float]:
    """Project to unit-sphere Albers coordinates (y grows north)."""
    rho = math.sqrt(_C - 2 * _N * math.sin(math.radians(lat))) / _N
    theta = _N * (math.radians(lon) - _LAM0)
    return rho * math.sin(theta), _RHO0 - rho * math.cos(theta)


def _hawaii_plane(lon: float, lat: float) -> tuple[float, float]:
    return math.radians(lon) * _HAWAII_COS, math.radians(lat)


def _in_lower_48(lon: float, lat: float) -> bool:
    return 24.0 <= lat <= 49.5 and -125.0 <= lon <= -66.5


def _in_hawaii(lon: float, lat: float) -> bool:
    lo1, la1, lo2, la2 = HAWAII_BOX
    return lo1 <= lon <= lo2 and la1 <= lat <= la2


def _region(lon: float, lat: float) -> str | None:
    if _in_lower_48(lon, lat):
        return "mainland"
    return "hawaii" if _in_hawaii(lon, lat) else None


@dataclass(frozen=True)
class Panel:
    """A rectangle of the canvas showing one region ("mainland" or "hawaii") at one zoom."""

    region: str
    x: float
    y: float
    width: float
    height: float
    scale: float
    # The projected point drawn at the panel's top left corner.
    left: float
    top: float

    def place(self, lon: float, lat: float) -> tuple[float, float]:
        px, py = albers(lon, lat) if self.region == "mainland" else _hawaii_plane(lon, lat)
        return self.x + (px - self.left) * self.scale, self.y + (self.top - py) * self.scale

    @property
    def bounds(self) -> Box:
        return Box(self.x + 2, self.y + 2, self.x + self.width - 2, self.y + self.height - 2)


def _span(values: Sequence[float]) -> tuple[float, float]:
    """Centre and extent, the extent at least MIN_SPAN."""
    low, high = min(values), max(values)
    return (low + high) / 2, max(high - low, MIN_SPAN)


def _mainland_panel(places: Sequence[tuple[float, float]]) -> Panel:
    projected = [albers(lon, lat) for lon, lat in (places or LOWER_48)]
    cx, sx = _span([p[0] for p in projected])
    cy, sy = _span([p[1] for p in projected])
    least, most = MAINLAND_HEIGHT
    scale = min((WIDTH - 2 * MARGIN) / sx, (most - 2 * MARGIN) / sy)
    height = min(max(sy * scale + 2 * MARGIN, least), most)
    return Panel(
        "mainland", 0, 0, WIDTH, height, scale, cx - WIDTH / 2 / scale, cy + height / 2 / scale
    )


def _hawaii_panel(top: float, height: float) -> Panel:
    lo1, la1, lo2, la2 = HAWAII_BOX
    x1, y1 = _hawaii_plane(lo1, la1)
    x2, y2 = _hawaii_plane(lo2, la2)
    # Islands in the middle, with the caption above them and room for a number on each side.
    scale = min((WIDTH - 2 * MARGIN) / (x2 - x1), (height - 40 - MARGIN) / (y2 - y1))
    mid_x, mid_y = (x1 + x2) / 2, (y1 + y2) / 2
    return Panel(
        "hawaii",
        0,
        top,
        WIDTH,
        height,
        scale,
        mid_x - WIDTH / 2 / scale,
        mid_y + (height + 40) / 2 / scale,
    )


@dataclass(frozen=True)
class MapPoint:
    label: str
    latitude: float
    longitude: float
    # "remote" (offers remote opinions), "center" (other patient-care center), "lab" (research
    # only) or "origin" (the patient's ZIP). Each kind has its own shape, not only its own colour.
    kind: str = "center"
    # The number of the center in the list beside the map (0 for none), drawn beside its dot.
    number: int = 0
    # Where it is, in words ("New York, NY"), for the description of a label shared by several.
    place: str = ""


# Half the size of each kind's shape, as placed by _marker.
RADIUS = {"remote": 10.0, "center": 8.0, "lab": 7.0, "origin": 16.0}


@dataclass(frozen=True)
class PlacedPoint:
    point: MapPoint
    x: float
    y: float


@dataclass(frozen=True)
class MapLayout:
    width: float
    height: float
    panels: tuple[Panel, ...]
    placed: tuple[PlacedPoint, ...]  # in the order given (nearest first)
    labels: tuple[Label, ...]
    left_off: tuple[MapPoint, ...]

    def label_for(self, number: int) -> Label | None:
        return next((label for label in self.labels if number in label.numbers), None)


def _caption_box(panel: Panel) -> Box:
    return Box(panel.x + 8, panel.y + 6, panel.x + 330, panel.y + 34)


def map_layout(points: Sequence[MapPoint]) -> MapLayout:
    """Where every point and every number goes: panels zoomed to the points, labels apart."""
    by_region: dict[str, list[MapPoint]] = {"mainland": [], "hawaii": []}
    left_off: list[MapPoint] = []
    for point in points:
        region = _region(point.longitude, point.latitude)
        (by_region[region] if region else left_off).append(point)
    panels: list[Panel] = []
    if by_region["mainland"] or not by_region["hawaii"]:
        panels.append(_mainland_panel([(p.longitude, p.latitude) for p in by_region["mainland"]]))
    if by_region["hawaii"]:
        top = panels[0].height if panels else 0.0
        panels.append(_hawaii_panel(top, HAWAII_HEIGHT if panels else 1.7 * HAWAII_HEIGHT))
    placed: list[PlacedPoint] = []
    labels: list[Label] = []
    for panel in panels:
        here = [
            PlacedPoint(p, *panel.place(p.longitude, p.latitude)) for p in by_region[panel.region]
        ]
        placed.extend(here)
        dots = [Dot(p.x, p.y, RADIUS[p.point.kind], p.point.number) for p in here]
        others = [d.box for d in dots if not d.number]
        obstacles = [_caption_box(panel)] if panel.region == "hawaii" else []
        labels.extend(place_labels(dots, panel.bounds, obstacles=obstacles, markers=others))
    order = {id(p): i for i, p in enumerate(points)}
    placed.sort(key=lambda p: order[id(p.point)])
    height = sum(panel.height for panel in panels)
    return MapLayout(WIDTH, height, tuple(panels), tuple(placed), tuple(labels), tuple(left_off))


def to_canvas(lon: float, lat: float) -> tuple[float, float] | None:
    """Where a place is drawn on the map of the whole directory, or None when it is not drawn."""
    region = _region(lon, lat)
    if region is None:
        return None
    panel = next(p for p in _WHOLE.panels if p.region == region)
    return panel.place(lon, lat)


def _path(panel: Panel, points: Sequence[tuple[float, float]]) -> str:
    return "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in (panel.place(*p) for p in points)) + " Z"


# Presentation attributes, not CSS: the site's Content-Security-Policy blocks inline <style>.
_LOOK = {
    "sea": 'fill="#f7fafc" stroke="#8a9a92" stroke-width="1"',
    "land": 'fill="#e3ebe6" stroke="#5b6b63" stroke-width="1.5" stroke-linejoin="round"',
    "remote": 'fill="#0b6e4f" stroke="#ffffff" stroke-width="2"',
    "center": 'fill="#1f4e99" stroke="#ffffff" stroke-width="2"',
    "lab": 'fill="#ffffff" stroke="#4a4a4a" stroke-width="2.5"',
    # A light diamond with a thick red edge: a dot drawn on top of it leaves the edge in sight.
    "origin": 'fill="#fbe3e1" stroke="#b3261e" stroke-width="4" stroke-linejoin="round"',
    "note": 'font-family="sans-serif" font-size="20" fill="#333333"',
    "leader": 'stroke="#111111" stroke-width="1.5" fill="none"',
    "number": f'font-family="sans-serif" font-size="{FONT_SIZE:g}" font-weight="bold" '
    f'fill="#111111" stroke="#ffffff" stroke-width="{HALO:g}" paint-order="stroke" '
    'stroke-linejoin="round"',
}


def _marker(kind: str, x: float, y: float, label: str) -> str:
    attrs = f'role="img" aria-label="{escape(label)}" class="usmap-{kind}" {_LOOK[kind]}'
    tip = f"<title>{escape(label)}</title>"
    r = RADIUS[kind]
    if kind == "origin":
        d = f"M{x:.1f},{y - r:.1f} L{x + r:.1f},{y:.1f} L{x:.1f},{y + r:.1f} L{x - r:.1f},{y:.1f} Z"
        return f'<path {attrs} d="{d}">{tip}</path>'
    if kind == "lab":
        return f'<rect {attrs} x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r:g}" height="{2 * r:g}">{tip}</rect>'
    if kind == "remote":
        d = f"M{x:.1f},{y - r:.1f} L{x + r:.1f},{y + 0.7 * r:.1f} L{x - r:.1f},{y + 0.7 * r:.1f} Z"
        return f'<path {attrs} d="{d}">{tip}</path>'
    return f'<circle {attrs} cx="{x:.1f}" cy="{y:.1f}" r="{r:g}">{tip}</circle>'


def _label(label: Label) -> str:
    box = label.box
    lines = ""
    for sx, sy in label.leaders:
        # From the nearest point of the label's box to the dot.
        ex, ey = min(max(sx, box.x0), box.x1), min(max(sy, box.y0), box.y1)
        lines += (
            f'<line {_LOOK["leader"]} x1="{ex:.1f}" y1="{ey:.1f}" x2="{sx:.1f}" y2="{sy:.1f}"/>'
        )
    text = escape(label.text)
    return (
        f'{lines}<text {_LOOK["number"]} class="usmap-number" x="{label.x:.1f}" '
        f'y="{label.y:.1f}" aria-hidden="true">{text}</text>'
    )


def _panel_drawing(panel: Panel, clip_id: str) -> str:
    frame = (
        f'<rect {_LOOK["sea"]} x="{panel.x + 0.5:g}" y="{panel.y + 0.5:g}" '
        f'width="{panel.width - 1:g}" height="{panel.height - 1:g}"/>'
    )
    clip = (
        f'<clipPath id="{clip_id}"><rect x="{panel.x:g}" y="{panel.y:g}" '
        f'width="{panel.width:g}" height="{panel.height:g}"/></clipPath>'
    )
    shapes = [LOWER_48] if panel.region == "mainland" else list(HAWAII)
    land = "".join(f'<path {_LOOK["land"]} d="{_path(panel, shape)}"/>' for shape in shapes)
    caption = ""
    if panel.region == "hawaii":
        caption = (
            f'<text {_LOOK["note"]} x="{panel.x + 12:g}" y="{panel.y + 28:g}">'
            "Hawaii (not to scale or position)</text>"
        )
    return f'{clip}{frame}<g clip-path="url(#{clip_id})">{land}</g>{caption}'


def _description(layout: MapLayout, points: Sequence[MapPoint], description: str) -> str:
    desc = description or (
        f"{sum(1 for p in points if p.kind != 'origin')} centers shown as points on an outline of "
        "the United States."
    )
    desc += (
        " Triangles offer remote second opinions, circles are other centers that see patients, "
        "white squares are research labs that do not see patients, the diamond with a red edge is "
        "your ZIP code."
    )
    if any(p.region == "hawaii" for p in layout.panels):
        desc += " Hawaii is in its own box below, not to scale."
    shared = []
    by_number = {p.number: p for p in points if p.number}
    for label in layout.labels:
        if len(label.numbers) > 1:
            places = dict.fromkeys(by_number[n].place for n in label.numbers if by_number[n].place)
            where = f" ({'; '.join(places)})" if places else ""
            shared.append(f"{label.text}{where}")
    if shared:
        desc += " Numbers that share one label: " + "; ".join(shared) + "."
    if layout.left_off:
        desc += " Not on the map: " + "; ".join(p.label for p in layout.left_off) + "."
    return desc


def map_svg(
    points: Sequence[MapPoint],
    *,
    title: str = "Map of cancer centers",
    description: str = "",
    element_id: str = "usmap",
    layout: MapLayout | None = None,
) -> str:
    """A complete <svg> element. Every point carries its label (tooltip and accessible name)."""
    layout = layout or map_layout(points)
    # Drawn in reverse: the points come nearest first, and the nearest center must sit on top of
    # the others and of the ZIP marker (in Hawaii the nearest center is under it otherwise).
    markers = "".join(
        _marker(p.point.kind, p.x, p.y, p.point.label) for p in reversed(layout.placed)
    )
    panels = "".join(
        _panel_drawing(panel, f"{element_id}-clip-{i}") for i, panel in enumerate(layout.panels)
    )
    numbers = "".join(_label(label) for label in layout.labels)
    desc = _description(layout, points, description)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {layout.width:g} {layout.height:.0f}" '
        f'role="group" aria-labelledby="{element_id}-title {element_id}-desc" '
        f'id="{element_id}" class="usmap" preserveAspectRatio="xMidYMid meet">'
        f'<title id="{element_id}-title">{escape(title)}</title>'
        f'<desc id="{element_id}-desc">{escape(desc)}</desc>'
        f'<g aria-hidden="true">{panels}</g>'
        f'<g class="usmap-points">{markers}</g>'
        f'<g class="usmap-labels" aria-hidden="true">{numbers}</g>'
        f"</svg>"
    )


# The map of the whole directory's places, for to_canvas.
_WHOLE = map_layout(
    [MapPoint("", 21.3, -157.8), *(MapPoint("", lat, lon) for lon, lat in LOWER_48)]
)
