"""Fixtures for the opinions tests."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """The share-link and passcode limits count in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()
