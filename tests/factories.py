"""Small helpers that make test data with sensible defaults."""

from __future__ import annotations

import itertools

from secondopinion.accounts.models import CaseMembership, User
from secondopinion.cases.models import Case

_counter = itertools.count(1)


def make_user(email: str | None = None, password: str = "a-long-test-password", **extra) -> User:
    email = email or f"person{next(_counter)}@example.org"
    return User.objects.create_user(email, password, **extra)


def make_case(owner: User, **fields) -> Case:
    fields.setdefault("patient_name", "Pat Test")
    fields.setdefault("cancer_type", "breast")
    return Case.objects.create(owner=owner, **fields)


def share_case(case: Case, user: User, role: str = "viewer") -> CaseMembership:
    return CaseMembership.objects.create(case=case, user=user, role=role)
