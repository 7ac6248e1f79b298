"""ClinicalTrials.gov client: field-specific search, paging tokens, name check, order."""

from __future__ import annotations

import httpx
import pytest

from secondopinion.doctors.clients.base import ApiError, JsonFetcher
from secondopinion.doctors.clients.ctgov import (
    CTGOV_URL,
    CtGovClient,
    investigator_query,
    same_person,
)
from tests.doctors.conftest import load


@pytest.fixture
def ctgov(clock, limiter, cache) -> CtGovClient:
    fetcher = JsonFetcher(
        source="ClinicalTrials.gov", limiter=limiter, cache=cache, sleep=clock.sleep, now=clock.now
    )
    return CtGovClient(fetcher=fetcher)


@pytest.fixture
def two_pages(api):
    def reply(request: httpx.Request) -> httpx.Response:
        token = request.url.params.get("pageToken")
        if token is None:
            return httpx.Response(200, json=load("ctgov_v2_studies_page.json"))
        assert token == "SYNTHETIC_TOKEN_abc123"
        return httpx.Response(200, json=load("ctgov_v2_studies_page2.json"))

    return api.get(CTGOV_URL).mock(side_effect=reply)


def test_it_searches_the_official_and_investigator_fields_only():
    query = investigator_query("Jane", "Smith")
    assert query == (
        "AREA[OverallOfficialName](smith AND jane) OR "
        "AREA[ResponsiblePartyInvestigatorFullName](smith AND jane)"
    )


def test_it_follows_the_page_token_to_the_last_page(two_pages, ctgov):
    found = ctgov.search_investigator(first_name="Jane", last_name="Smith")
    assert two_pages.call_count == 2
    first, second = (c.request.url.params for c in two_pages.calls)
    assert first["countTotal"] == "true" and "pageToken" not in first
    assert second["pageToken"] == "SYNTHETIC_TOKEN_abc123"
    assert found.total_count == 1
    assert not found.truncated


def test_it_drops_trials_where_the_names_belong_to_two_people(two_pages, ctgov):
    found = ctgov.search_investigator(first_name="Jane", last_name="Smith")
    assert "NCT00000004" not in [t.nct_id for t in found.trials]


def test_it_lists_recruiting_trials_first(two_pages, ctgov):
    found = ctgov.search_investigator(first_name="Jane", last_name="Smith")
    assert [t.nct_id for t in found.trials] == ["NCT00000001", "NCT00000003", "NCT00000002"]
    recruiting = found.trials[0]
    assert recruiting.recruiting
    assert recruiting.phase_words == "Phase 2"
    assert recruiting.link == "https://clinicaltrials.gov/study/NCT00000001"
    assert found.trials[2].role == "STUDY_CHAIR"
    assert found.trials[1].role == "RESPONSIBLE_PARTY"


def test_it_picks_out_trials_on_the_patients_cancer(two_pages, ctgov):
    found = ctgov.search_investigator(first_name="Jane", last_name="Smith")
    on_breast = found.on_cancer("Breast Neoplasms")
    assert [t.nct_id for t in on_breast] == ["NCT00000001", "NCT00000002"]
    assert found.on_cancer("Lung Neoplasms", ("lung cancer",)) == ()
    # Condition words are a fallback when MeSH headings are missing.
    assert found.trials[1].is_on("Nothing", ("solid tumor",))


def test_it_stops_after_the_page_limit_and_says_so(two_pages, ctgov):
    found = ctgov.search_investigator(first_name="Jane", last_name="Smith", max_pages=1)
    assert two_pages.call_count == 1
    assert found.truncated


def test_it_handles_no_trials(api, ctgov):
    api.get(CTGOV_URL).respond(json=load("ctgov_v2_studies_empty.json"))
    found = ctgov.search_investigator(first_name="Zed", last_name="Nobody")
    assert found.trials == () and found.total_count == 0


def test_it_turns_a_bad_request_into_a_plain_error(api, ctgov):
    api.get(CTGOV_URL).respond(400, text="Invalid query.term")
    with pytest.raises(ApiError, match="turned the request down"):
        ctgov.search_investigator(first_name="Jane", last_name="Smith")


@pytest.mark.parametrize(
    ("listed", "expected"),
    [
        ("Jane Smith, MD", True),
        ("Jane A. Smith, MD, PhD", True),
        ("Smith, Jane", True),
        ("Dr. Jane Smith-Jones", False),
        ("John Smith", False),
        ("", False),
    ],
)
def test_it_matches_names_with_titles_and_degrees(listed, expected):
    assert same_person(listed, "Jane", "Smith") is expected


def test_it_matches_condition_words_at_word_starts_only(two_pages, ctgov):
    found = ctgov.search_investigator(first_name="Jane", last_name="Smith")
    solid = found.trials[1]
    assert solid.is_on("", ("tum",))
    assert not solid.is_on("", ("umor",))
