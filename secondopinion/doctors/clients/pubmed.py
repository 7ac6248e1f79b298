"""PubMed through NCBI E-utilities (esearch + esummary, JSON).

NCBI asks every caller to send `tool` and `email`, to stay under 3 requests a second (10 with
an API key), and to fetch summaries in batches. All three are done here.

Traps handled (see /work/shared/data/api-shapes): `count`, `retmax`, `retstart` are strings;
esummary answers an unknown id with an object holding only "error"; authors can be a
"CollectiveName" (a study group, not a person); when part of a query matches nothing, esearch
lists it under errorlist.phrasesnotfound and quietly runs the rest of the query, so a count for
"this author AND breast cancer" would become a count for all breast cancer papers. We treat
such an answer as "nothing found".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote_plus

from . import base
from .base import ApiError, JsonFetcher, as_int

EUTILS = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
ESEARCH_URL = EUTILS + "esearch.fcgi"
ESUMMARY_URL = EUTILS + "esummary.fcgi"
SOURCE = "PubMed"
DEFAULT_TOOL = "secondopinion-navigator"
SUMMARY_BATCH = 200  # NCBI suggests at most a few hundred ids per request


def pubmed_budget(api_key: str = "") -> tuple[int, float]:
    return (10, 1.0) if api_key else (3, 1.0)


@dataclass(frozen=True)
class AuthorQuery:
    """Who to look for. `affiliation` narrows a common name to one employer.

    Middle initials are left out on purpose: many articles list the author without one, and
    the unquoted full-name search already matches "Smith Jane A" for "Smith Jane".
    """

    first_name: str
    last_name: str
    affiliation: str = ""

    @property
    def short_name(self) -> str:
        """PubMed's author form: "Smith J" (last name, first initial)."""
        return f"{self.last_name} {self.first_name[:1].upper()}".strip()

    def author_term(self) -> str:
        # Full author names are indexed from 2002 on; the last-5-year figures need nothing older.
        name = _clean(f"{self.last_name} {self.first_name}")
        term = f"{name}[Full Author Name]"
        if self.affiliation:
            # [Affiliation] matches any author's affiliation on the article, which is the
            # best PubMed offers; it still removes most namesakes at other employers.
            term = f'({term} AND "{_clean(self.affiliation)}"[Affiliation])'
        return term

    def lead_term(self) -> str:
        """First or last author; [1au]/[lastau] use the short "Smith J" form."""
        short = _clean(self.short_name)
        return f"({short}[1au] OR {short}[lastau])"


def _clean(text: str) -> str:
    # Brackets, quotes and boolean punctuation would change the query's meaning.
    return re.sub(r"\s+", " ", re.sub(r"[\[\]\"()*#:]", " ", text)).strip()


@dataclass(frozen=True)
class SearchResult:
    count: int
    ids: tuple[str, ...]
    fetched_at: datetime
    stale: bool = False
    not_found: tuple[str, ...] = ()


@dataclass(frozen=True)
class Article:
    pmid: str
    title: str
    journal: str
    year: int | None
    authors: tuple[str, ...]  # people only; study-group names are left out

    @property
    def link(self) -> str:
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/"

    def is_first_or_last(self, short_name: str) -> bool:
        if not self.authors:
            return False
        want = short_name.lower()
        return any(a.lower().startswith(want) for a in (self.authors[0], self.authors[-1]))


@dataclass(frozen=True)
class PubMedProfile:
    """What PubMed says about one author, overall and on one cancer."""

    term: str
    since_year: int
    total: int
    recent: int  # since since_year, any topic
    on_cancer: int
    on_cancer_recent: int
    lead_on_cancer_recent: int  # first or last author, on the cancer, since since_year
    recent_articles: tuple[Article, ...]
    relevant_articles: tuple[Article, ...]
    fetched_at: datetime
    stale: bool = False

    @property
    def search_url(self) -> str:
        return "https://pubmed.ncbi.nlm.nih.gov/?term=" + quote_plus(self.term)


def topic_query(*, mesh_heading: str, words: str = "") -> str:
    """The cancer as a PubMed query: its MeSH heading (which includes narrower headings), or,
    for a cancer outside our list, the patient's own words in titles and abstracts."""
    if mesh_heading.strip():
        return f'"{_clean(mesh_heading)}"[MeSH Terms]'
    return f'"{_clean(words)}"[Title/Abstract]'


def check_esearch(payload: Any) -> None:
    if not isinstance(payload, dict):
        raise ApiError("PubMed sent an answer we could not read.", source=SOURCE)
    if payload.get("error"):
        raise ApiError(f"PubMed could not run the search: {payload['error']}.", source=SOURCE)
    result = payload.get("esearchresult")
    if not isinstance(result, dict):
        raise ApiError("PubMed sent an answer we could not read.", source=SOURCE)
    if result.get("ERROR"):
        raise ApiError(f"PubMed could not run the search: {result['ERROR']}.", source=SOURCE)


def parse_esearch(payload: Any) -> tuple[int, tuple[str, ...], tuple[str, ...]]:
    """-> (count, ids, phrases not found). Counts are strings in the JSON."""
    check_esearch(payload)
    result = payload["esearchresult"]
    errorlist = result.get("errorlist") or {}
    not_found = tuple(
        str(p)
        for key in ("phrasesnotfound", "fieldsnotfound")
        for p in (errorlist.get(key) or [])
        if p
    )
    if not_found:
        # Part of the query was dropped; the count no longer answers our question.
        return 0, (), not_found
    ids = tuple(str(i) for i in result.get("idlist") or [])
    return as_int(result.get("count")), ids, ()


