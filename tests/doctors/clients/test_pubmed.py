"""PubMed client: string counts, unknown ids, batches, identity params, dropped phrases."""

from __future__ import annotations

import httpx
import pytest

from secondopinion.doctors.clients.base import ApiError, JsonFetcher
from secondopinion.doctors.clients.pubmed import (
    ESEARCH_URL,
    ESUMMARY_URL,
    AuthorQuery,
    PubMedClient,
    parse_esearch,
    parse_esummary,
    pubmed_budget,
    topic_query,
)
from tests.doctors.conftest import load


def esearch(count: int, ids: list[str] | None = None) -> dict:
    """An esearch answer shaped like the recorded one (numbers as strings)."""
    body = load("pubmed_esearch_author_mesh.json")
    body["esearchresult"].update(count=str(count), retmax=str(len(ids or [])), idlist=ids or [])
    return body


@pytest.fixture
def pubmed(clock, limiter, cache) -> PubMedClient:
    fetcher = JsonFetcher(
        source="PubMed", limiter=limiter, cache=cache, sleep=clock.sleep, now=clock.now
    )
    return PubMedClient(email="team@example.org", fetcher=fetcher)


def test_it_reads_counts_sent_as_strings():
    count, ids, not_found = parse_esearch(load("pubmed_esearch_author_mesh.json"))
    assert count == 2
    assert ids == ("39000001", "38000002")
    assert not_found == ()


def test_it_reads_an_empty_search():
    assert parse_esearch(load("pubmed_esearch_empty.json")) == (0, (), ())


def test_it_treats_a_dropped_phrase_as_nothing_found():
    count, ids, not_found = parse_esearch(load("pubmed_esearch_phrase_not_found.json"))
    # The raw count (48213) is for the query without the affiliation: not ours.
    assert count == 0 and ids == ()
    assert not_found == ('"Nowhere Institute"[Affiliation]',)


def test_it_raises_on_an_esearch_error():
    with pytest.raises(ApiError, match="Invalid query"):
        parse_esearch(load("pubmed_esearch_error.json"))


def test_it_skips_unknown_ids_and_study_groups_in_summaries():
    (article,) = parse_esummary(load("pubmed_esummary.json"))
    assert article.pmid == "39000001"
    assert article.journal == "J Clin Oncol"
    assert article.year == 2024
    assert article.authors == ("Smith J", "Doe A")  # the study group is not a person
    assert article.link == "https://pubmed.ncbi.nlm.nih.gov/39000001/"
    assert article.is_first_or_last("Smith J")
    assert not article.is_first_or_last("Roe B")


def test_it_sends_tool_and_email_on_every_request(api, pubmed):
    search = api.get(ESEARCH_URL).respond(json=esearch(2, ["39000001"]))
    summary = api.get(ESUMMARY_URL).respond(json=load("pubmed_esummary.json"))
    pubmed.esearch("Smith Jane[Full Author Name]")
    pubmed.esummary(["39000001"])
    for call in [*search.calls, *summary.calls]:
        params = call.request.url.params
        assert params["tool"] == "secondopinion-navigator"
        assert params["email"] == "team@example.org"
        assert params["retmode"] == "json"


def test_it_sends_the_api_key_when_set_and_raises_the_budget(clock, limiter, api):
    fetcher = JsonFetcher(source="PubMed", limiter=limiter, sleep=clock.sleep, now=clock.now)
    client = PubMedClient(email="team@example.org", api_key="k123", fetcher=fetcher)
    route = api.get(ESEARCH_URL).respond(json=esearch(0))
    client.esearch("x")
    assert route.calls.last.request.url.params["api_key"] == "k123"
    assert pubmed_budget("") == (3, 1.0)
    assert pubmed_budget("k123") == (10, 1.0)


def test_it_refuses_to_run_without_a_contact_email():
    with pytest.raises(ValueError):
        PubMedClient(email="")


def test_it_fetches_summaries_in_batches(api, pubmed):
    route = api.get(ESUMMARY_URL).respond(json={"header": {}, "result": {"uids": []}})
    ids = [str(30000000 + i) for i in range(450)]
    pubmed.esummary(ids, batch_size=200)
    sizes = [len(c.request.url.params["id"].split(",")) for c in route.calls]
    assert sizes == [200, 200, 50]


def test_it_retries_when_ncbi_says_too_many_requests(api, pubmed):
    route = api.get(ESEARCH_URL).mock(
        side_effect=[
            httpx.Response(429, json=load("pubmed_rate_limited.json")),
            httpx.Response(200, json=esearch(5)),
        ]
    )
    assert pubmed.esearch("x").count == 5
    assert route.call_count == 2


def test_it_builds_an_author_query_narrowed_by_affiliation():
    plain = AuthorQuery("Jane", "Smith")
    narrowed = AuthorQuery("Jane", "Smith", affiliation="Example University")
    assert plain.author_term() == "Smith Jane[Full Author Name]"
    assert narrowed.author_term() == (
        '(Smith Jane[Full Author Name] AND "Example University"[Affiliation])'
    )
    assert plain.lead_term() == "(Smith J[1au] OR Smith J[lastau])"


def test_it_strips_query_syntax_out_of_names():
    sneaky = AuthorQuery('Jane"', "Smith[mh] OR (x)", affiliation='A"B')
    assert '"' not in sneaky.author_term().replace('"A B"', "")
    assert "[mh]" not in sneaky.author_term()


def test_it_builds_a_profile_with_counts_on_the_cancer(api, pubmed):
    answers = {
        "Smith Jane[Full Author Name]": esearch(140, ["39000001"]),
        "Smith Jane[Full Author Name] AND 2021:3000[dp]": esearch(60),
        'Smith Jane[Full Author Name] AND "Breast Neoplasms"[MeSH Terms]': esearch(
            45, ["39000001"]
        ),
        'Smith Jane[Full Author Name] AND "Breast Neoplasms"[MeSH Terms] AND 2021:3000[dp]': esearch(
            31, ["39000001", "99999999"]
        ),
        "Smith Jane[Full Author Name] AND (Smith J[1au] OR Smith J[lastau]) AND "
        '"Breast Neoplasms"[MeSH Terms] AND 2021:3000[dp]': esearch(12),
    }

    def reply(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=answers[request.url.params["term"]])

    api.get(ESEARCH_URL).mock(side_effect=reply)
    summary = api.get(ESUMMARY_URL).respond(json=load("pubmed_esummary.json"))
    profile = pubmed.profile(
        AuthorQuery("Jane", "Smith"),
        topic_term=topic_query(mesh_heading="Breast Neoplasms"),
        since_year=2021,
    )
    assert (profile.total, profile.recent, profile.on_cancer) == (140, 60, 45)
    assert (profile.on_cancer_recent, profile.lead_on_cancer_recent) == (31, 12)
    assert [a.pmid for a in profile.recent_articles] == ["39000001"]
    assert [a.pmid for a in profile.relevant_articles] == ["39000001"]  # unknown id skipped
    assert summary.call_count == 1  # one batch for all titles
    assert profile.search_url.startswith("https://pubmed.ncbi.nlm.nih.gov/?term=Smith+Jane")


def test_it_searches_words_when_the_cancer_has_no_mesh_heading():
    assert topic_query(mesh_heading="", words="Appendix cancer") == (
        '"Appendix cancer"[Title/Abstract]'
    )
