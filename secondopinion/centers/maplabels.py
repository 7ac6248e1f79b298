"""Where the list numbers go on the map, so that no two of them overlap. Pure: no Django, no SVG.

Every numbered dot gets its number in large bold type beside it. Dots that lie on top of one
another (several centers in one city) share one label, written as runs: "5–10", "1, 2", "3, 5–7".
Labels are placed greedily, nearest center first, at the first free spot around the dot: the eight
directions, close, then farther off with a thin leader line. A spot is free when its box stays
inside the panel and overlaps no other label, no fixed obstacle (a caption) and no marker. When a
label finds no free spot its dot is merged with the nearest other group (whose label is taken off
again) and the merged label is placed instead; in the end one label "1–N" always fits, so the
loop ends and no two label boxes ever overlap.

Label boxes are measured for the widest sans-serif bold the browser may use (DejaVu Sans Bold:
digits 0.70 em, comma 0.38 em, en dash 0.50 em; ascent 0.93 em, descent 0.24 em), rounded up, so
the box drawn on screen lies inside the box computed here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

FONT_SIZE = 28.0
HALO = 3.0  # the white outline around the digits (stroke width)
_ADVANCE = {",": 0.40, "–": 0.52, " ": 0.36}  # anything else: a digit, 0.72 em
ASCENT, DESCENT = 0.95 * FONT_SIZE, 0.25 * FONT_SIZE
PAD = HALO / 2 + 1.0
RINGS = (4.0, 30.0, 62.0)  # gap between the dot's edge and its label; beyond the first: a leader
REACH = 100.0  # how far from its dot a label may go before the dot is merged with another


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Box) -> bool:
        """True when the two boxes share area (touching edges do not count)."""
        return (
            self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1
        )

    def inside(self, other: Box) -> bool:
        return (
            self.x0 >= other.x0
            and self.y0 >= other.y0
            and self.x1 <= other.x1
            and self.y1 <= other.y1
        )


@dataclass(frozen=True)
class Dot:
    """A marker on the canvas: its centre, its radius and the list number it carries (0: none)."""

    x: float
    y: float
    radius: float
    number: int = 0

    @property
    def box(self) -> Box:
        r = self.radius
        return Box(self.x - r, self.y - r, self.x + r, self.y + r)


@dataclass(frozen=True)
class Label:
    text: str
    numbers: tuple[int, ...]
    box: Box
    # Where the text starts (its baseline), as SVG wants it.
    x: float
    y: float
    # The dots the label stands for when it is not right beside them: draw a thin line to each.
    leaders: tuple[tuple[float, float], ...] = ()


def numbers_text(numbers: Iterable[int]) -> str:
    """1, 2, 3, 5 → "1–3, 5"; runs of two stay as "1, 2"."""
    ordered = sorted(set(numbers))
    parts: list[str] = []
    start = 0
    for i in range(1, len(ordered) + 1):
        if i == len(ordered) or ordered[i] != ordered[i - 1] + 1:
            run = ordered[start:i]
            if len(run) >= 3:
                parts.append(f"{run[0]}–{run[-1]}")
            else:
                parts.extend(str(n) for n in run)
            start = i
    return ", ".join(parts)


def text_width(text: str) -> float:
    return sum(_ADVANCE.get(ch, 0.72) for ch in text) * FONT_SIZE


def label_size(text: str) -> tuple[float, float]:
    return text_width(text) + 2 * PAD, ASCENT + DESCENT + 2 * PAD


@dataclass
class _Group:
    dots: list[Dot]
    numbers: tuple[int, ...] = field(init=False)

    def __post_init__(self) -> None:
        self.numbers = tuple(sorted(d.number for d in self.dots))

    @property
    def anchor(self) -> Dot:
        """The dot of the group's lowest number: its label goes beside it."""
        return min(self.dots, key=lambda d: d.number)

    def spots(self) -> list[tuple[float, float]]:
        """The distinct places of its dots (dots closer than their radius count as one)."""
        places: list[tuple[float, float]] = []
        for d in sorted(self.dots, key=lambda d: d.number):
            if all(math.dist(p, (d.x, d.y)) > d.radius for p in places):
                places.append((d.x, d.y))
        return places


def _gap(a: _Group, b: _Group) -> float:
    return min(math.dist((p.x, p.y), (q.x, q.y)) for p in a.dots for q in b.dots)


def _initial_groups(dots: Sequence[Dot]) -> list[_Group]:
    """Numbered dots drawn on top of one another share a group; nearest first, no chaining.

    Each dot joins the first group whose first dot is closer than the larger of the two radii,
    so a row of cities along a coast does not become one group.
    """
    groups: list[_Group] = []
    for dot in sorted(dots, key=lambda d: d.number):
        home = next(
            (
                g
                for g in groups
                if math.dist((g.dots[0].x, g.dots[0].y), (dot.x, dot.y))
                < max(g.dots[0].radius, dot.radius)
            ),
            None,
        )
        if home is None:
            groups.append(_Group([dot]))
        else:
            home.dots.append(dot)
            home.numbers = (*home.numbers, dot.number)
    return groups


