import time

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.urls import reverse

from secondopinion import settings as real
from secondopinion.accounts.hashers import Argon2OwaspHasher
from secondopinion.accounts.models import AuditEvent, User

PASSWORD = "Quiet-meadow-river-7"


@pytest.mark.django_db
class TestSignup:
    def test_it_creates_an_account_and_signs_in(self, client):
        response = client.post(
            reverse("accounts:signup"),
            {"email": "New@Example.org", "password1": PASSWORD, "password2": PASSWORD},
        )
        assert response.status_code == 302
        user = User.objects.get()
        assert user.email == "new@example.org"
        assert user.password.startswith("md5$") or user.password.startswith("argon2")
        assert client.get(reverse("cases:list")).status_code == 200

    def test_it_refuses_a_taken_email_with_a_message(self, client, owner):
        response = client.post(
            reverse("accounts:signup"),
            {"email": owner.email, "password1": PASSWORD, "password2": PASSWORD},
        )
        assert "already exists" in response.content.decode()
        assert User.objects.count() == 1

    def test_it_refuses_a_weak_password(self, client):
        response = client.post(
            reverse("accounts:signup"),
            {"email": "a@example.org", "password1": "12345678", "password2": "12345678"},
        )
        assert response.status_code == 200
        assert not User.objects.exists()


def test_production_hashes_passwords_with_argon2():
    assert real.PASSWORD_HASHERS[0].endswith("Argon2OwaspHasher")


def test_the_argon2_hasher_verifies_old_hashes_and_upgrades_them():

    ours = Argon2OwaspHasher()
    old = Argon2PasswordHasher().encode("secret words", ours.salt())
    assert ours.verify("secret words", old)
    assert ours.must_update(old)
    assert not ours.must_update(ours.encode("secret words", ours.salt()))


@pytest.mark.django_db
class TestSignin:
    def test_it_signs_in_and_records_it(self, client, owner):
        response = client.post(
            reverse("accounts:login"),
            {"username": owner.email, "password": "a-long-test-password"},
        )
        assert response.status_code == 302
        assert AuditEvent.objects.filter(action="signin.success", user=owner).exists()

    def test_it_records_a_failure_without_the_password(self, client, owner):
        client.post(reverse("accounts:login"), {"username": owner.email, "password": "wrong"})
        event = AuditEvent.objects.get(action="signin.failure")
        assert "wrong" not in event.detail

    def test_it_pauses_after_repeated_failures_but_only_for_that_address(self, client, owner):
        for _ in range(5):
            client.post(reverse("accounts:login"), {"username": owner.email, "password": "wrong"})
        locked = client.post(
            reverse("accounts:login"),
            {"username": owner.email, "password": "a-long-test-password"},
        )
        assert locked.status_code == 429
        assert "paused" in locked.content.decode()
        # The real owner, from another address, is not locked out by the attacker.
        elsewhere = client.post(
            reverse("accounts:login"),
            {"username": owner.email, "password": "a-long-test-password"},
            REMOTE_ADDR="10.9.8.7",
        )
        assert elsewhere.status_code == 302

    def test_it_signs_out_on_post_only(self, owner_client):
        assert owner_client.get(reverse("accounts:logout")).status_code == 405
        owner_client.post(reverse("accounts:logout"))
        assert owner_client.get(reverse("cases:list")).status_code == 302


@pytest.mark.django_db
class TestSessionLimits:
    def test_it_signs_out_after_the_idle_limit(self, owner_client, settings):
        owner_client.get(reverse("cases:list"))
        session = owner_client.session
        session["last_seen"] = time.time() - settings.SESSION_IDLE_MINUTES * 60 - 5
        session.save()
        response = owner_client.get(reverse("cases:list"))
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]

    def test_it_signs_out_after_the_absolute_limit_even_when_active(self, owner_client, settings):
        owner_client.get(reverse("cases:list"))
        session = owner_client.session
        session["signed_in_at"] = time.time() - settings.SESSION_ABSOLUTE_HOURS * 3600 - 5
        session.save()
        assert owner_client.get(reverse("cases:list")).status_code == 302

    def test_it_keeps_an_active_session(self, owner_client):
        owner_client.get(reverse("cases:list"))
        assert owner_client.get(reverse("cases:list")).status_code == 200


@pytest.mark.django_db
class TestPasswordChange:
    def test_it_changes_the_password_and_keeps_the_session(self, owner_client, owner):
        response = owner_client.post(
            reverse("accounts:password_change"),
            {
                "old_password": "a-long-test-password",
                "new_password1": PASSWORD,
                "new_password2": PASSWORD,
            },
        )
        assert response.status_code == 302
        owner.refresh_from_db()
        assert owner.check_password(PASSWORD)
        assert owner_client.get(reverse("cases:list")).status_code == 200
