"""The one place that decides who may see or change a case.

Every view that touches a case, or anything inside one, fetches it through `case_for_user` (or the
`case_view` decorator). Anyone without access gets a 404, the same answer as for an id that does not
exist, so nothing leaks about other people's cases.

It lives in the cases app because it fetches cases: accounts (people and memberships) sits below
cases.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from secondopinion.accounts.models import CaseMembership, Role
from secondopinion.cases.models import Case

OWNER = "owner"


def cases_visible_to(user) -> QuerySet:
    if not user.is_authenticated:
        return Case.objects.none()
    return Case.objects.filter(Q(owner=user) | Q(memberships__user=user)).distinct()


def case_role(user, case) -> str | None:
    """owner, editor, viewer, or None."""
    if not user.is_authenticated:
        return None
    if case.owner_id == user.pk:
        return OWNER
    membership = CaseMembership.objects.filter(case=case, user=user).first()
    return membership.role if membership else None


def case_for_user(user, case_id: uuid.UUID | str, *, write: bool = False, owner: bool = False):
    """The case with this public id if `user` may see it (and change it, with write=True)."""
    try:
        case = Case.objects.get(public_id=case_id)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise Http404("No such case.") from None
    role = case_role(user, case)
    if role is None:
        raise Http404("No such case.")
    if owner and role != OWNER:
        raise Http404("No such case.")
    if write and role not in (OWNER, Role.EDITOR):
        raise Http404("No such case.")
    case.role = role  # type: ignore[attr-defined]  # the pages read the visitor's role here
    return case


def case_view(*, write: bool = False, owner: bool = False) -> Callable:
    """Decorate a view taking `case_id`: it receives the checked `case` instead.

    GET and HEAD need only read access; any other method needs `write` access when write=True,
    and a read-only view (write=False) still refuses changes from viewers on POST.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, case_id, *args, **kwargs) -> HttpResponse:
            needs_write = write or request.method not in ("GET", "HEAD", "OPTIONS")
            case = case_for_user(request.user, case_id, write=needs_write, owner=owner)
            return view(request, case, *args, **kwargs)

        # Read by tests/test_access.py to check every owner-only URL refuses editors and viewers.
        wrapper.case_access = OWNER if owner else ("write" if write else "read")  # type: ignore[attr-defined]
        return login_required(wrapper)

    return decorator


def can_edit(case) -> bool:
    return getattr(case, "role", None) in (OWNER, Role.EDITOR)
