"""The cast: an owner with a case, a caregiver who may look, an editor who may change, a stranger."""

import os

import pytest
from hypothesis import settings as hypothesis_settings

from tests.factories import make_case, make_user, share_case
from tests.s3 import s3  # noqa: F401 - the shared in-process S3 fixture

# Property tests explore new inputs on every developer run; CI replays a fixed set so a red build
# always means a change broke something. New finds get a plain regression test of their own.
hypothesis_settings.register_profile("ci", derandomize=True)
if os.environ.get("CI") == "true":
    hypothesis_settings.load_profile("ci")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "files")},
        },
    }


@pytest.fixture
def owner(db):
    return make_user("owner@example.org", display_name="Olive Owner")


@pytest.fixture
def case(owner):
    return make_case(owner, patient_name="Olive Owner", doctor_name="Grace Local")


@pytest.fixture
def caregiver(case):
    user = make_user("caregiver@example.org")
    share_case(case, user, "viewer")
    return user


@pytest.fixture
def editor(case):
    user = make_user("editor@example.org")
    share_case(case, user, "editor")
    return user


@pytest.fixture
def stranger(db):
    return make_user("stranger@example.org")


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client
