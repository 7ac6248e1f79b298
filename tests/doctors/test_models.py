"""The database cache behind the registry clients, and the research row's helpers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from secondopinion.doctors.clients.base import JsonFetcher
from secondopinion.doctors.models import (
    CachedAnswer,
    DatabaseCache,
    ResearchStatus,
    cached_answers_prune,
)
from tests.doctors.access_makers import make_research

pytestmark = pytest.mark.django_db
URL = "https://example.test/api"


def test_it_stores_and_reads_an_answer_with_its_date():
    cache = DatabaseCache()
    when = datetime(2026, 3, 3, tzinfo=UTC)
    assert cache.get("k") is None
    cache.set("k", {"count": "3"}, stored_at=when)
    cache.set("k", {"count": "4"}, stored_at=when + timedelta(days=1))
    entry = cache.get("k")
    assert entry.value == {"count": "4"}
    assert entry.stored_at == when + timedelta(days=1)
    assert CachedAnswer.objects.count() == 1


def test_it_expires_database_entries_after_seven_days(api, clock, limiter):
    route = api.get(URL).respond(json={"n": 1})
    fetcher = JsonFetcher(
        source="t", limiter=limiter, cache=DatabaseCache(), sleep=clock.sleep, now=clock.now
    )
    fetcher.get_json(URL, {})
    clock.advance(days=6, hours=23)
    assert fetcher.get_json(URL, {}).from_cache
    clock.advance(hours=2)
    assert not fetcher.get_json(URL, {}).from_cache
    assert route.call_count == 2


def test_it_describes_progress_in_plain_words(case):
    research = make_research(case, status=ResearchStatus.RUNNING, step="trials")
    assert research.in_progress
    assert research.step_words == "Looking for clinical trials"
    assert not research.no_evidence_on_cancer


def test_it_prunes_answers_older_than_a_date():
    cache = DatabaseCache()
    cache.set("old", 1, stored_at=datetime(2025, 1, 1, tzinfo=UTC))
    cache.set("new", 2, stored_at=datetime(2026, 3, 1, tzinfo=UTC))
    assert cached_answers_prune(older_than=datetime(2026, 1, 1, tzinfo=UTC)) == 1
    assert cache.get("old") is None and cache.get("new") is not None
