"""Write audit events. Callers pass ids and verbs only: never names, diagnoses or file contents."""

from __future__ import annotations

from django.http import HttpRequest

from secondopinion.accounts.changes import object_named
from secondopinion.accounts.models import AuditEvent


def client_ip(request: HttpRequest | None) -> str | None:
    # Behind a proxy, REMOTE_ADDR is set correctly by the WSGI server's proxy settings.
    return request.META.get("REMOTE_ADDR") if request is not None else None


def object_type_name(obj) -> str:
    """The model's class name. `obj.__class__` sees through Django's lazy wrappers
    (request.user is a SimpleLazyObject), where type(obj) would name the wrapper."""
    return obj.__class__.__name__ if obj is not None else ""


def audit_record(
    *,
    action: str,
    request: HttpRequest | None = None,
    user=None,
    case=None,
    obj=None,
    detail: str = "",
) -> AuditEvent:
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user
    object_type = object_type_name(obj)
    object_id = (
        str(getattr(obj, "public_id", "") or getattr(obj, "pk", "") or "")
        if obj is not None
        else ""
    )
    if object_id:
        object_named(object_type, object_id)  # its "created" / "deleted" line would repeat this
    return AuditEvent.objects.create(
        action=action,
        user=user,
        case=case,
        object_type=object_type,
        object_id=object_id,
        ip_address=client_ip(request),
        detail=detail[:200],
    )


# Plain words for each action, as the case owner reads them: "<who> <words> on <date> from <ip>".
# Apps add their verbs here when they add an audit_record call. Unknown actions are still shown.
ACTION_WORDS: dict[str, str] = {
    "case.created": "started this case",
    "case.deleted": "deleted the case",
    "case.exported": "exported the case",
    "service.created": "added a service",
    "service.updated": "changed a service",
    "document.uploaded": "added a document",
    "document.viewed": "looked at a document",
    "document.downloaded": "downloaded a document",
    "document.deleted": "deleted a document",
    "packet.build": "built a records packet",
    "packet.download": "downloaded a records packet",
    "job.retried": "started a stopped background task again",
    "link.create": "made a share link",
    "send.stop_overridden": "sent records to a service despite its stop sign",
    "link.revoke": "turned off a share link",
    "link.open": "opened a share link",
    "link.download": "downloaded files through a share link",
    "link.report_uploaded": "uploaded a written report through a share link",
    "link.passcode_failed": "typed a wrong passcode on a share link",
    "link.passcode_paused": "typed too many wrong passcodes on a share link: that address must "
    "wait before trying again",
    "link.passcode_reset": "let every address try the share link's passcode again",
    "opinion.create": "added a second opinion",
    "doctor.research_refreshed": "asked the app to look a doctor up again",
    "decision.save": "saved a decision",
    "sharing.added": "shared the case with {target} ({role})",
    "sharing.role_changed": "changed what {target} may do to: {role}",
    "sharing.removed": "stopped sharing the case with {target}",
    "sharing.link_created": "made an invite link ({role})",
    "sharing.link_revoked": "canceled an invite link",
    "sharing.link_used": "joined the case through an invite link ({role})",
    "signin.success": "signed in",
    "signin.failure": "failed to sign in",
    "signin.code_failure": "typed a wrong sign-in code",
    "signin.recovery_code_used": "signed in with a recovery code",
    "signout": "signed out",
    "sessions.others_ended": "signed out of all other sessions",
    "password.changed": "changed the password",
    "password.reset": "chose a new password through an emailed link",
    "password.reset_at_keyboard": "had the password reset at the computer running the app",
    "email.changed": "changed the email address",
    "twofactor.enabled": "turned on two-factor sign-in",
    "twofactor.disabled": "turned off two-factor sign-in",
    "twofactor.codes_renewed": "made new recovery codes",
    "account.created": "created the account",
    "account.made_staff": "was made a staff account at the computer running the app",
}
ROLE_WORDS = {"owner": "owner", "editor": "can look and change", "viewer": "can look"}


def action_words(action: str, *, target: str = "someone", detail: str = "") -> str:
    words = ACTION_WORDS.get(action)
    if words is None:
        words = action.replace(".", " ").replace("_", " ")
    return words.format(target=target, role=ROLE_WORDS.get(detail, detail or "access"))
