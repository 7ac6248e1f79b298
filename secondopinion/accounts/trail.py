"""The case's audit trail in plain words, one page at a time, with a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.paginator import Page, Paginator
from django.db.models import Q

from secondopinion.accounts.audit import action_words
from secondopinion.accounts.changes import change_words
from secondopinion.accounts.models import AuditEvent, CaseMembership, User

PAGE_SIZE = 50


@dataclass(frozen=True)
class TrailLine:
    who: str
    what: str
    at: datetime
    ip: str


def _name(user: User) -> str:
    return user.display_name or user.email


def _nobody(event: AuditEvent) -> str:
    if event.actor == "system":
        return "The app (in the background)"
    if event.actor == "link" or event.action.startswith("link."):
        return "Someone with a share link"
    return "Someone without an account"


def _who(event: AuditEvent, case, viewer, roles: dict[int, str]) -> str:
    user = event.user
    if user is None:
        return _nobody(event)
    if viewer is not None and user.pk == viewer.pk:
        return "You"
    if user.pk == case.owner_id:
        return f"{_name(user)} (owner)"
    if user.pk in roles:
        return f"{_name(user)} (caregiver)"
    return f"{_name(user)} (no longer shared)"


def trail_page(*, case, viewer, page_number: str | int | None) -> tuple[Page, list[TrailLine]]:
    """One page of `case`'s trail, newest first: 4 queries whatever the page size."""
    events = AuditEvent.objects.filter(case=case).select_related("user").order_by("-at", "-id")
    page = Paginator(events, PAGE_SIZE).get_page(page_number)
    rows = list(page.object_list)
    roles = dict(CaseMembership.objects.filter(case=case).values_list("user_id", "role"))
    # Sharing events name the person affected by public id: look them all up at once.
    target_ids = {e.object_id for e in rows if e.object_type == "User" and e.object_id}
    targets = (
        {
            str(public_id): name or email
            for public_id, name, email in User.objects.filter(public_id__in=target_ids).values_list(
                "public_id", "display_name", "email"
            )
        }
        if target_ids
        else {}
    )
    lines = [
        TrailLine(
            who=_who(event, case, viewer, roles),
            what=change_words(event.action, event.object_type, event.detail)
            if event.action.startswith("record.")
            else action_words(
                event.action,
                target=targets.get(event.object_id, "a person who has since left"),
                detail=event.detail,
            ),
            at=event.at,
            ip=event.ip_address or "an unknown address",
        )
        for event in rows
    ]
    return page, lines


def signins_for(user, limit: int = 10) -> list[AuditEvent]:
    """The account's own recent sign-in events, for the account page."""
    own = Q(
        user=user,
        action__in=[
            "signin.success",
            "signin.recovery_code_used",
            "signin.code_failure",
            "sessions.others_ended",
            "account.created",
        ],
    )
    tried = Q(action="signin.failure", object_type="User", object_id=str(user.public_id))
    return list(AuditEvent.objects.filter(own | tried).order_by("-at", "-id")[:limit])
