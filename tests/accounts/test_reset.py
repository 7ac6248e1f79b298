"""Password reset by email (Django's tokens, locmem outbox), no account enumeration, and the
keyboard commands reset-password and createstaff."""

import re
import time as real_time

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from secondopinion.accounts import views
from secondopinion.accounts.models import AuditEvent, CaseMembership
from tests.factories import make_case

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"
NEW_PASSWORD = "Quiet-meadow-river-7"


@pytest.fixture
def sending(settings):
    settings.EMAIL_SENDS = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def reset_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/password-reset/\S+/)", message.body).group(1)


class TestResetByEmail:
    def test_it_resets_the_password_end_to_end(self, sending, owner):
        elsewhere = Client()
        elsewhere.force_login(owner)
        client = Client()
        response = client.post(reverse("accounts:password_reset"), {"email": owner.email.upper()})
        assert response["Location"] == reverse("accounts:password_reset_done")
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == [owner.email]
        assert "Second Opinion Navigator" in message.subject
        link = reset_link(message)
        form = client.get(link, follow=True)
        assert "Choose a new password" in form.content.decode()
        done = client.post(
            form.redirect_chain[-1][0],
            {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
        assert done["Location"] == reverse("accounts:password_reset_complete")
        owner.refresh_from_db()
        assert owner.check_password(NEW_PASSWORD)
        assert AuditEvent.objects.filter(action="password.reset", user=owner).exists()
        # Other sessions end, and the link works only once.
        assert elsewhere.get(reverse("cases:list")).status_code == 302
        again = Client().get(link, follow=True).content.decode()
        assert "does not work any more" in again

    def test_an_unknown_address_gets_the_same_answer_and_no_mail(
        self, sending, settings, owner, monkeypatch
    ):
        settings.HOSTED = True
        # The answers' minimum time is the next test's; here it would only wait 1.5 s twice.
        monkeypatch.setattr(views.time, "sleep", lambda seconds: None)
        known = Client().post(reverse("accounts:password_reset"), {"email": owner.email})
        unknown = Client().post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
        assert known.status_code == unknown.status_code == 302
        assert known["Location"] == unknown["Location"]
        assert len(mail.outbox) == 1
        page_known = Client().get(known["Location"]).content.decode()
        page_unknown = Client().get(unknown["Location"]).content.decode()
        assert page_known == page_unknown

    def test_hosted_answers_take_the_same_time(self, sending, settings, owner, monkeypatch):

        settings.HOSTED = True
        slept = []
        monkeypatch.setattr(views.time, "sleep", lambda seconds: slept.append(seconds))
        started = real_time.monotonic()
        Client().post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
        took = real_time.monotonic() - started
        # The answer is held to the same minimum time as one that sends mail.
        assert slept and took + slept[0] >= views.RESET_MIN_SECONDS - 0.05

    def test_a_personal_copy_says_it_sends_no_email(self, settings, owner):
        settings.EMAIL_SENDS = False
        page = Client().get(reverse("accounts:password_reset")).content.decode()
        assert "does not send email" in page
        assert "secondopinion reset-password" in page
        Client().post(reverse("accounts:password_reset"), {"email": owner.email})
        assert mail.outbox == []

    def test_the_sign_in_page_links_to_the_reset(self, client):
        page = client.get(reverse("accounts:login")).content.decode()
        assert reverse("accounts:password_reset") in page


def answers(monkeypatch, *passwords, email=None):
    it = iter(passwords)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(it))
    if email is not None:
        monkeypatch.setattr("builtins.input", lambda prompt="": email)


class TestResetPasswordCommand:
    def test_it_sets_a_new_password_and_ends_sessions(self, monkeypatch, owner):
        session = Client()
        session.force_login(owner)
        answers(monkeypatch, NEW_PASSWORD, NEW_PASSWORD)
        call_command("reset-password", owner.email.upper())
        owner.refresh_from_db()
        assert owner.check_password(NEW_PASSWORD)
        assert session.get(reverse("cases:list")).status_code == 302
        assert AuditEvent.objects.filter(action="password.reset_at_keyboard").exists()

    def test_it_asks_again_when_the_two_differ_or_are_weak(self, monkeypatch, owner, capsys):
        answers(monkeypatch, NEW_PASSWORD, "other", "123", "123", NEW_PASSWORD, NEW_PASSWORD)
        call_command("reset-password", owner.email)
        owner.refresh_from_db()
        assert owner.check_password(NEW_PASSWORD)

    def test_it_gives_up_after_three_tries_and_changes_nothing(self, monkeypatch, owner):
        answers(monkeypatch, *["a", "b"] * 3)
        with pytest.raises(CommandError, match="Nothing changed"):
            call_command("reset-password", owner.email)
        owner.refresh_from_db()
        assert owner.check_password(PASSWORD)

    def test_it_names_an_unknown_address(self, monkeypatch):
        with pytest.raises(CommandError, match="no account"):
            call_command("reset-password", "nobody@example.org")


class TestCreateStaff:
    def test_it_creates_a_staff_account_from_prompts(self, monkeypatch):
        answers(monkeypatch, NEW_PASSWORD, NEW_PASSWORD, email="Operator@Example.org")
        call_command("createstaff")
        user = get_user_model().objects.get(email="operator@example.org")
        assert user.is_staff and not user.is_superuser
        assert user.check_password(NEW_PASSWORD)
        assert (
            Client()
            .post(reverse("accounts:login"), {"username": user.email, "password": NEW_PASSWORD})
            .status_code
            == 302
        )

    def test_it_refuses_a_bad_address(self, monkeypatch):
        answers(monkeypatch, email="not-an-address")
        with pytest.raises(CommandError, match="not an email address"):
            call_command("createstaff")
        assert not get_user_model().objects.filter(is_staff=True).exists()

    def test_it_makes_an_existing_account_staff(self, monkeypatch, owner):
        answers(monkeypatch, NEW_PASSWORD, NEW_PASSWORD)
        call_command("createstaff", "--email", owner.email)
        owner.refresh_from_db()
        assert owner.is_staff and owner.check_password(NEW_PASSWORD)


def signup_post(client, email, password=NEW_PASSWORD):
    return client.post(
        reverse("accounts:signup"),
        {"email": email, "display_name": "", "password1": password, "password2": password},
    )


@pytest.fixture
def hosted(sending, settings, monkeypatch):
    settings.HOSTED = True
    monkeypatch.setattr(views.time, "sleep", lambda seconds: None)


class TestHostedSignup:
    def test_a_new_address_confirms_by_email_then_signs_in(self, hosted):
        client = Client()
        sent = signup_post(client, "New@Example.org")
        assert "Check your email" in sent.content.decode()
        user = get_user_model().objects.get(email="new@example.org")
        assert not user.is_active
        assert len(mail.outbox) == 1
        link = re.search(r"https?://[^/\s]+(/accounts/signup/confirm/\S+/)", mail.outbox[0].body)
        page = client.get(link.group(1))
        assert "Turn on my account" in page.content.decode()
        user.refresh_from_db()
        assert not user.is_active  # opening the link alone (a mail scanner) does nothing
        done = client.post(link.group(1))
        assert done["Location"] == reverse("cases:list")
        user.refresh_from_db()
        assert user.is_active
        assert client.get(reverse("cases:list")).status_code == 200
        # The link works once.
        again = Client().post(link.group(1))
        assert "does not work" in again.content.decode()

    def test_an_existing_address_gets_the_same_page_and_a_note_to_its_owner(self, hosted, owner):
        known = signup_post(Client(), owner.email).content.decode()
        unknown = signup_post(Client(), "fresh@example.org").content.decode()
        assert known.replace(owner.email, "X") == unknown.replace("fresh@example.org", "X")
        assert "already exists" not in known
        owner.refresh_from_db()
        assert owner.check_password(PASSWORD)  # nothing about the account changed
        assert [m.to for m in mail.outbox] == [[owner.email], ["fresh@example.org"]]
        assert "you already have one" in mail.outbox[0].body

    def test_an_account_that_never_confirmed_cannot_sign_in(self, hosted):
        signup_post(Client(), "later@example.org")
        response = Client().post(
            reverse("accounts:login"), {"username": "later@example.org", "password": NEW_PASSWORD}
        )
        assert response.status_code == 200

    def test_a_personal_copy_signs_up_at_once(self, settings):
        settings.HOSTED = False
        response = signup_post(Client(), "me@example.org")
        assert response.status_code == 302
        assert get_user_model().objects.get(email="me@example.org").is_active
        assert mail.outbox == []


class TestHostedInviteByEmail:
    def test_the_answer_is_the_same_with_or_without_an_account(self, hosted, owner, stranger):
        case = make_case(owner)
        client = Client()
        client.force_login(owner)
        url = reverse("sharing:page", args=[case.public_id])
        pages = []
        for email in (stranger.email, "nobody@example.org"):
            response = client.post(
                url, {"invite-email": email, "invite-role": "viewer"}, follow=True
            )
            pages.append(response.content.decode().replace(email, "X"))
        assert "We emailed an invite link to X" in pages[0]
        # Same words either way (the open-links list grows by one between the two posts).
        assert pages[0].split("<main")[1][:400] == pages[1].split("<main")[1][:400]
        assert not CaseMembership.objects.filter(case=case).exists()  # nobody is added unasked
        assert [m.to for m in mail.outbox] == [[stranger.email], ["nobody@example.org"]]

    def test_a_person_without_an_account_signs_up_and_lands_in_the_case(self, hosted, owner):
        case = make_case(owner)
        inviter = Client()
        inviter.force_login(owner)
        inviter.post(
            reverse("sharing:page", args=[case.public_id]),
            {"invite-email": "carer@example.org", "invite-role": "viewer"},
        )
        invite_path = re.search(r"https?://[^/\s]+(/accounts/invite/\S+/)", mail.outbox[0].body)
        invite_path = invite_path.group(1)
        assert str(owner) in mail.outbox[0].body
        carer = Client()
        welcome = carer.get(
            invite_path
        ).content.decode()  # signed out: who invited, and how to join
        assert f"{owner} invited you" in welcome and reverse("accounts:signup") in welcome
        signup = carer.post(
            reverse("accounts:signup"),
            {
                "email": "carer@example.org",
                "display_name": "Cara",
                "password1": NEW_PASSWORD,
                "password2": NEW_PASSWORD,
                "next": invite_path,
            },
        )
        assert "Check your email" in signup.content.decode()
        verify = re.search(r"https?://[^/\s]+(/accounts/signup/confirm/\S+)", mail.outbox[1].body)
        confirm_page = carer.get(verify.group(1))
        assert invite_path in confirm_page.content.decode()
        landed = carer.post(verify.group(1), {"next": invite_path})
        assert landed["Location"] == invite_path
        joined = carer.post(invite_path, follow=True)
        assert f"{owner} invited you" in joined.content.decode()
        carer_user = get_user_model().objects.get(email="carer@example.org")
        assert CaseMembership.objects.filter(case=case, user=carer_user, role="viewer").exists()
