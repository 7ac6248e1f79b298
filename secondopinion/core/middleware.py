"""Headers every response carries, the health probe and the client's address.

Pages that hold health details must not be kept by the browser or a proxy, so any response to a
signed-in person (or a share-link visitor) is marked no-store. Behind the proxy, the client's
address is taken from the hop the proxy added (forwarded_client). A load balancer's or monitor's
request for /health/ is answered first of all (health_probe), before the https redirect and the
host check, which would answer it 301 over plain http and 400 for the machine's IP address.
"""

from __future__ import annotations

import contextlib
import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from secondopinion.core.editguard import StaleEdit
from secondopinion.core.requestid import request_id_accept, request_id_set
from secondopinion.core.views import health_response

HEALTH_PATH = "/health/"


def probe_client(meta: dict) -> bool:
    """True when the request comes from this machine or a configured probe address
    (settings.HEALTH_PROBE_ADDRESSES: addresses or networks), not relayed for someone else.

    A request relayed by a proxy (it carries X-Forwarded-For and comes from a loopback, probe or
    trusted proxy address) is judged by the last hop, the client the proxy saw: through nginx on
    the same machine, a visitor from the internet is not a probe.
    """
    networks = _probe_networks()
    peer = _address(meta.get("REMOTE_ADDR", ""))
    if peer is None or not any(peer in net for net in networks):
        return False
    hops = [h.strip() for h in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    if not hops:
        return True
    client = _address(hops[-1])
    return client is not None and any(client in net for net in networks)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        return None


def _probe_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    wanted = ["127.0.0.0/8", "::1/128", *getattr(settings, "HEALTH_PROBE_ADDRESSES", [])]
    return [ipaddress.ip_network(item, strict=False) for item in wanted]


def health_probe(get_response: Callable[[HttpRequest], HttpResponse]):
    """First in MIDDLEWARE: answers GET /health/ (and ?deep=1) for probe clients at once, over
    http or https, whatever Host they send. Everyone else goes through the whole stack and gets
    the plain answer only."""

    def middleware(request: HttpRequest) -> HttpResponse:
        asked = request.path == HEALTH_PATH and request.method in ("GET", "HEAD")
        if asked and probe_client(request.META):
            return health_response(deep=request.GET.get("deep", "") not in ("", "0"))
        return get_response(request)

    return middleware


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
    plain page, not an error: what was saved meanwhile beside what this person typed, as the
    form shows after a refused check, and a button that saves theirs. The Back button is not
    enough: pages are no-store, so a browser may bring the form back empty."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, StaleEdit):
            return None
        return render(request, "core/stale_edit.html", {"form": exception.form}, status=409)


def request_id(get_response: Callable[[HttpRequest], HttpResponse]):
    """Every log line of a request (and of the jobs it enqueues) carries one id, sent back in
    the X-Request-ID header. The proxy's id is kept when it is sane (core.requestid)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        with request_id_set(request_id_accept(request.META.get("HTTP_X_REQUEST_ID"))) as rid:
            request.request_id = rid  # type: ignore[attr-defined]  # our own attribute
            response = get_response(request)
            response["X-Request-ID"] = rid
            return response

    return middleware
