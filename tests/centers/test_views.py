"""The directory search page: anyone may search; only a case's editors get "add" buttons."""

import pytest
from django.urls import reverse

from secondopinion.centers.models import Center

URL = reverse("centers:search")

pytestmark = pytest.mark.usefixtures("directory")


@pytest.mark.django_db
def test_it_has_the_bundled_directory():
    assert Center.objects.filter(listed=True).count() == 75


@pytest.mark.django_db
def test_it_shows_the_form_and_a_map_of_every_center(client):
    page = client.get(URL).content.decode()
    assert "Your ZIP code" in page
    assert "Map of all 75 centers" in page


def _results(page: str) -> str:
    """The numbered list of results (the map before it names the centers too)."""
    return page.split('<ol class="center-results"')[1].split("</ol>")[0]


@pytest.mark.django_db
def test_it_lists_new_york_centers_nearest_first_with_miles(client):
    page = client.get(URL, {"zip": "10065", "radius": "50"}).content.decode()
    assert "7 centers near 10065 (New York, NY), nearest first" in page
    results = _results(page)
    assert results.index("Memorial Sloan Kettering") < results.index("Rutgers Cancer Institute")
    assert "1 miles" not in page and "mile</strong>" in results  # MSK is a mile away


@pytest.mark.django_db
def test_the_map_comes_first_with_the_list_numbers_on_its_dots(client):
    page = client.get(URL, {"zip": "10065", "radius": "50"}).content.decode()
    assert page.index('class="usmap"') < page.index('class="center-results"')
    assert '<span class="center-number">1.</span>' in page
    svg = page.split("<svg")[1].split("</svg>")[0]
    # The four Manhattan centers lie on one spot, so they share one label; the list says so.
    assert 'aria-hidden="true">1–4</text>' in svg and 'aria-hidden="true">7</text>' in svg
    assert _results(page).count('shares the label "1–4"') == 4
    assert "numbered list above" not in page


@pytest.mark.django_db
def test_the_nearest_center_is_drawn_above_the_zip_marker(client):
    page = client.get(URL, {"zip": "96813"}).content.decode()  # Honolulu
    points = page.split('class="usmap-points">')[1]
    nearest = points.index("1. University of Hawaii Cancer Center")
    assert points.index("Your ZIP code 96813") < nearest  # drawn earlier = underneath


@pytest.mark.django_db
def test_it_says_when_the_zip_code_is_off_the_map(client):
    page = client.get(URL, {"zip": "99501"}).content.decode()  # Anchorage
    assert "Your ZIP code\n    (Anchorage, AK) is off this map" in page


@pytest.mark.django_db
def test_it_shows_ten_centers_then_offers_the_rest(client):
    page = client.get(URL, {"zip": "02115"}).content.decode()
    assert _results(page).count('class="card center') == 10
    assert "Show 65 more centers" in page
    everything = client.get(URL, {"zip": "02115", "show": "all"}).content.decode()
    assert _results(everything).count('class="card center') == 75
    assert "more center" not in everything


@pytest.mark.django_db
def test_it_gives_phone_numbers_as_links_or_says_where_to_look(client):
    page = client.get(URL, {"zip": "02115", "show": "all"}).content.decode()
    assert 'href="tel:+1' in page
    assert "not in our list: see their website" in page


@pytest.mark.django_db
def test_it_marks_labs_and_says_ask_them_for_unknown_programs(client):
    page = client.get(URL, {"zip": "11724", "radius": "25"}).content.decode()  # Cold Spring Harbor
    assert "Does not see patients." in page
    assert "Not known: ask them" in page


@pytest.mark.django_db
def test_it_filters_to_remote_programs(client):
    page = client.get(URL, {"zip": "02115", "radius": "300", "remote_only": "on"}).content.decode()
    assert "7 centers near 02115" in page
    assert "Not known: ask them" not in _results(page)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("zip_code", "message"), [("abc", "5 digits"), ("00000", "could not find the ZIP code 00000")]
)
def test_it_explains_a_bad_zip(client, zip_code, message):
    response = client.get(URL, {"zip": zip_code})
    assert response.status_code == 200
    assert message in response.content.decode()


def test_it_offers_add_buttons_only_to_someone_who_may_change_the_case(
    client, case, owner, stranger, caregiver
):
    params = {"zip": "02115", "radius": "25", "case": str(case.public_id)}
    client.force_login(owner)
    assert "Add to my services" in client.get(URL, params).content.decode()
    for person in (stranger, caregiver):
        client.force_login(person)
        page = client.get(URL, params).content.decode()
        assert "Add to my services" not in page
        assert case.patient_name not in page


@pytest.mark.django_db
def test_it_ignores_a_malformed_case_id(client):
    assert client.get(URL, {"zip": "02115", "case": "not-a-uuid"}).status_code == 200
