"""The client's address behind the proxy: taken from the hop the trusted proxy added, only."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from secondopinion.core.middleware import forwarded_client


def _address(settings, proxies, remote, forwarded=None) -> str:
    settings.TRUSTED_PROXIES = proxies
    seen = {}

    def view(request):
        seen["addr"] = request.META["REMOTE_ADDR"]
        return HttpResponse()

    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    forwarded_client(view)(RequestFactory().get("/", **extra))
    return seen["addr"]


def test_it_takes_the_client_from_the_hop_the_trusted_proxy_added(settings):
    assert _address(settings, ["127.0.0.1"], "127.0.0.1", "6.6.6.6, 203.0.113.9") == "203.0.113.9"
    assert _address(settings, ["127.0.0.1"], "127.0.0.1") == "127.0.0.1"
    assert _address(settings, ["127.0.0.1"], "127.0.0.1", "not-an-address") == "127.0.0.1"


def test_it_ignores_the_header_from_anyone_else_or_without_a_proxy(settings):
    assert _address(settings, ["127.0.0.1"], "198.51.100.7", "203.0.113.9") == "198.51.100.7"
    assert _address(settings, [], "127.0.0.1", "203.0.113.9") == "127.0.0.1"


@pytest.mark.django_db
def test_it_rate_limits_share_links_per_client_not_per_proxy(client, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    settings.SHARE_LINK_REQUESTS = 2
    cache.clear()
    url = reverse("share:open", args=["x" * 43])
    for _ in range(3):
        client.get(url, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert cache.get("share-rate:203.0.113.9") == 3
    client.get(url, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert cache.get("share-rate:198.51.100.7") == 1
    cache.clear()
