"""The map's number labels never overlap: for the nearest ten around well-known ZIP codes, and
for a few hundred ZIP codes drawn at random from the directory (seeded, so a failure repeats)."""

import random

import pytest
import zipcodes

from secondopinion.centers.geo import ZipError, bundled_index, zip_place
from secondopinion.centers.maplabels import Box, Dot, label_size, numbers_text, place_labels
from secondopinion.centers.usmap import RADIUS, MapPoint, map_layout

INDEX = bundled_index()


def nearest_points(zip_code: str, count: int = 10) -> list[MapPoint]:
    place = zip_place(zip_code)
    hits = INDEX.search(place.latitude, place.longitude)[:count]
    points = [
        MapPoint(f"{n}. {h.center.name}", h.center.latitude, h.center.longitude, "center", n)
        for n, h in enumerate(hits, start=1)
    ]
    return [*points, MapPoint("Your ZIP", place.latitude, place.longitude, "origin")]


def assert_readable(points: list[MapPoint]) -> None:
    layout = map_layout(points)
    boxes = [label.box for label in layout.labels]
    for i, a in enumerate(boxes):
        for b in boxes[:i]:
            assert not a.overlaps(b), (layout.labels[i].text, a, b)
    # Every number drawn once, each label inside its panel and no wider than its text.
    numbers = sorted(n for label in layout.labels for n in label.numbers)
    drawn = sorted(p.point.number for p in layout.placed if p.point.number)
    assert numbers == drawn
    for label in layout.labels:
        assert any(label.box.inside(panel.bounds) for panel in layout.panels), label
        width, height = label_size(label.text)
        assert label.box.x1 - label.box.x0 == pytest.approx(width)


@pytest.mark.parametrize(
    "zip_code", ["02215", "10001", "60601", "96813", "99501", "33101", "94103"]
)
def test_no_two_numbers_overlap_for_the_nearest_ten(zip_code):
    assert_readable(nearest_points(zip_code))


def test_no_two_numbers_overlap_for_random_zip_codes():
    rng = random.Random(20261129)  # noqa: S311 (a test sample, not a secret)
    all_zips = sorted(z["zip_code"] for z in zipcodes.list_all())
    tried = 0
    for zip_code in rng.sample(all_zips, 400):
        try:
            points = nearest_points(zip_code)
        except ZipError:  # military mail and ZIPs without a location
            continue
        assert_readable(points)
        tried += 1
    assert tried > 300


def test_no_two_numbers_overlap_when_every_center_is_shown():
    for zip_code in ("02215", "60601", "96813"):
        assert_readable(nearest_points(zip_code, count=len(INDEX.centers)))


def test_centers_on_one_spot_share_one_label_written_as_runs():
    assert numbers_text([5, 6, 7, 8, 9, 10]) == "5–10"
    assert numbers_text([1, 2]) == "1, 2"
    assert numbers_text([3, 5, 6, 7]) == "3, 5–7"
    new_york = [Dot(300, 200, RADIUS["center"], n) for n in range(5, 11)]
    labels = place_labels(new_york, Box(0, 0, 600, 400))
    assert [label.text for label in labels] == ["5–10"]


def test_when_there_is_no_room_dots_are_merged_until_the_labels_fit():
    # A tiny panel with three dots in a row: not three labels, but still every number, apart.
    dots = [Dot(20 + 12 * i, 40, 5, i + 1) for i in range(3)]
    labels = place_labels(dots, Box(0, 0, 120, 80))
    assert sorted(n for label in labels for n in label.numbers) == [1, 2, 3]
    assert len(labels) < 3


def test_the_nearest_center_in_honolulu_is_drawn_after_the_zip_marker_and_both_are_in_sight():
    layout = map_layout(nearest_points("96813"))
    kinds = [p.point.kind for p in layout.placed]
    assert kinds[-1] == "origin"  # placed nearest first, so drawn (reversed) first = underneath
    first, origin = layout.placed[0], layout.placed[-1]
    assert abs(first.x - origin.x) < RADIUS["origin"] and abs(first.y - origin.y) < RADIUS["origin"]
