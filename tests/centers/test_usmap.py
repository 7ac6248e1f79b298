"""The offline SVG map: points placed from latitude and longitude, labelled, parseable."""

import math
import xml.etree.ElementTree as ET

from secondopinion.centers.usmap import RADIUS, MapPoint, map_layout, map_svg, to_canvas

SVG = "{http://www.w3.org/2000/svg}"


def test_it_places_the_east_coast_right_of_the_west_coast_and_north_up():
    boston = to_canvas(-71.06, 42.36)
    seattle = to_canvas(-122.33, 47.6)
    miami = to_canvas(-80.19, 25.76)
    assert boston[0] > seattle[0]
    assert miami[1] > boston[1]  # y grows downward on screen


def test_it_draws_hawaii_in_an_inset_and_leaves_alaska_off():
    assert to_canvas(-157.84, 21.31) is not None
    assert to_canvas(-149.9, 61.2) is None


def test_it_is_valid_svg_with_a_title_description_and_labelled_points():
    svg = map_svg(
        [
            MapPoint("Center A <&>", 42.36, -71.06, "remote"),
            MapPoint("Lab B", 32.85, -117.25, "lab"),
            MapPoint("Center C", 21.31, -157.84, "center"),
            MapPoint("Your ZIP 99501", 61.2, -149.9, "origin"),
        ],
        title="Centers near you",
    )
    root = ET.fromstring(svg)  # noqa: S314 (our own output, not untrusted input)
    assert root.find(f"{SVG}title").text == "Centers near you"
    desc = root.find(f"{SVG}desc").text
    assert "Not on the map: Your ZIP 99501" in desc
    labels = [el.get("aria-label") for el in root.iter() if el.get("role") == "img"]
    # Painted last-first, so the first (nearest) point lies on top of the others.
    assert labels == ["Center C", "Lab B", "Center A <&>"]
    for el in root.iter():
        if el.get("role") == "img":
            assert el.find(f"{SVG}title").text == el.get("aria-label")


def test_the_map_zooms_to_the_points_and_keeps_hawaii_in_its_own_panel():
    boston = MapPoint("1. A", 42.36, -71.06, number=1)
    new_york = MapPoint("2. B", 40.71, -74.0, number=2)
    near = map_layout([boston, new_york])
    assert [p.region for p in near.panels] == ["mainland"]
    a, b = near.placed
    assert math.dist((a.x, a.y), (b.x, b.y)) > 150  # 190 miles, far apart on a zoomed map
    honolulu = MapPoint("1. C", 21.3, -157.86, number=1)
    both = map_layout([honolulu, MapPoint("2. D", 37.77, -122.42, number=2)])
    assert [p.region for p in both.panels] == ["mainland", "hawaii"]
    hawaii = both.panels[1]
    spot = both.placed[0]
    assert hawaii.y <= spot.y <= hawaii.y + hawaii.height


def test_the_zip_marker_is_bigger_than_a_dot_so_a_dot_on_top_leaves_its_edge_in_sight():
    # The diamond's inscribed circle is wider than every center shape.
    assert RADIUS["origin"] / math.sqrt(2) > max(RADIUS["remote"], RADIUS["center"], RADIUS["lab"])