def check_esummary(payload: Any) -> None:
    if not isinstance(payload, dict):
        raise ApiError("PubMed sent an answer we could not read.", source=SOURCE)
    if payload.get("error"):
        raise ApiError(f"PubMed could not fetch summaries: {payload['error']}.", source=SOURCE)
    if not isinstance(payload.get("result"), dict):
        raise ApiError("PubMed sent an answer we could not read.", source=SOURCE)


def _year(doc: dict[str, Any]) -> int | None:
    for key in ("sortpubdate", "pubdate", "epubdate"):
        match = re.match(r"\s*(\d{4})", str(doc.get(key) or ""))
        if match:
            return int(match.group(1))
    return None


def parse_esummary(payload: Any) -> list[Article]:
    """Articles in the order of result.uids; unknown ids (an "error" object) are skipped."""
    check_esummary(payload)
    result = payload["result"]
    articles = []
    for uid in result.get("uids") or []:
        doc = result.get(str(uid))
        if not isinstance(doc, dict) or doc.get("error"):
            continue
        authors = tuple(
            str(a.get("name") or "")
            for a in doc.get("authors") or []
            if isinstance(a, dict) and a.get("authtype", "Author") == "Author" and a.get("name")
        )
        articles.append(
            Article(
                pmid=str(doc.get("uid") or uid),
                title=str(doc.get("title") or "").strip(),
                journal=str(doc.get("source") or doc.get("fulljournalname") or "").strip(),
                year=_year(doc),
                authors=authors,
            )
        )
    return articles


def batched(items: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class PubMedClient:
    def __init__(
        self,
        *,
        email: str,
        tool: str = DEFAULT_TOOL,
        api_key: str = "",
        fetcher: JsonFetcher | None = None,
        **fetcher_kwargs: Any,
    ) -> None:
        if not email:
            # NCBI requires a contact address so they can reach us before blocking.
            raise ValueError("PubMed needs a contact email (settings: NCBI_EMAIL).")
        if fetcher is None:
            calls, period = pubmed_budget(api_key)
            fetcher_kwargs.setdefault(
                "limiter", base.shared_limiter("ncbi", max_calls=calls, period=period)
            )
            fetcher = JsonFetcher(source=SOURCE, **fetcher_kwargs)
        self.fetcher = fetcher
        self.identity = {"tool": tool, "email": email}
        if api_key:
            self.identity["api_key"] = api_key

    def _params(self, **params: Any) -> dict[str, Any]:
        return {"db": "pubmed", "retmode": "json", **params, **self.identity}

    def esearch(self, term: str, *, retmax: int = 0, sort: str = "") -> SearchResult:
        params = self._params(term=term, retmax=retmax)
        if sort:
            params["sort"] = sort
        fetched = self.fetcher.get_json(ESEARCH_URL, params, check=check_esearch)
        count, ids, not_found = parse_esearch(fetched.data)
        return SearchResult(count, ids, fetched.fetched_at, fetched.stale, not_found)

    def esummary(
        self, ids: Sequence[str], *, batch_size: int = SUMMARY_BATCH
    ) -> tuple[list[Article], datetime | None, bool]:
        """Summaries for ids, `batch_size` per request. -> (articles, oldest fetch, any stale)."""
        articles: list[Article] = []
        oldest: datetime | None = None
        stale = False
        for batch in batched(list(dict.fromkeys(ids)), batch_size):
            params = self._params(id=",".join(batch))
            fetched = self.fetcher.get_json(ESUMMARY_URL, params, check=check_esummary)
            articles.extend(parse_esummary(fetched.data))
            oldest = fetched.fetched_at if oldest is None else min(oldest, fetched.fetched_at)
            stale = stale or fetched.stale
        return articles, oldest, stale

    def profile(
        self, author: AuthorQuery, *, topic_term: str, since_year: int, titles: int = 5
    ) -> PubMedProfile:
        """Counts and example titles for one author on one cancer (6 requests).

        `topic_term` is the cancer as a PubMed query, usually from `topic_query`.
        """
        who = author.author_term()
        cancer = topic_term
        since = f"{since_year}:3000[dp]"
        searches = {
            "total": self.esearch(who, retmax=titles, sort="pub_date"),
            "recent": self.esearch(f"{who} AND {since}"),
            "on_cancer": self.esearch(f"{who} AND {cancer}", retmax=titles, sort="pub_date"),
            "on_cancer_recent": self.esearch(
                f"{who} AND {cancer} AND {since}", retmax=titles, sort="relevance"
            ),
            "lead": self.esearch(f"{who} AND {author.lead_term()} AND {cancer} AND {since}"),
        }
        # On-cancer titles when there are any; otherwise the author's latest work.
        recent_ids = searches["on_cancer"].ids or searches["total"].ids
        relevant_ids = searches["on_cancer_recent"].ids
        articles, summaries_at, summaries_stale = self.esummary(
            list(recent_ids) + list(relevant_ids)
        )
        by_id = {a.pmid: a for a in articles}
        times = [s.fetched_at for s in searches.values()]
        if summaries_at is not None:
            times.append(summaries_at)
        return PubMedProfile(
            term=who,
            since_year=since_year,
            total=searches["total"].count,
            recent=searches["recent"].count,
            on_cancer=searches["on_cancer"].count,
            on_cancer_recent=searches["on_cancer_recent"].count,
            lead_on_cancer_recent=searches["lead"].count,
            recent_articles=tuple(by_id[i] for i in recent_ids if i in by_id),
            relevant_articles=tuple(by_id[i] for i in relevant_ids if i in by_id),
            fetched_at=min(times),
            stale=summaries_stale or any(s.stale for s in searches.values()),
        )
