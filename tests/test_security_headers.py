import pytest
from django.urls import reverse

from secondopinion import settings as real


@pytest.mark.django_db
def test_it_sends_strict_headers_on_pages(owner_client, case):
    response = owner_client.get(reverse("cases:detail", args=[case.public_id]))
    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp


def test_production_cookies_are_secure_unless_debug():
    assert (not real.DEBUG) == real.SESSION_COOKIE_SECURE or real.SECURE_COOKIES is False
    assert real.CSRF_COOKIE_HTTPONLY and real.SESSION_COOKIE_HTTPONLY


@pytest.mark.django_db
def test_it_answers_the_health_check(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
