"""ZIP lookup, great-circle distance and the filtered, nearest-first search."""

import math

import pytest

from secondopinion.centers.directory import BASIC, CLINICAL, bundled_centers
from secondopinion.centers.geo import (
    CenterIndex,
    ZipError,
    bundled_index,
    haversine_miles,
    radius_check,
    search_by_zip,
    zip_normalize,
    zip_place,
)


def test_it_places_a_zip_offline():
    place = zip_place("10065")
    assert (place.city, place.state) == ("New York", "NY")
    assert place.latitude == pytest.approx(40.7651)


@pytest.mark.parametrize("text", [" 02115 ", "02115-1234", "021151234"])
def test_it_accepts_common_zip_forms(text):
    assert zip_normalize(text) == "02115"


@pytest.mark.parametrize("text", ["", "2115", "abcde", "021156", "02115-12", None])
def test_it_refuses_malformed_zips_with_a_clear_message(text):
    with pytest.raises(ZipError, match="5 digits"):
        zip_normalize(text)


def test_it_says_when_a_zip_does_not_exist():
    with pytest.raises(ZipError, match="could not find the ZIP code 00000"):
        zip_place("00000")


def test_it_says_when_a_zip_has_no_location():
    with pytest.raises(ZipError, match="no map location"):
        zip_place("09000")  # military mail, no coordinates in the data set


def test_it_measures_great_circle_miles():
    # Boston to New York is about 190 miles as the crow flies.
    assert haversine_miles(42.3601, -71.0589, 40.7128, -74.0060) == pytest.approx(190, abs=3)
    assert haversine_miles(10, 10, 10, 10) == 0
    # Half way round the Earth.
    assert haversine_miles(0, 0, 0, 180) == pytest.approx(math.pi * 3958.8)


def test_it_lists_new_york_centers_nearest_first_within_50_miles():
    result = search_by_zip(bundled_index(), "10065", radius_miles=50)
    miles = [h.miles for h in result.hits]
    assert miles == sorted(miles)
    assert all(m <= 50 for m in miles)
    names = {h.center.name for h in result.hits}
    assert "Memorial Sloan Kettering Cancer Center" in names
    assert result.hits[0].center.city == "New York"


def test_it_treats_any_distance_as_no_radius():
    result = search_by_zip(bundled_index(), "02115")
    assert len(result.hits) == len(bundled_centers())
    assert result.hits[0].center.state == "MA"
    assert result.hits[-1].center.state == "HI"


def test_it_filters_by_remote_designation_state_and_patients():
    index = bundled_index()
    remote = search_by_zip(index, "02115", remote_only=True).hits
    assert remote and all(h.center.remote_second_opinion == "yes" for h in remote)
    clinical = search_by_zip(index, "02115", designations=[CLINICAL]).hits
    assert len(clinical) == 8
    in_ca = search_by_zip(index, "02115", states=["ca"]).hits
    assert {h.center.state for h in in_ca} == {"CA"}
    treating = search_by_zip(index, "02115", patients_only=True).hits
    assert all(h.center.designation != BASIC for h in treating)
    assert len(treating) == 68


def test_it_finds_the_nearest_mayo_campus():
    hits = search_by_zip(bundled_index(), "85004").hits  # downtown Phoenix
    mayo = [h for h in hits if h.center.name.startswith("Mayo")]
    assert mayo[0].center.city == "Phoenix"
    assert mayo[0].miles < 10


def test_it_returns_nothing_when_the_radius_is_too_small():
    assert search_by_zip(bundled_index(), "59001", radius_miles=1).hits == []  # rural Montana


@pytest.mark.parametrize("radius", [0, -5, float("nan"), float("inf"), 20_000])
def test_it_refuses_silly_radii(radius):
    with pytest.raises(ValueError, match="miles"):
        radius_check(radius)


def test_it_searches_any_center_list():
    index = CenterIndex(bundled_centers()[:3])
    assert len(index.search(40.0, -75.0)) == 3
