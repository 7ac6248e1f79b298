"""The cast: an owner with a case, a caregiver who may look, an editor who may change, a stranger."""

import os
import socket

import pytest
from hypothesis import settings as hypothesis_settings

from secondopinion.doctors.clients import base as registry_base
from secondopinion.doctors.clients import research as registry_research
from secondopinion.doctors.clients.base import RateLimiter
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
    # The data folder's temp folder, per test: the integrity check judges what is left in it.
    (tmp_path / "tmp").mkdir(exist_ok=True)
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "tmp")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "files")},
        },
    }


# Names a test may resolve: this machine only (PostgreSQL, Redis, the servers the tests start).
_LOCAL_NAMES = {None, "", "localhost", "127.0.0.1", "::1", "0.0.0.0", socket.gethostname()}  # noqa: S104
_real_getaddrinfo = socket.getaddrinfo


def _local_getaddrinfo(host, *args, **kwargs):
    name = host.decode() if isinstance(host, bytes) else host
    if name not in _LOCAL_NAMES and not str(name).endswith(".localhost"):
        raise socket.gaierror(socket.EAI_NONAME, f"no internet in the tests ({name})")
    return _real_getaddrinfo(host, *args, **kwargs)


@pytest.fixture(autouse=True)
def _no_internet(monkeypatch):
    """No test reaches the internet: a name other than this machine's does not resolve, the way
    it would offline. (Pages that look a doctor up in the registries, like the access and audit
    walks, used to try the real hosts and wait out the retries.) respx answers before this."""
    monkeypatch.setattr(socket, "getaddrinfo", _local_getaddrinfo)


@pytest.fixture(autouse=True)
def _no_real_waiting(monkeypatch):
    """Code that builds its own registry clients (the task, the command, the pages) must not
    really sleep in tests: the shared limiters get a budget no test reaches, and backoff waits
    return at once. research.py imported shared_limiter by name, so it is replaced there too."""

    def fast_limiter(name: str, *, max_calls: int, period: float = 1.0) -> RateLimiter:
        return RateLimiter(100_000, period, sleep=lambda _s: None)

    monkeypatch.setattr(registry_base, "shared_limiter", fast_limiter)
    monkeypatch.setattr(registry_research, "shared_limiter", fast_limiter)
    monkeypatch.setattr(registry_base, "real_sleep", lambda _s: None)


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
