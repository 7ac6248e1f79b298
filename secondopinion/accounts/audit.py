"""Write audit events. Callers pass ids and verbs only: never names, diagnoses or file contents."""

from __future__ import annotations

from django.http import HttpRequest

from secondopinion.accounts.models import AuditEvent


def client_ip(request: HttpRequest | None) -> str | None:
    # Behind a proxy, REMOTE_ADDR is set correctly by the WSGI server's proxy settings.
    return request.META.get("REMOTE_ADDR") if request is not None else None


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
    return AuditEvent.objects.create(
        action=action,
        user=user,
        case=case,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=str(getattr(obj, "public_id", "") or getattr(obj, "pk", "") or "")
        if obj is not None
        else "",
        ip_address=client_ip(request),
        detail=detail[:200],
    )
