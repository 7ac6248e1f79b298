"""Sharing a case with caregivers: invite by email, one-time invite links, change role, revoke.

Every write records an audit event. The person affected is named in the event by their public id
(object_type "User"), never by their email address, and nothing about the case's health content is
written down.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from secondopinion.accounts.audit import audit_record
from secondopinion.accounts.models import CaseInvite, CaseMembership, Role, User

INVITE_LINK_DAYS = 7


class SharingError(Exception):
    """A request that cannot be done; the message is plain words for the person who asked."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _check_role(role: str) -> str:
    if role not in Role.values:
        raise SharingError("Choose what they may do: look, or look and change.")
    return role


def membership_invite(
    *, case, email: str, role: str, request: HttpRequest | None = None
) -> CaseMembership:
    """Share `case` with the account that has this email address (created at once, no accepting)."""
    _check_role(role)
    email = (email or "").strip().lower()
    if email == case.owner.email.lower():
        raise SharingError("That is your own email address. You already own this case.")
    person = User.objects.filter(email=email, is_active=True).first()
    if person is None:
        raise SharingError(
            "There is no account with this email address yet. Ask them to create a free account "
            "first and then invite them again, or make an invite link below and send it to them."
        )
    if CaseMembership.objects.filter(case=case, user=person).exists():
        raise SharingError(
            "This person can already see this case. You can change what they may do below."
        )
    try:
        with transaction.atomic():
            membership = CaseMembership.objects.create(case=case, user=person, role=role)
    except IntegrityError:  # two clicks at once: the other one won
        raise SharingError("This person can already see this case.") from None
    audit_record(action="sharing.added", request=request, case=case, obj=person, detail=role)
    return membership


def membership_change(*, case, person: User, role: str, request: HttpRequest | None = None) -> None:
    _check_role(role)
    updated = CaseMembership.objects.filter(case=case, user=person).update(role=role)
    if not updated:
        raise SharingError("This person no longer has access to this case.")
    audit_record(action="sharing.role_changed", request=request, case=case, obj=person, detail=role)


def membership_revoke(*, case, person: User, request: HttpRequest | None = None) -> None:
    deleted, _ = CaseMembership.objects.filter(case=case, user=person).delete()
    if not deleted:
        raise SharingError("This person no longer has access to this case.")
    audit_record(action="sharing.removed", request=request, case=case, obj=person)


def invite_link_create(
    *, case, role: str, created_by: User, request: HttpRequest | None = None
) -> tuple[CaseInvite, str]:
    """A new single-use link token. The token itself is returned once and never stored."""
    _check_role(role)
    token = secrets.token_urlsafe(32)
    invite = CaseInvite.objects.create(
        case=case,
        role=role,
        token_hash=token_hash(token),
        created_by=created_by,
        expires_at=timezone.now() + datetime.timedelta(days=INVITE_LINK_DAYS),
    )
    audit_record(action="sharing.link_created", request=request, case=case, obj=invite, detail=role)
    return invite, token


def invite_email_send(
    *, case, email: str, role: str, request: HttpRequest, created_by: User
) -> CaseInvite:
    """Mail a one-time invite link to an address, whether or not it has an account (hosted): the
    person signs in, or makes an account on the way, and lands in the case. The answer to the
    owner is the same either way, so the form never tells who has an account here."""
    email = (email or "").strip().lower()
    if email == case.owner.email.lower():
        raise SharingError("That is your own email address. You already own this case.")
    invite, token = invite_link_create(case=case, role=role, created_by=created_by, request=request)
    link = request.build_absolute_uri(reverse("accounts:invite_accept", args=[token]))
    context = {
        "inviter": str(created_by),
        "site_name": settings.SITE_NAME,
        "link": link,
        "days": INVITE_LINK_DAYS,
        "role_words": "look at it" if role == "viewer" else "look at it and change things",
    }
    send_mail(
        f"{created_by} invited you to a case on {settings.SITE_NAME}",
        render_to_string("accounts/invite_email.txt", context),
        None,
        [email],
    )
    return invite


def invite_link_revoke(*, case, invite_id, request: HttpRequest | None = None) -> None:
    updated = CaseInvite.objects.filter(
        case=case, public_id=invite_id, used_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    if not updated:
        raise SharingError("This invite link was already used or canceled.")
    audit_record(
        action="sharing.link_revoked",
        request=request,
        case=case,
        obj=CaseInvite(public_id=invite_id),
    )


def invite_link_find(token: str) -> CaseInvite:
    """The invite for this token if it can still be used; otherwise SharingError in plain words."""
    invite = (
        CaseInvite.objects.select_related("case", "case__owner")
        .filter(token_hash=token_hash(token or ""))
        .first()
    )
    if invite is None:
        raise SharingError(
            "This invite link does not work. Check that you copied all of it, or ask the person "
            "who sent it for a new one."
        )
    if invite.revoked_at is not None:
        raise SharingError(
            "This invite link was canceled by the person who made it. Ask them for a new one."
        )
    if invite.used_at is not None:
        raise SharingError(
            "This invite link was already used. Each link works once. Ask for a new one."
        )
    if invite.expires_at <= timezone.now():
        raise SharingError(
            f"This invite link has expired. Links work for {INVITE_LINK_DAYS} days. "
            "Ask for a new one."
        )
    return invite


def invite_link_accept(
    *, token: str, user: User, request: HttpRequest | None = None
) -> CaseMembership:
    """Use the link: `user` joins the case with the link's role. Each link works once."""
    invite = invite_link_find(token)
    case = invite.case
    if case.owner_id == user.pk:
        raise SharingError("This is an invite to your own case. Send the link to someone else.")
    if CaseMembership.objects.filter(case=case, user=user).exists():
        raise SharingError("You can already see this case. The link was not used.")
    try:
        with transaction.atomic():
            # The conditional update makes the link single-use even if two people click at once.
            claimed = CaseInvite.objects.filter(pk=invite.pk, used_at__isnull=True).update(
                used_at=timezone.now(), used_by=user
            )
            if not claimed:
                raise SharingError("This invite link was already used. Each link works once.")
            membership = CaseMembership.objects.create(case=case, user=user, role=invite.role)
    except IntegrityError:  # the owner shared by email at the same moment; the link stays unused
        raise SharingError("You can already see this case. The link was not used.") from None
    audit_record(
        action="sharing.link_used",
        request=request,
        user=user,
        case=case,
        obj=user,
        detail=invite.role,
    )
    return membership
