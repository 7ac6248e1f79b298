"""Every page names an icon, and /favicon.ico (which browsers ask for anyway) answers."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_it_serves_a_small_icon_at_favicon_ico(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    body = b"".join(response.streaming_content)
    assert body[:4] == b"\x00\x00\x01\x00" and len(body) < 10_000  # an ICO, and small


@pytest.mark.django_db
def test_every_page_links_its_icon(client):
    page = client.get(reverse("about")).content.decode()
    assert 'rel="icon"' in page and "core/icon" in page
