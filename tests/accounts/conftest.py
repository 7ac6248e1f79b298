"""Accounts tests describe a personal copy unless they set HOSTED themselves: CI's PostgreSQL run
counts as hosted (settings.HOSTED), where sign-up without EMAIL_HOST is closed."""

import pytest


@pytest.fixture(autouse=True)
def _personal_copy(settings):
    settings.HOSTED = False
