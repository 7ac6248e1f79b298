import pytest
from django.test import Client
from django.urls import reverse

from secondopinion.accounts.models import AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"
NEW_PASSWORD = "Quiet-meadow-river-7"


def two_sessions(user) -> tuple[Client, Client]:
    here, elsewhere = Client(), Client()
    here.force_login(user)
    elsewhere.force_login(user)
    return here, elsewhere


def test_it_shows_the_account_page_with_recent_sign_ins(client, owner):
    client.post(reverse("accounts:login"), {"username": owner.email, "password": PASSWORD})
    page = client.get(reverse("accounts:account")).content.decode()
    assert owner.email in page
    assert "Two-factor sign-in: <strong>off</strong>" in page
    assert "signed in" in page and "127.0.0.1" in page


def test_it_signs_out_other_sessions_but_keeps_this_one(owner):
    here, elsewhere = two_sessions(owner)
    assert elsewhere.get(reverse("cases:list")).status_code == 200
    response = here.post(reverse("accounts:sessions_end_others"))
    assert response["Location"] == reverse("accounts:account")
    assert here.get(reverse("cases:list")).status_code == 200
    assert elsewhere.get(reverse("cases:list")).status_code == 302
    assert AuditEvent.objects.filter(action="sessions.others_ended", user=owner).exists()
    # Signing in again afterwards works as usual.
    assert elsewhere.post(
        reverse("accounts:login"), {"username": owner.email, "password": PASSWORD}
    )["Location"] == reverse("cases:list")


def test_it_needs_a_post_to_sign_out_other_sessions(owner):
    here, elsewhere = two_sessions(owner)
    assert here.get(reverse("accounts:sessions_end_others")).status_code == 405
    assert elsewhere.get(reverse("cases:list")).status_code == 200


def test_a_password_change_signs_out_other_sessions(owner):
    here, elsewhere = two_sessions(owner)
    here.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert here.get(reverse("cases:list")).status_code == 200
    assert elsewhere.get(reverse("cases:list")).status_code == 302


def test_a_password_change_needs_the_current_password(owner_client, owner):
    response = owner_client.post(
        reverse("accounts:password_change"),
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)


class TestEmailChange:
    def test_it_changes_the_email_with_the_password(self, owner_client, owner):
        response = owner_client.post(
            reverse("accounts:email_change"), {"email": "New@Example.org", "password": PASSWORD}
        )
        assert response["Location"] == reverse("accounts:account")
        owner.refresh_from_db()
        assert owner.email == "new@example.org"
        event = AuditEvent.objects.get(action="email.changed")
        assert "new@example.org" not in event.detail

    def test_it_refuses_without_the_right_password(self, owner_client, owner):
        response = owner_client.post(
            reverse("accounts:email_change"), {"email": "new@example.org", "password": "nope"}
        )
        assert "not right" in response.content.decode()
        owner.refresh_from_db()
        assert owner.email == "owner@example.org"

    def test_it_refuses_an_address_another_account_uses(self, owner_client, stranger):
        response = owner_client.post(
            reverse("accounts:email_change"), {"email": stranger.email, "password": PASSWORD}
        )
        assert "already uses" in response.content.decode()


def test_password_confirm_ignores_a_next_address_on_another_site(owner_client):
    response = owner_client.post(
        reverse("accounts:password_confirm"),
        {"password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("accounts:account")


def test_it_shows_wrong_password_tries_on_the_account_page(client, owner, stranger):
    client.post(reverse("accounts:login"), {"username": owner.email, "password": "wrong"})
    client.post(reverse("accounts:login"), {"username": "nobody@example.org", "password": "x"})
    tried, unknown = AuditEvent.objects.filter(action="signin.failure").order_by("id")
    assert tried.user is None and unknown.user is None
    assert tried.object_id == str(owner.public_id)
    assert unknown.object_id == ""
    client.force_login(owner)
    page = client.get(reverse("accounts:account")).content.decode()
    assert "someone typed a wrong password for this account" in page
    client.force_login(stranger)
    assert "wrong password" not in client.get(reverse("accounts:account")).content.decode()
