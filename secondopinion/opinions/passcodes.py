"""Wrong passcodes on a share link, counted per address with a cool-off.

An address that types SHARE_PASSCODE_TRIES wrong passcodes within SHARE_PASSCODE_COOLOFF_MINUTES
waits until the oldest of those tries is that many minutes old; everyone else (the real reviewer,
on another address) is not affected. The count is read from the link's own log (LinkEvent rows
of wrong passcodes), so nothing else is stored; the owner's reset sets `passcodes_reset_at`, and
tries before it no longer count.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from secondopinion.opinions.models import LinkEvent, ShareLink


@dataclass(frozen=True)
class Pause:
    """An address that must wait, and until when."""

    address: str
    until: datetime.datetime


def _cooloff() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.SHARE_PASSCODE_COOLOFF_MINUTES)


def _recent(link: ShareLink, now: datetime.datetime):
    since = now - _cooloff()
    if link.passcodes_reset_at and link.passcodes_reset_at > since:
        since = link.passcodes_reset_at
    return LinkEvent.objects.filter(
        link=link, action=LinkEvent.Action.PASSCODE_FAILED, at__gt=since
    )


def passcode_paused_until(*, link: ShareLink, address: str | None, now=None):
    """When this address may try again, or None if it may try now."""
    now = now or timezone.now()
    tries = settings.SHARE_PASSCODE_TRIES
    times = list(
        _recent(link, now).filter(address=address).order_by("-at").values_list("at", flat=True)
    )
    if len(times) < tries:
        return None
    return times[tries - 1] + _cooloff()


def passcode_failure_count(*, link: ShareLink) -> None:
    ShareLink.objects.filter(pk=link.pk).update(failed_passcodes=F("failed_passcodes") + 1)


def passcode_pauses(*, link: ShareLink, now=None) -> list[Pause]:
    """The addresses paused right now on this link, for the owner's pages."""
    now = now or timezone.now()
    addresses = set(_recent(link, now).values_list("address", flat=True))
    pauses = []
    for address in sorted(a or "" for a in addresses):
        until = passcode_paused_until(link=link, address=address or None, now=now)
        if until is not None and until > now:
            pauses.append(Pause(address=address or "an unknown address", until=until))
    return pauses


def passcode_reset(*, link: ShareLink) -> None:
    """The owner lets every address try again."""
    link.failed_passcodes = 0
    link.passcodes_reset_at = timezone.now()
    link.save(update_fields=["failed_passcodes", "passcodes_reset_at"])
