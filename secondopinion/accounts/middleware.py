"""Sign people out after 30 idle minutes or 12 hours in all (both configurable)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


def session_limits(get_response: Callable[[HttpRequest], HttpResponse]):
    def middleware(request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            started = request.session.setdefault("signed_in_at", now)
            last_seen = request.session.get("last_seen", now)
            idle_limit = settings.SESSION_IDLE_MINUTES * 60
            absolute_limit = settings.SESSION_ABSOLUTE_HOURS * 3600
            if now - last_seen > idle_limit or now - started > absolute_limit:
                logout(request)
                messages.info(
                    request, "You were signed out to keep your records safe. Please sign in again."
                )
                return redirect(settings.LOGIN_URL)
            request.session["last_seen"] = now
        return get_response(request)

    return middleware
