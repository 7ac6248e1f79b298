"""Sign people out after 30 idle minutes or 12 hours in all (both configurable); name who makes
each request for the audit trail of changes (accounts/changes.py)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from secondopinion.accounts import changes


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


def audit_actor(get_response: Callable[[HttpRequest], HttpResponse]):
    """Every row this request creates, changes or deletes is written to the trail as this
    person's (or this share-link visitor's), once the response is made."""

    def middleware(request: HttpRequest) -> HttpResponse:
        actor = changes.actor_set(changes.actor_for(request))
        buffer = changes.request_changes_start()
        try:
            return get_response(request)
        finally:
            try:
                changes.request_changes_write(buffer)
            finally:
                changes.actor_reset(actor)

    return middleware
