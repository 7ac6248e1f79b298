import pytest


@pytest.fixture(autouse=True)
def _quarantine_in_tmp(settings, tmp_path):
    settings.QUARANTINE_DIR = tmp_path / "quarantine"
