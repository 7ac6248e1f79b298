"""Shared helpers for the doctor-research tests: fixtures on disk, a fake clock, no network."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from secondopinion.doctors.clients.base import MemoryCache, RateLimiter
from secondopinion.doctors.clients.ctgov import CTGOV_URL
from secondopinion.doctors.clients.npi import NPPES_URL
from secondopinion.doctors.clients.pubmed import ESEARCH_URL, ESUMMARY_URL

FIXTURES = Path(__file__).parent / "fixtures"


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


class FakeClock:
    """Monotonic seconds plus wall time that only move when told (or when someone sleeps)."""

    def __init__(self) -> None:
        self.t = 0.0
        self.wall = datetime(2026, 3, 3, 12, 0, tzinfo=UTC)
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.t += seconds

    def now(self) -> datetime:
        return self.wall + timedelta(seconds=self.t)

    def advance(self, **delta: float) -> None:
        self.wall += timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def limiter(clock: FakeClock) -> RateLimiter:
    return RateLimiter(3, 1.0, clock=clock, sleep=clock.sleep)


@pytest.fixture
def cache() -> MemoryCache:
    return MemoryCache()


@pytest.fixture
def api():
    """Every HTTP call is answered by respx; anything unmatched fails the test."""
    with respx.mock(assert_all_called=False, assert_all_mocked=True) as router:
        yield router


def esearch_body(count: int, ids: list[str] | None = None) -> dict:
    """An esearch answer shaped like the recorded one (numbers as strings)."""
    body = load("pubmed_esearch_author_mesh.json")
    body["esearchresult"].update(count=str(count), retmax=str(len(ids or [])), idlist=ids or [])
    return body


class Registries:
    """All three registries served by respx, with answers a test can change.

    PubMed counts are chosen by the shape of the query: `total`, `recent` (date only),
    `on_cancer` (MeSH only), `on_cancer_recent` (MeSH and date), `lead` (first/last author).
    """

    def __init__(self, router: respx.MockRouter) -> None:
        self.npi_body: Any = load("nppes_npi_2_1_search.json")
        self.counts = {
            "total": 140,
            "recent": 60,
            "on_cancer": 45,
            "on_cancer_recent": 31,
            "lead": 12,
        }
        self.ids = ["39000001"]
        self.ctgov_pages: list[Any] = [
            load("ctgov_v2_studies_page.json"),
            load("ctgov_v2_studies_page2.json"),
        ]
        self.offline = False
        self.npi = router.get(NPPES_URL).mock(side_effect=self._npi)
        self.esearch = router.get(ESEARCH_URL).mock(side_effect=self._esearch)
        self.esummary = router.get(ESUMMARY_URL).mock(side_effect=self._esummary)
        self.ctgov = router.get(CTGOV_URL).mock(side_effect=self._ctgov)

    @property
    def routes(self) -> list[respx.Route]:
        return [self.npi, self.esearch, self.esummary, self.ctgov]

    @property
    def call_count(self) -> int:
        return sum(r.call_count for r in self.routes)

    def _maybe_offline(self) -> None:
        if self.offline:
            raise httpx.ConnectError("no network in this test")

    def _npi(self, request: httpx.Request) -> httpx.Response:
        self._maybe_offline()
        return httpx.Response(200, json=self.npi_body)

    def _esearch(self, request: httpx.Request) -> httpx.Response:
        self._maybe_offline()
        term = request.url.params["term"]
        mesh, since, lead = "[MeSH Terms]" in term, "[dp]" in term, "[1au]" in term
        key = (
            "lead"
            if lead
            else "on_cancer_recent"
            if mesh and since
            else "on_cancer"
            if mesh
            else "recent"
            if since
            else "total"
        )
        count = self.counts[key]
        wanted = int(request.url.params.get("retmax", "0"))
        return httpx.Response(200, json=esearch_body(count, self.ids[:wanted] if count else []))

    def _esummary(self, request: httpx.Request) -> httpx.Response:
        self._maybe_offline()
        return httpx.Response(200, json=load("pubmed_esummary.json"))

    def _ctgov(self, request: httpx.Request) -> httpx.Response:
        self._maybe_offline()
        page = 1 if request.url.params.get("pageToken") else 0
        return httpx.Response(200, json=self.ctgov_pages[page])


@pytest.fixture
def registries(api) -> Registries:
    return Registries(api)
