"""Shared helpers for the doctor-research tests: fixtures on disk, a fake clock, no network."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import respx

from secondopinion.doctors.clients.base import MemoryCache, RateLimiter

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
