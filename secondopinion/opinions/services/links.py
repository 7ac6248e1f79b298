"""Share links: made (the token is shown once, only its hash is kept), revoked, found by token,
and each reviewer visit logged on the link and in the case's audit trail."""

from __future__ import annotations

from django.utils import timezone

from secondopinion.accounts.audit import audit_record
from secondopinion.opinions import tokens
from secondopinion.opinions.models import LinkEvent, ShareLink


def link_create(
    *, case, service, user, days: int = tokens.DEFAULT_DAYS, passcode: str = ""
) -> tuple[ShareLink, str]:
    """A new link; returns the token once. Only its hash is stored."""
    token = tokens.token_new()
    link = ShareLink.objects.create(
        case=case,
        service=service,
        token_hash=tokens.token_hash(token),
        created_by=user,
        expires_at=tokens.expiry_default(timezone.now(), days),
        passcode_hash=tokens.passcode_hash(passcode) if passcode else "",
    )
    return link, token


def link_revoke(*, link: ShareLink) -> None:
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])


def link_find(token: str) -> ShareLink | None:
    """The link for a presented token, or None. Looked up by hash; the token never hits a query."""
    return (
        ShareLink.objects.select_related("case", "service")
        .filter(token_hash=tokens.token_hash(token))
        .first()
    )


# How each share-link event reads in the case's audit trail (accounts.audit.ACTION_WORDS).
_AUDIT_ACTIONS: dict[str, str] = {
    LinkEvent.Action.OPEN: "link.open",
    LinkEvent.Action.PACKET: "link.download",
    LinkEvent.Action.FILE: "link.download",
    LinkEvent.Action.REPORT: "link.report_uploaded",
    LinkEvent.Action.PASSCODE_FAILED: "link.passcode_failed",
    LinkEvent.Action.PASSCODE_PAUSED: "link.passcode_paused",
}


def link_event_record(*, link: ShareLink, request, action: str, detail: str = "") -> LinkEvent:
    """Log a reviewer's visit on the link (shown with the link) and in the case's audit trail.

    The trail gets only the verb and the link's id: file names stay on the link's own log.
    """
    audit_record(
        action=_AUDIT_ACTIONS[action], request=request, user=None, case=link.case, obj=link
    )
    return LinkEvent.objects.create(
        link=link, action=action, detail=detail[:200], address=request.META.get("REMOTE_ADDR")
    )
