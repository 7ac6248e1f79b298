"""The cast: an owner with a case, a caregiver who may look, an editor who may change, a stranger."""

import pytest

from tests.factories import make_case, make_user, share_case


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
