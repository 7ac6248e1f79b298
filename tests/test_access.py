"""Every URL that takes an object id answers 404 to anyone who may not see that object's case.

The walk is over the real URL configuration, so a new view is covered the day it is added. Each app
tells the walk how to make its objects in tests/<app>/access_makers.py: MAKERS maps a URL keyword
(such as "document_id") to a function (case) -> id. A URL keyword with no maker fails the test, so
nobody can add an object URL and forget to prove it is private.
"""

from __future__ import annotations

import importlib

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

APPS = [
    "accounts",
    "cases",
    "centers",
    "providers",
    "doctors",
    "records",
    "pathology",
    "opinions",
    "operations",
]
PUBLIC_NAMESPACES = {"share"}  # share links are tested with their tokens in tests/opinions
# Invite links are opened by someone who is not on the case yet; tests/accounts/test_sharing.py
# proves a wrong, used or expired token gives nothing away.
PUBLIC_URLS = {
    "accounts:invite_accept",
    # Emailed token links, tested with real tokens in tests/accounts/test_reset.py.
    "accounts:signup_verify",
    "accounts:password_reset_confirm",
}


def _makers() -> dict:
    makers = {"case_id": lambda case: case.public_id}
    for app in APPS:
        try:
            module = importlib.import_module(f"tests.{app}.access_makers")
        except ModuleNotFoundError:
            continue
        makers.update(module.MAKERS)
    return makers


def _walk(patterns, namespace="", converters=None):
    converters = dict(converters or {})
    for entry in patterns:
        here = {**converters, **getattr(entry.pattern, "converters", {})}
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, ns, here)
        elif isinstance(entry, URLPattern) and entry.name:
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), sorted(here)


def object_urls():
    return [
        (name, kwargs)
        for name, kwargs in _walk(get_resolver().url_patterns)
        if kwargs and name.split(":")[0] not in PUBLIC_NAMESPACES and name not in PUBLIC_URLS
    ]


def _url(name, kwargs, case, makers):
    missing = [k for k in kwargs if k not in makers]
    assert not missing, f"{name}: add a maker for {missing} in tests/<app>/access_makers.py"
    return reverse(name, kwargs={k: makers[k](case) for k in kwargs})


URLS = object_urls()


def test_it_finds_object_urls():
    assert any(name == "cases:detail" for name, _ in URLS)


@pytest.mark.parametrize(("name", "kwargs"), URLS, ids=[n for n, _ in URLS])
def test_it_hides_every_object_from_a_stranger(client, case, stranger, name, kwargs):
    url = _url(name, kwargs, case, _makers())
    client.force_login(stranger)
    assert client.get(url).status_code == 404, f"GET {url}"
    assert client.post(url, {}).status_code == 404, f"POST {url}"


@pytest.mark.parametrize(("name", "kwargs"), URLS, ids=[n for n, _ in URLS])
def test_it_lets_a_viewer_look_but_not_change(client, case, caregiver, name, kwargs):
    url = _url(name, kwargs, case, _makers())
    client.force_login(caregiver)
    assert client.post(url, {}).status_code == 404, f"POST {url}"


@pytest.mark.parametrize(("name", "kwargs"), URLS, ids=[n for n, _ in URLS])
def test_it_shows_the_owner_their_objects(client, case, owner, name, kwargs):
    url = _url(name, kwargs, case, _makers())
    client.force_login(owner)
    assert client.get(url).status_code != 404, f"GET {url}"


@pytest.mark.parametrize(("name", "kwargs"), URLS, ids=[n for n, _ in URLS])
def test_it_sends_anonymous_visitors_to_sign_in(client, case, name, kwargs):
    url = _url(name, kwargs, case, _makers())
    response = client.get(url)
    assert response.status_code in (302, 404), f"GET {url}"
    if response.status_code == 302:
        assert "/accounts/login/" in response["Location"]


def _owner_only(url: str) -> bool:
    # case_view(owner=True) marks its views; sharing, activity, delete and export use it.
    return getattr(resolve(url).func, "case_access", None) == "owner"


# Sharing, the activity trail, export and delete are the owner's alone (issue 8).
OWNER_ONLY = [
    name for name, _ in URLS if name.startswith(("sharing:", "cases:delete")) or "export" in name
]


def test_it_knows_which_views_are_for_the_owner_alone(case):
    makers = _makers()
    for name, kwargs in URLS:
        if name in OWNER_ONLY:
            assert _owner_only(_url(name, kwargs, case, makers)), name
    assert {"sharing:page", "sharing:activity", "cases:delete"} <= set(OWNER_ONLY)


@pytest.mark.parametrize(("name", "kwargs"), URLS, ids=[n for n, _ in URLS])
def test_it_lets_an_editor_look_but_keeps_owner_pages_from_them(client, case, editor, name, kwargs):
    url = _url(name, kwargs, case, _makers())
    client.force_login(editor)
    if _owner_only(url):
        assert client.get(url).status_code == 404, f"GET {url}"
        assert client.post(url, {}).status_code == 404, f"POST {url}"
    else:
        assert client.get(url).status_code != 404, f"GET {url}"


@pytest.mark.parametrize(("name", "kwargs"), URLS, ids=[n for n, _ in URLS])
def test_it_keeps_owner_pages_from_a_viewer(client, case, caregiver, name, kwargs):
    url = _url(name, kwargs, case, _makers())
    if not _owner_only(url):
        pytest.skip("not an owner-only page")
    client.force_login(caregiver)
    assert client.get(url).status_code == 404, f"GET {url}"
