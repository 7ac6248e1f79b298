"""ZIP code to coordinates (offline) and nearest-first search of the center directory.

Pure module: no Django, no network. Coordinates come from the `zipcodes` package (GeoNames data).
A `zipcodes.matching` call scans its whole table (about 3 ms), so the first lookup builds a plain
dict of every ZIP once per process and every later lookup is a dict hit.

Distances are great-circle (haversine) miles between centroids: a ZIP centroid and a city-level
center location. They are good for "which is nearer", not for driving directions.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

import zipcodes

from secondopinion.centers.directory import Center, bundled_centers

EARTH_RADIUS_MILES = 3958.8
# Anything wider than half the Earth's circumference is just "any distance" said loudly.
MAX_RADIUS_MILES = 12_500.0

_ZIP_RE = re.compile(r"^(\d{5})(?:-?\d{4})?$")


class ZipError(ValueError):
    """A ZIP code we cannot place. The message is written for the patient."""


@dataclass(frozen=True)
class ZipPlace:
    zip_code: str
    city: str
    state: str
    latitude: float
    longitude: float


class Hit(NamedTuple):
    # A tuple, not a frozen dataclass: a search builds up to 75 of these, and tuples are cheap.
    center: Center
    miles: float


@dataclass(frozen=True)
class SearchResult:
    origin: ZipPlace
    hits: list[Hit]


@cache
def _zip_table() -> dict[str, ZipPlace | None]:
    """Every ZIP once. None marks a real ZIP with no location (military and some PO boxes)."""
    table: dict[str, ZipPlace | None] = {}
    for row in zipcodes.list_all():  # type: ignore[no-untyped-call]  # zipcodes has no types
        lat, lon = float(row["lat"]), float(row["long"])
        if lat == 0.0 and lon == 0.0:
            table[row["zip_code"]] = None
        else:
            table[row["zip_code"]] = ZipPlace(row["zip_code"], row["city"], row["state"], lat, lon)
    return table


def zip_table_warm() -> None:
    """Build the ZIP table ahead of the first search (the local server calls it at start)."""
    _zip_table()


def zip_normalize(text: str) -> str:
    """Return the 5-digit ZIP from '02115', ' 02115 ' or '02115-1234', or raise ZipError."""
    match = _ZIP_RE.match((text or "").strip())
    if not match:
        raise ZipError("A ZIP code is 5 digits, like 02115. Please check what you typed.")
    return match.group(1)


def zip_place(text: str) -> ZipPlace:
    """Where a ZIP code is, from the bundled table. Raises ZipError with a plain message."""
    code = zip_normalize(text)
    table = _zip_table()
    if code not in table:
        raise ZipError(f"We could not find the ZIP code {code}. Please check the number.")
    place = table[code]
    if place is None:
        raise ZipError(
            f"The ZIP code {code} has no map location (it may be a military or special address). "
            "Please try the ZIP code of where you live."
        )
    return place


def haversine_miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in miles between two points given in degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(a)))


def radius_check(radius_miles: float | None) -> float | None:
    """None means any distance. Otherwise a positive, finite, sane number of miles."""
    if radius_miles is None:
        return None
    value = float(radius_miles)
    if not math.isfinite(value) or value <= 0:
        raise ValueError("The distance must be a number of miles above zero.")
    if value > MAX_RADIUS_MILES:
        raise ValueError(f"The distance must be at most {MAX_RADIUS_MILES:,.0f} miles.")
    return value


def _hit_order(hit: Hit) -> tuple[float, str]:
    return (round(hit.miles, 6), hit.center.name)


class CenterIndex:
    """Centers with their trigonometry precomputed, searched nearest first.

    With about 75 centers a linear scan is the fastest honest structure; what costs time is the
    trigonometry, so each center's radians and cosine are computed once here.
    """

    def __init__(self, centers: Iterable[Center]):
        self.centers: tuple[Center, ...] = tuple(centers)
        self._rows = [
            (
                c,
                math.radians(c.latitude),
                math.radians(c.longitude),
                math.cos(math.radians(c.latitude)),
            )
            for c in self.centers
        ]

    def search(
        self,
        latitude: float,
        longitude: float,
        *,
        radius_miles: float | None = None,
        designations: Sequence[str] = (),
        states: Sequence[str] = (),
        remote_only: bool = False,
        patients_only: bool = False,
    ) -> list[Hit]:
        """Centers matching every filter, nearest first (ties broken by name)."""
        radius = radius_check(radius_miles)
        lat0, lon0 = math.radians(latitude), math.radians(longitude)
        cos0 = math.cos(lat0)
        want_designations = set(designations)
        want_states = {s.upper() for s in states}
        hits: list[Hit] = []
        sin, asin, sqrt = math.sin, math.asin, math.sqrt
        for center, lat, lon, cos_lat in self._rows:
            if want_designations and center.designation not in want_designations:
                continue
            if want_states and center.state not in want_states:
                continue
            if remote_only and center.remote_second_opinion != "yes":
                continue
            if patients_only and not center.sees_patients:
                continue
            a = sin((lat - lat0) / 2) ** 2 + cos0 * cos_lat * sin((lon - lon0) / 2) ** 2
            miles = 2 * EARTH_RADIUS_MILES * asin(min(1.0, sqrt(a)))
            if radius is not None and miles > radius:
                continue
            hits.append(Hit(center, miles))
        hits.sort(key=_hit_order)
        return hits


def search_by_zip(
    index: CenterIndex,
    zip_code: str,
    *,
    radius_miles: float | None = None,
    designations: Sequence[str] = (),
    states: Sequence[str] = (),
    remote_only: bool = False,
    patients_only: bool = False,
) -> SearchResult:
    """Place the ZIP, then search. Raises ZipError or ValueError (bad radius) with plain messages."""
    origin = zip_place(zip_code)
    hits = index.search(
        origin.latitude,
        origin.longitude,
        radius_miles=radius_miles,
        designations=designations,
        states=states,
        remote_only=remote_only,
        patients_only=patients_only,
    )
    return SearchResult(origin=origin, hits=hits)


@cache
def bundled_index() -> CenterIndex:
    """Index over the directory shipped with the package (the CLI and the bench use it)."""
    return CenterIndex(bundled_centers())