def _candidates(anchor: Dot, width: float, height: float) -> Iterable[tuple[Box, bool]]:
    """Boxes around the dot, best first, and whether a leader line is needed."""
    for ring, gap in enumerate(RINGS):
        d = anchor.radius + gap
        e = d * 0.7
        x, y = anchor.x, anchor.y
        corners = (
            (x + e, y - e - height),  # upper right
            (x + d, y - height / 2),  # right
            (x - e - width, y - e - height),  # upper left
            (x - d - width, y - height / 2),  # left
            (x + e, y + e),  # lower right
            (x - e - width, y + e),  # lower left
            (x - width / 2, y - d - height),  # above
            (x - width / 2, y + d),  # below
        )
        for cx, cy in corners:
            yield Box(cx, cy, cx + width, cy + height), ring > 0


def _grid(anchor: Dot, bounds: Box, width: float, height: float) -> Iterable[tuple[Box, bool]]:
    """Every spot of the panel, nearest to the dot first: the last resort, with a leader line."""
    step = 16.0
    spots = [
        (bounds.x0 + i * step, bounds.y0 + j * step)
        for i in range(int((bounds.x1 - bounds.x0 - width) // step) + 1)
        for j in range(int((bounds.y1 - bounds.y0 - height) // step) + 1)
    ]
    far = {s: math.dist((s[0] + width / 2, s[1] + height / 2), (anchor.x, anchor.y)) for s in spots}
    for x, y in sorted((s for s in spots if far[s] <= REACH), key=far.__getitem__):
        yield Box(x, y, x + width, y + height), True


def _place(
    group: _Group,
    placed: Sequence[Label],
    blocked: Sequence[Box],
    markers: Sequence[Box],
    bounds: Box,
    *,
    anywhere: bool,
) -> Label | None:
    text = numbers_text(group.numbers)
    width, height = label_size(text)
    spots = group.spots()
    tries = (
        _grid(group.anchor, bounds, width, height)
        if anywhere
        else _candidates(group.anchor, width, height)
    )
    for box, far in tries:
        if not box.inside(bounds):
            continue
        if any(box.overlaps(other.box) for other in placed) or any(
            box.overlaps(b) for b in blocked
        ):
            continue
        if not anywhere and any(box.overlaps(m) for m in markers):
            continue
        leaders = tuple(spots) if (far or len(spots) > 1) else ()
        return Label(text, group.numbers, box, box.x0 + PAD, box.y0 + PAD + ASCENT, leaders)
    return None


def place_labels(
    dots: Sequence[Dot], bounds: Box, *, obstacles: Sequence[Box] = (), markers: Sequence[Box] = ()
) -> list[Label]:
    """Labels for the numbered dots of one panel; no two of them overlap, each stays in `bounds`.

    `obstacles` (captions) are never covered; `markers` (every marker drawn in the panel, numbered
    or not; the numbered dots' own boxes are added) are avoided while there is room.
    """
    numbered = [d for d in dots if d.number]
    every_marker = [*markers, *(d.box for d in numbered)]
    pending = _initial_groups(numbered)
    placed: dict[int, Label] = {}  # keyed by the group's lowest number
    groups: dict[int, _Group] = {}
    while pending:
        group = pending.pop(0)
        while True:
            label = _label_for(group, list(placed.values()), obstacles, every_marker, bounds)
            if label is not None:
                placed[group.numbers[0]] = label
                groups[group.numbers[0]] = group
                break
            group = _merge_nearest(group, groups, pending, placed)
    return sorted(placed.values(), key=lambda label: label.numbers[0])


def _label_for(
    group: _Group,
    placed: Sequence[Label],
    obstacles: Sequence[Box],
    markers: Sequence[Box],
    bounds: Box,
) -> Label | None:
    """Beside the dot clear of markers, else over markers, else anywhere free with a leader."""
    return (
        _place(group, placed, obstacles, markers, bounds, anywhere=False)
        or _place(group, placed, obstacles, (), bounds, anywhere=False)
        or _place(group, placed, obstacles, (), bounds, anywhere=True)
    )


def _merge_nearest(
    group: _Group, groups: dict[int, _Group], pending: list[_Group], placed: dict[int, Label]
) -> _Group:
    """The group joined with the nearest other one (placed or not); that one's label is removed."""
    choices = [*groups.values(), *pending]
    if not choices:
        raise ValueError("a label does not fit in its panel even alone")
    nearest = min(choices, key=lambda other: _gap(group, other))
    if any(other is nearest for other in pending):
        pending[:] = [other for other in pending if other is not nearest]
    else:
        del groups[nearest.numbers[0]]
        del placed[nearest.numbers[0]]
    return _Group([*group.dots, *nearest.dots])
