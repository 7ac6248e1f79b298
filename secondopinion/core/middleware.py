"""Headers every response carries.

Pages that hold health details must not be kept by the browser or a proxy, so any response to a
signed-in person (or a share-link visitor) is marked no-store. Behind the proxy, the client's
address is taken from the hop the proxy added (forwarded_client).
"""

from __future__ import annotations

import contextlib
import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from secondopinion.core.editguard import StaleEdit


def security_headers(get_response: Callable[[HttpRequest], HttpResponse]):
    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if not request.path.startswith(settings.STATIC_URL):
            response["Cache-Control"] = "no-store"
        return response

    return middleware


def forwarded_client(get_response: Callable[[HttpRequest], HttpResponse]):
    """Behind the TLS proxy every request arrives from the proxy's own address, so REMOTE_ADDR
    would be the same for everyone: one share-link rate limit and one sign-in lockout for all.
    When the request comes from a trusted proxy (settings.TRUSTED_PROXIES, empty unless
    BEHIND_PROXY), the client is the last X-Forwarded-For hop, the one that proxy added itself;
    earlier hops are typed by the client and never trusted.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        trusted = getattr(settings, "TRUSTED_PROXIES", [])
        peer = request.META.get("REMOTE_ADDR", "")
        if trusted and ("*" in trusted or peer in trusted):
            hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
            # Stored in IP address columns (audit trail, link log): only a real address.
            with contextlib.suppress(ValueError):
                request.META["REMOTE_ADDR"] = str(ipaddress.ip_address(hops[-1]))
        return get_response(request)

    return middleware


class StaleEditMiddleware:
    """A save that lost a race of milliseconds to another one (core/editguard.StaleEdit) gets a
    plain page, not an error: the browser's Back button brings the form back as it was typed."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, StaleEdit):
            return None
        return render(request, "core/stale_edit.html", status=409)
