"""Hosted without EMAIL_HOST: no form tells whether an address has an account, and the operator is
told, by `check --deploy` and by `setup`."""

from __future__ import annotations

import io

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.urls import reverse

from secondopinion.accounts.models import CaseMembership, User
from tests.factories import make_user

PASSWORD = "a long and unusual passphrase 7"


@pytest.fixture
def hosted_without_email(settings):
    settings.HOSTED = True
    settings.EMAIL_SENDS = False


def _sign_up(client, email: str):
    return client.post(
        reverse("accounts:signup"),
        {"email": email, "display_name": "", "password1": PASSWORD, "password2": PASSWORD},
    )


@pytest.mark.django_db
def test_it_closes_sign_up_with_the_same_answer_for_every_address(client, hosted_without_email):
    make_user("taken@example.org")
    taken, free = _sign_up(client, "taken@example.org"), _sign_up(client, "free@example.org")
    assert taken.status_code == free.status_code == 503
    assert taken.content == free.content
    assert b"cannot send email" in free.content and b"already exists" not in free.content
    assert not User.objects.filter(email="free@example.org").exists()
    assert client.get(reverse("accounts:signup")).status_code == 503


def _invite(client, case, email: str):
    return client.post(
        reverse("sharing:page", args=[case.public_id]),
        {"invite-email": email, "invite-role": "viewer"},
    )


@pytest.mark.django_db
def test_it_invites_by_link_only_with_the_same_answer_for_every_address(
    client, owner, case, hosted_without_email
):
    make_user("has-account@example.org")
    client.force_login(owner)
    page = client.get(reverse("sharing:page", args=[case.public_id]))
    assert b"invites by email are off" in page.content and b"invite-email" not in page.content
    known = _invite(client, case, "has-account@example.org")
    unknown = _invite(client, case, "nobody@example.org")
    assert known.status_code == unknown.status_code
    assert b"There is no account" not in unknown.content
    assert b"invites by email are off" in known.content and b"can now see" not in known.content
    assert not CaseMembership.objects.filter(case=case).exists()


def test_check_deploy_says_a_hosted_site_must_send_email(settings, hosted_without_email):
    errors = [
        m
        for m in run_checks(include_deployment_checks=True)
        if m.id.startswith("secondopinion.accounts")
    ]
    assert [e.id for e in errors] == ["secondopinion.accounts.E001"]
    assert errors[0].is_serious()
    settings.EMAIL_SENDS = True
    assert not [
        m
        for m in run_checks(include_deployment_checks=True)
        if m.id.startswith("secondopinion.accounts")
    ]
    settings.HOSTED, settings.EMAIL_SENDS = False, False  # a personal copy needs no mail
    assert not [
        m
        for m in run_checks(include_deployment_checks=True)
        if m.id.startswith("secondopinion.accounts")
    ]


@pytest.mark.django_db(transaction=True)
def test_setup_prints_the_error(hosted_without_email):
    err = io.StringIO()
    call_command("setup", stdout=io.StringIO(), stderr=err)
    assert "cannot send email (EMAIL_HOST is not set)" in err.getvalue()
