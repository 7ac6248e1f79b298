import pytest

from tests.centers.helpers import ensure_directory


@pytest.fixture
def directory(db):
    ensure_directory()
