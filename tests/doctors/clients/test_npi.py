"""NPPES NPI Registry client: matches, none, errors inside HTTP 200, old and new number types."""

from __future__ import annotations

import httpx
import pytest

from secondopinion.doctors.clients.base import ApiError, JsonFetcher
from secondopinion.doctors.clients.npi import (
    NPPES_URL,
    NpiClient,
    check_npi_payload,
    parse_npi_search,
)
from tests.doctors.conftest import load


@pytest.fixture
def npi(clock, limiter, cache) -> NpiClient:
    fetcher = JsonFetcher(
        source="the NPI registry", limiter=limiter, cache=cache, sleep=clock.sleep, now=clock.now
    )
    return NpiClient(fetcher=fetcher)


def test_it_parses_the_recorded_shape(api, npi):
    api.get(NPPES_URL).respond(json=load("nppes_npi_2_1_search.json"))
    found = npi.search(first_name="Jane", last_name="Smith", state="OR")
    (doctor,) = found.matches
    assert doctor.npi == "1234567893"
    assert doctor.display_name == "Jane A Smith, M.D."
    assert doctor.specialty == "Internal Medicine, Medical Oncology"
    assert doctor.taxonomy_code == "207RX0202X"
    assert doctor.location is not None
    assert (
        doctor.location.one_line() == "100 Example Medical Pkwy, Ste 200, Portland, OR 97213-2982"
    )
    assert doctor.registry_url.endswith("/1234567893")


def test_it_sends_name_state_and_version(api, npi):
    route = api.get(NPPES_URL).respond(json=load("nppes_empty.json"))
    npi.search(first_name="Jane", last_name="Smith", state="ma")
    params = route.calls.last.request.url.params
    assert params["version"] == "2.1"
    assert params["first_name"] == "Jane"
    assert params["last_name"] == "Smith"
    assert params["state"] == "MA"
    assert params["enumeration_type"] == "NPI-1"


def test_it_lists_several_matches_for_the_patient_to_choose(api, npi):
    api.get(NPPES_URL).respond(json=load("nppes_several.json"))
    found = npi.search(first_name="Jane", last_name="Smith", state="MA")
    assert [m.npi for m in found.matches] == ["1234567893", "1003000126", "1952381162"]
    # The primary taxonomy wins even when it is not listed first.
    assert found.matches[0].specialty == "Internal Medicine, Medical Oncology"
    # The practice (LOCATION) address wins over the mailing one.
    assert found.matches[0].location.city == "Boston"
    # Older recordings send the number as an int.
    assert found.matches[1].npi == "1003000126"
    # A record with practice sites only under practiceLocations still gets an address.
    assert found.matches[2].location.city == "Springfield"
    assert not found.maybe_more


def test_it_returns_no_matches_for_an_unknown_name(api, npi):
    api.get(NPPES_URL).respond(json=load("nppes_empty.json"))
    assert npi.search(first_name="Zed", last_name="Nobody").matches == ()


def test_it_recognises_an_error_inside_http_200(api, npi, cache):
    api.get(NPPES_URL).respond(200, json=load("nppes_error.json"))
    with pytest.raises(ApiError) as info:
        npi.search(first_name="J", last_name="Smith")
    assert "Wildcards require at least two leading characters" in info.value.message
    assert len(cache) == 0


def test_it_recognises_the_other_error_shape():
    with pytest.raises(ApiError, match="No valid search criteria"):
        check_npi_payload(load("nppes_error_multiple.json"))
    with pytest.raises(ApiError):
        parse_npi_search(["not", "a", "dict"])


def test_it_asks_for_a_last_name_before_calling(api, npi):
    with pytest.raises(ApiError, match="last name"):
        npi.search(first_name="Jane", last_name="*")
    assert not api.calls


def test_it_flags_a_full_page_as_maybe_more(api, npi):
    api.get(NPPES_URL).respond(json=load("nppes_several.json"))
    assert npi.search(first_name="Jane", last_name="Smith", limit=3).maybe_more


def test_it_retries_when_the_registry_times_out(api, npi):
    api.get(NPPES_URL).mock(
        side_effect=[
            httpx.ConnectTimeout("slow"),
            httpx.Response(200, json=load("nppes_empty.json")),
        ]
    )
    assert npi.search(first_name="Jane", last_name="Smith").matches == ()
