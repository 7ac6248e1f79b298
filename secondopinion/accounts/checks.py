"""System checks for accounts: a hosted site must be able to send email.

Hosted, sign-up confirms the address by email and invites go out by email, so that no form tells
a stranger whether an address has an account. Without EMAIL_HOST neither can happen: sign-up is
closed and invites by email are off (views.signup, views_case.sharing_page). `check --deploy`
reports it as an error and `setup` prints it, so an operator finds out before patients do.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register

NO_EMAIL = Error(
    "This site is hosted (HOSTED) but cannot send email (EMAIL_HOST is not set): nobody can "
    "create an account, and invites by email are off.",
    hint="Set EMAIL_HOST (and EMAIL_HOST_USER, EMAIL_HOST_PASSWORD); see docs/settings.md.",
    id="secondopinion.accounts.E001",
)


def hosted_email_problems() -> list[Error]:
    return [NO_EMAIL] if settings.HOSTED and not settings.EMAIL_SENDS else []


@register(Tags.security, deploy=True)
def hosted_email_check(app_configs, **kwargs) -> list[Error]:
    return hosted_email_problems()
