"""Account safety follow-ups (#19): the confirm step after a POST-only button, password re-entry
counted like sign-in failures, recovery codes kept as hashes, and audit object types."""

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from secondopinion.accounts import twofactor
from secondopinion.accounts.audit import ACTION_WORDS, audit_record
from secondopinion.accounts.models import AuditEvent, RecoveryCode, RecoveryCodeDevice
from secondopinion.accounts.sharing import invite_link_create
from tests.accounts.test_twofactor import app_code, password_step, turn_on
from tests.factories import make_case, make_user

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"
NEW_PASSWORD = "Quiet-meadow-river-7"


@pytest.fixture
def no_throttle(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def signed_in_with_code(client: Client, user):
    device, codes = turn_on(user)
    password_step(client, user)
    client.post(reverse("accounts:login_code"), {"code": app_code(device)})
    return device, codes


class TestConfirmThenButton:
    @pytest.mark.parametrize("button", ["accounts:twofactor_codes", "accounts:twofactor_disable"])
    def test_the_confirm_step_returns_to_the_page_with_the_button(self, client, owner, button):
        signed_in_with_code(client, owner)
        asked = client.post(reverse(button))
        assert asked.status_code == 302
        assert reverse("accounts:password_confirm") in asked["Location"]
        form = client.get(asked["Location"])
        assert form.status_code == 200
        done = client.post(asked["Location"], {"password": PASSWORD, "next": form.context["next"]})
        # Back to the page with the button (a GET page), never a GET to the POST-only address.
        assert done["Location"] == reverse("accounts:twofactor")
        page = client.get(done["Location"])
        assert page.status_code == 200
        assert "press the button again" in page.content.decode()
        assert twofactor.two_factor_enabled(owner)  # nothing done without the second press
        again = client.post(reverse(button))
        assert again.status_code in (200, 302)
        if button == "accounts:twofactor_disable":
            assert not twofactor.two_factor_enabled(owner)
        else:
            assert "Your new recovery codes" in again.content.decode()

    def test_a_get_page_is_opened_again_after_the_password(self, owner_client):
        asked = owner_client.get(reverse("accounts:twofactor_setup"))
        done = owner_client.post(
            asked["Location"], {"password": PASSWORD, "next": reverse("accounts:twofactor_setup")}
        )
        assert done["Location"] == reverse("accounts:twofactor_setup")
        assert "press the button again" not in owner_client.get(done["Location"]).content.decode()


def confirm_post(client, password):
    return client.post(reverse("accounts:password_confirm"), {"password": password})


def email_post(client, password):
    return client.post(
        reverse("accounts:email_change"), {"email": "new@example.org", "password": password}
    )


def change_post(client, password):
    return client.post(
        reverse("accounts:password_change"),
        {"old_password": password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )


FORMS = {"confirm": confirm_post, "email": email_post, "password_change": change_post}


class TestPasswordReentryIsCounted:
    @pytest.mark.parametrize("form", FORMS)
    def test_wrong_passwords_lock_out_like_sign_in(self, settings, owner_client, owner, form):
        post = FORMS[form]
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            response = post(owner_client, "wrong-password")
            assert response.status_code == 200
            assert "That password is not right" in response.content.decode()
        locked = post(owner_client, "wrong-password")
        assert locked.status_code == 429
        assert "Too many sign-in tries" in locked.content.decode()
        # During the cool-off even the right password is refused, and nothing changes.
        still = post(owner_client, PASSWORD)
        assert still.status_code == 429
        owner.refresh_from_db()
        assert owner.email != "new@example.org"
        assert owner.check_password(PASSWORD)
        assert not owner_client.session.get("password_confirmed_at")
        # The same lock applies to signing in with this address from here.
        signin = Client().post(
            reverse("accounts:login"), {"username": owner.email, "password": PASSWORD}
        )
        assert signin.status_code == 429

    def test_sign_in_failures_and_reentry_failures_add_up(self, settings, owner_client, owner):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            Client().post(reverse("accounts:login"), {"username": owner.email, "password": "x"})
        assert confirm_post(owner_client, "wrong").status_code == 429

    def test_the_lock_is_per_address(self, settings, owner_client, owner):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            confirm_post(owner_client, "wrong")
        elsewhere = Client(REMOTE_ADDR="203.0.113.9")
        response = elsewhere.post(
            reverse("accounts:login"), {"username": owner.email, "password": PASSWORD}
        )
        assert response.status_code == 302

    @pytest.mark.parametrize("form", FORMS)
    def test_the_right_password_still_works(self, owner_client, owner, form):
        response = FORMS[form](owner_client, PASSWORD)
        assert response.status_code == 302


class TestRecoveryCodesHashed:
    def test_codes_are_kept_as_hashes_and_work_once(self, owner, no_throttle):
        _, codes = turn_on(owner)
        stored = set(RecoveryCode.objects.values_list("code_hash", flat=True))
        assert len(stored) == 10
        assert not stored & set(codes)
        assert all(len(h) == 64 for h in stored)
        assert not StaticToken.objects.exists()
        device = twofactor.code_verify(owner, codes[3].upper())
        assert isinstance(device, RecoveryCodeDevice)
        assert twofactor.code_verify(owner, codes[3]) is None
        assert twofactor.recovery_codes_left(owner) == 9

    def test_each_device_has_its_own_salt(self, owner, stranger):
        turn_on(owner)
        turn_on(stranger)
        salts = set(RecoveryCodeDevice.objects.values_list("salt", flat=True))
        assert len(salts) == 2

    def test_signing_in_with_a_recovery_code_marks_the_session_verified(
        self, client, owner, no_throttle
    ):
        _, codes = turn_on(owner)
        password_step(client, owner)
        response = client.post(reverse("accounts:login_code"), {"code": codes[0]})
        assert response["Location"] == reverse("accounts:twofactor")
        # The session counts as verified: it may make new codes after the password.
        confirm_post(client, PASSWORD)
        page = client.post(reverse("accounts:twofactor_codes")).content.decode()
        assert "Your new recovery codes" in page

    def test_the_migration_hashes_plain_codes_and_deletes_them(self, owner, no_throttle):
        module = __import__(
            "secondopinion.accounts.migrations.0005_recovery_codes_from_plain_text",
            fromlist=["plain_to_hashed"],
        )
        plain = StaticDevice.objects.create(user=owner, name="recovery", confirmed=True)
        codes = [StaticToken.random_token() for _ in range(3)]
        StaticToken.objects.bulk_create(StaticToken(device=plain, token=c) for c in codes)
        module.plain_to_hashed(apps, None)
        assert not StaticDevice.objects.exists() and not StaticToken.objects.exists()
        assert twofactor.recovery_codes_left(owner) == 3
        assert not RecoveryCode.objects.filter(code_hash__in=codes).exists()
        assert twofactor.code_verify(owner, codes[1]) is not None
        assert twofactor.code_verify(owner, codes[1]) is None


class TestAuditObjectType:
    def test_a_lazy_object_is_recorded_by_its_real_type(self, owner):
        event = audit_record(action="sharing.added", obj=SimpleLazyObject(lambda: owner))
        assert event.object_type == "User"
        assert event.object_id == str(owner.public_id)

    def test_using_an_invite_link_records_the_user_type(self, owner, stranger):
        case = make_case(owner)
        _, token = invite_link_create(case=case, role="viewer", created_by=owner)
        client = Client()
        client.force_login(stranger)
        client.post(reverse("accounts:invite_accept", args=[token]))
        event = AuditEvent.objects.get(action="sharing.link_used")
        assert event.object_type == "User"

    @pytest.mark.parametrize("action", sorted(ACTION_WORDS))
    def test_every_action_records_a_model_name(self, rf, action):
        user = make_user(email=f"{action}@example.org")
        case = make_case(user)
        request = rf.post("/")
        request.user = SimpleLazyObject(lambda: user)
        for obj in (case, SimpleLazyObject(lambda: case), request.user):
            event = audit_record(action=action, request=request, case=case, obj=obj)
            assert event.object_type in {m.__name__ for m in apps.get_models()}
            assert "Lazy" not in event.object_type
