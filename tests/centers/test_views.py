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


@pytest.mark.django_db
def test_it_lists_new_york_centers_nearest_first_with_miles(client):
    page = client.get(URL, {"zip": "10065", "radius": "50"}).content.decode()
    assert "7 centers near 10065 (New York, NY), nearest first" in page
    assert page.index("Memorial Sloan Kettering") < page.index("Rutgers Cancer Institute")
    assert "1 miles" in page or "miles</strong>" in page


@pytest.mark.django_db
def test_it_marks_labs_and_says_ask_them_for_unknown_programs(client):
    page = client.get(URL, {"zip": "11724", "radius": "25"}).content.decode()  # Cold Spring Harbor
    assert "Does not see patients." in page
    assert "Not known: ask them" in page


@pytest.mark.django_db
def test_it_filters_to_remote_programs(client):
    page = client.get(URL, {"zip": "02115", "radius": "300", "remote_only": "on"}).content.decode()
    assert "7 centers near 02115" in page
    assert "Not known: ask them" not in page.split("Map")[0]


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
