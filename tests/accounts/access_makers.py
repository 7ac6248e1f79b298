"""How tests/test_access.py makes the objects behind the sharing URLs."""

from secondopinion.accounts.sharing import invite_link_create
from tests.factories import make_user, share_case


def _person_id(case):
    return share_case(case, make_user(), "viewer").user.public_id


def _invite_id(case):
    invite, _token = invite_link_create(case=case, role="viewer", created_by=case.owner)
    return invite.public_id


MAKERS = {"person_id": _person_id, "invite_id": _invite_id}
