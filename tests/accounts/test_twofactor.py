import re
import time

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from secondopinion.accounts import twofactor
from secondopinion.accounts.models import AuditEvent, RecoveryCode, RecoveryCodeDevice

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"


def app_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code an authenticator app would show now (or a step later), from django-otp's TOTP."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def turn_on(user) -> tuple[TOTPDevice, list[str]]:
    device = twofactor.totp_device_start(user)
    result = twofactor.totp_confirm(user=user, code=app_code(device))
    assert result is not None
    device, codes = result
    # Allow the sign-in step to reuse the current code window in tests.
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    device.refresh_from_db()
    return device, codes


def password_step(client: Client, user):
    return client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})


@pytest.fixture
def no_throttle(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


class TestSetup:
    def test_it_asks_for_the_password_first(self, owner_client):
        response = owner_client.get(reverse("accounts:twofactor_setup"))
        assert response.status_code == 302
        assert reverse("accounts:password_confirm") in response["Location"]
        wrong = owner_client.post(
            response["Location"], {"password": "nope", "next": "/accounts/two-factor/setup/"}
        )
        assert "not right" in wrong.content.decode()
        right = owner_client.post(
            response["Location"], {"password": PASSWORD, "next": "/accounts/two-factor/setup/"}
        )
        assert right["Location"] == "/accounts/two-factor/setup/"

    def test_it_shows_a_qr_code_and_the_secret_then_confirms_with_a_code(
        self, owner_client, owner, no_throttle
    ):
        owner_client.post(reverse("accounts:password_confirm"), {"password": PASSWORD})
        page = owner_client.get(reverse("accounts:twofactor_setup")).content.decode()
        assert "<svg" in page and 'aria-labelledby="qr-title"' in page
        assert "style=" not in page.split("<svg", 1)[1].split("</svg>", 1)[0]
        device = TOTPDevice.objects.get(user=owner, confirmed=False)
        assert twofactor.secret_text(device) in page
        # Reloading keeps the same secret, so an app that already scanned it still works.
        owner_client.get(reverse("accounts:twofactor_setup"))
        assert TOTPDevice.objects.get(user=owner).pk == device.pk

        wrong = owner_client.post(reverse("accounts:twofactor_setup"), {"code": "000000"})
        assert "did not work" in wrong.content.decode()
        assert not twofactor.two_factor_enabled(owner)

        done = owner_client.post(reverse("accounts:twofactor_setup"), {"code": app_code(device)})
        codes = re.findall(r"<li><code>([a-z2-7]{8})</code>", done.content.decode())
        assert len(set(codes)) == 10
        stored = RecoveryCode.objects.filter(device__user=owner)
        assert stored.count() == 10
        # Only hashes are kept: no code appears in the database.
        assert not stored.filter(code_hash__in=codes).exists()
        assert twofactor.two_factor_enabled(owner)
        assert AuditEvent.objects.filter(action="twofactor.enabled", user=owner).exists()
        # The codes are not shown again.
        again = owner_client.get(reverse("accounts:twofactor")).content.decode()
        assert codes[0] not in again
        assert "10 unused recovery codes" in again

    def test_the_qr_code_carries_the_secret_and_the_app_name(self, owner):
        device = twofactor.totp_device_start(owner)
        url = twofactor.config_url(device)
        assert url.startswith("otpauth://totp/Second%20Opinion%20Navigator%3Aowner%40example.org?")
        assert twofactor.secret_text(device).replace(" ", "") in url


class TestSignIn:
    def test_it_asks_for_a_code_after_the_password(self, client, owner):
        device, _ = turn_on(owner)
        response = password_step(client, owner)
        assert response["Location"] == reverse("accounts:login_code")
        # Not signed in yet.
        assert client.get(reverse("cases:list")).status_code == 302
        done = client.post(reverse("accounts:login_code"), {"code": app_code(device)})
        assert done["Location"] == reverse("cases:list")
        assert client.get(reverse("cases:list")).status_code == 200
        assert AuditEvent.objects.filter(action="signin.success", user=owner).exists()

    def test_it_signs_in_without_a_code_when_two_factor_is_off(self, client, owner):
        assert password_step(client, owner)["Location"] == reverse("cases:list")

    def test_a_code_cannot_be_used_twice(self, client, owner, no_throttle):
        device, _ = turn_on(owner)
        code = app_code(device)
        password_step(client, owner)
        client.post(reverse("accounts:login_code"), {"code": code})
        client.post(reverse("accounts:logout"))
        password_step(client, owner)
        again = client.post(reverse("accounts:login_code"), {"code": code})
        assert again.status_code == 200
        assert "did not work" in again.content.decode()

    def test_a_recovery_code_works_once(self, client, owner, no_throttle):
        _, codes = turn_on(owner)
        password_step(client, owner)
        response = client.post(reverse("accounts:login_code"), {"code": codes[3].upper()})
        assert response["Location"] == reverse("accounts:twofactor")
        assert "9 left" in client.get(response["Location"]).content.decode()
        assert AuditEvent.objects.filter(action="signin.recovery_code_used").exists()
        client.post(reverse("accounts:logout"))
        password_step(client, owner)
        again = client.post(reverse("accounts:login_code"), {"code": codes[3]})
        assert "did not work" in again.content.decode()
        assert client.get(reverse("cases:list")).status_code == 302

    def test_too_many_wrong_codes_send_you_back_to_the_password(self, client, owner, no_throttle):
        turn_on(owner)
        password_step(client, owner)
        for _ in range(4):
            client.post(reverse("accounts:login_code"), {"code": "123456"})
        last = client.post(reverse("accounts:login_code"), {"code": "123456"})
        assert last["Location"] == reverse("accounts:login")
        assert client.get(reverse("accounts:login_code"))["Location"] == reverse("accounts:login")
        assert AuditEvent.objects.filter(action="signin.code_failure").count() == 5

    def test_the_code_step_expires(self, client, owner):
        device, _ = turn_on(owner)
        password_step(client, owner)
        session = client.session
        session["signin_pending"]["at"] = time.time() - 301
        session.save()
        response = client.post(reverse("accounts:login_code"), {"code": app_code(device)})
        assert response["Location"] == reverse("accounts:login")

    def test_the_code_page_needs_the_password_step(self, client):
        assert client.get(reverse("accounts:login_code"))["Location"] == reverse("accounts:login")


class TestAfterLosingThePhone:
    def test_a_recovery_code_lets_you_set_up_a_new_phone(self, client, owner, no_throttle):
        old, codes = turn_on(owner)
        password_step(client, owner)
        client.post(reverse("accounts:login_code"), {"code": codes[0]})
        client.post(reverse("accounts:password_confirm"), {"password": PASSWORD})
        page = client.get(reverse("accounts:twofactor_setup")).content.decode()
        assert "Set up a new phone" in page
        new = TOTPDevice.objects.get(user=owner, confirmed=False)
        response = client.post(reverse("accounts:twofactor_setup"), {"code": app_code(new)})
        assert response.status_code == 200
        assert list(TOTPDevice.objects.filter(user=owner)) == [new]
        assert not TOTPDevice.objects.filter(pk=old.pk).exists()
        # Fresh recovery codes replace the old ones.
        assert twofactor.code_verify(owner, codes[1]) is None

    def test_a_session_that_skipped_the_code_cannot_change_two_factor(self, client, owner):
        turn_on(owner)
        client.force_login(owner)  # as if signed in before two-factor was on
        client.post(reverse("accounts:password_confirm"), {"password": PASSWORD})
        client.post(reverse("accounts:twofactor_disable"))
        assert twofactor.two_factor_enabled(owner)
        response = client.get(reverse("accounts:twofactor_setup"))
        assert response["Location"] == reverse("accounts:twofactor")


class TestManage:
    def signed_in_with_code(self, client, owner):
        device, codes = turn_on(owner)
        password_step(client, owner)
        client.post(reverse("accounts:login_code"), {"code": app_code(device)})
        return device, codes

    def test_turning_off_needs_the_password(self, client, owner):
        self.signed_in_with_code(client, owner)
        response = client.post(reverse("accounts:twofactor_disable"))
        assert reverse("accounts:password_confirm") in response["Location"]
        assert twofactor.two_factor_enabled(owner)
        client.post(reverse("accounts:password_confirm"), {"password": PASSWORD})
        client.post(reverse("accounts:twofactor_disable"))
        assert not twofactor.two_factor_enabled(owner)
        assert not RecoveryCodeDevice.objects.filter(user=owner).exists()

    def test_new_recovery_codes_replace_the_old(self, client, owner, no_throttle):
        _, codes = self.signed_in_with_code(client, owner)
        client.post(reverse("accounts:password_confirm"), {"password": PASSWORD})
        page = client.post(reverse("accounts:twofactor_codes")).content.decode()
        assert "no longer work" in page
        new_codes = re.findall(r"<li><code>([a-z2-7]{8})</code>", page)
        assert len(set(new_codes)) == 10 and not set(new_codes) & set(codes)
        assert twofactor.code_verify(owner, codes[0]) is None
        assert twofactor.code_verify(owner, new_codes[0]) is not None
        assert RecoveryCode.objects.filter(device__user=owner).count() == 9

    def test_the_password_confirmation_runs_out(self, client, owner):
        self.signed_in_with_code(client, owner)
        client.post(reverse("accounts:password_confirm"), {"password": PASSWORD})
        session = client.session
        session["password_confirmed_at"] = time.time() - 601
        session.save()
        response = client.post(reverse("accounts:twofactor_codes"))
        assert reverse("accounts:password_confirm") in response["Location"]

    def test_turning_on_signs_out_other_sessions(self, owner, no_throttle):
        elsewhere = Client()
        elsewhere.force_login(owner)
        here = Client()
        here.force_login(owner)
        here.post(reverse("accounts:password_confirm"), {"password": PASSWORD})
        here.get(reverse("accounts:twofactor_setup"))
        device = TOTPDevice.objects.get(user=owner)
        here.post(reverse("accounts:twofactor_setup"), {"code": app_code(device)})
        assert here.get(reverse("cases:list")).status_code == 200
        assert elsewhere.get(reverse("cases:list")).status_code == 302


def test_it_says_when_checking_is_paused_after_wrong_codes(client, owner):
    turn_on(owner)
    password_step(client, owner)
    client.post(reverse("accounts:login_code"), {"code": "123456"})
    page = client.post(reverse("accounts:login_code"), {"code": "654321"}).content.decode()
    assert "Wait a minute" in page
