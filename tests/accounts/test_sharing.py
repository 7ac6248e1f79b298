import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from secondopinion.accounts.models import AuditEvent, CaseInvite, CaseMembership
from secondopinion.accounts.sharing import (
    SharingError,
    invite_link_accept,
    invite_link_create,
    token_hash,
)
from tests.factories import make_case, make_user, share_case

pytestmark = pytest.mark.django_db


def sharing_url(case):
    return reverse("sharing:page", args=[case.public_id])


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


class TestInviteByEmail:
    def test_it_shares_with_an_existing_account(self, owner_client, case, stranger):
        response = owner_client.post(
            sharing_url(case), {"invite-email": " Stranger@Example.org ", "invite-role": "viewer"}
        )
        assert response.status_code == 302
        membership = CaseMembership.objects.get(case=case, user=stranger)
        assert membership.role == "viewer"
        event = AuditEvent.objects.get(action="sharing.added")
        assert event.object_id == str(stranger.public_id)
        assert event.detail == "viewer"
        assert (
            signed_in(stranger).get(reverse("cases:detail", args=[case.public_id])).status_code
            == 200
        )

    def test_it_explains_an_unknown_address_and_offers_a_link(self, owner_client, case):
        response = owner_client.post(
            sharing_url(case), {"invite-email": "nobody@example.org", "invite-role": "viewer"}
        )
        assert response.status_code == 400
        assert "no account with this email address" in response.content.decode()
        assert "invite link" in response.content.decode()
        assert not CaseMembership.objects.exists()

    def test_it_refuses_the_owners_own_address(self, owner_client, case, owner):
        response = owner_client.post(
            sharing_url(case), {"invite-email": owner.email, "invite-role": "editor"}
        )
        assert "your own email address" in response.content.decode()
        assert not CaseMembership.objects.exists()

    def test_it_says_when_the_person_already_has_access(self, owner_client, case, caregiver):
        response = owner_client.post(
            sharing_url(case), {"invite-email": caregiver.email, "invite-role": "editor"}
        )
        assert "already see this case" in response.content.decode()
        assert CaseMembership.objects.get(user=caregiver).role == "viewer"

    def test_it_refuses_an_unknown_role(self, owner_client, case, stranger):
        response = owner_client.post(
            sharing_url(case), {"invite-email": stranger.email, "invite-role": "owner"}
        )
        assert response.status_code == 400
        assert not CaseMembership.objects.exists()


class TestChangeAndRevoke:
    def test_it_changes_a_viewer_into_an_editor(self, owner_client, case, caregiver):
        url = reverse("sharing:person", args=[case.public_id, caregiver.public_id])
        owner_client.post(url, {f"{caregiver.public_id}-role": "editor"})
        assert CaseMembership.objects.get(user=caregiver).role == "editor"
        # The editor may now change the case.
        response = signed_in(caregiver).post(
            reverse("cases:goals", args=[case.public_id]), {"treatment_goals": "x"}
        )
        assert response.status_code != 404
        assert AuditEvent.objects.filter(action="sharing.role_changed", detail="editor").exists()

    def test_it_revokes_access_at_once(self, owner_client, case, caregiver):
        caregiver_client = signed_in(caregiver)
        assert (
            caregiver_client.get(reverse("cases:detail", args=[case.public_id])).status_code == 200
        )
        url = reverse("sharing:person", args=[case.public_id, caregiver.public_id])
        owner_client.post(url, {"remove": "1"})
        assert not CaseMembership.objects.exists()
        assert (
            caregiver_client.get(reverse("cases:detail", args=[case.public_id])).status_code == 404
        )
        assert case.patient_name not in caregiver_client.get(reverse("cases:list")).content.decode()
        assert AuditEvent.objects.filter(action="sharing.removed").exists()

    def test_it_lists_the_people_with_access(self, owner_client, case, caregiver, editor):
        page = owner_client.get(sharing_url(case)).content.decode()
        assert caregiver.email in page and editor.email in page

    def test_a_caregiver_sees_only_the_cases_shared_with_them(self, caregiver, stranger):
        other = make_case(stranger, patient_name="Not Yours")
        page = signed_in(caregiver).get(reverse("cases:list")).content.decode()
        assert "Olive Owner" in page
        assert "Not Yours" not in page
        assert (
            signed_in(caregiver).get(reverse("cases:detail", args=[other.public_id])).status_code
            == 404
        )

    def test_a_person_on_another_case_cannot_be_changed_through_this_one(
        self, owner_client, case, stranger
    ):
        other = make_case(stranger)
        helper = make_user()
        share_case(other, helper, "viewer")
        url = reverse("sharing:person", args=[case.public_id, helper.public_id])
        assert owner_client.post(url, {"remove": "1"}).status_code == 404
        assert CaseMembership.objects.filter(case=other, user=helper).exists()


class TestInviteLinks:
    def test_it_shows_the_link_once_and_keeps_only_a_hash(self, owner_client, case):
        response = owner_client.post(
            reverse("sharing:link_new", args=[case.public_id]), {"link-role": "editor"}
        )
        page = response.content.decode()
        assert "/accounts/invite/" in page
        token = page.split("/accounts/invite/")[1].split("/")[0]
        invite = CaseInvite.objects.get()
        assert invite.token_hash == token_hash(token)
        assert token not in invite.token_hash
        assert invite.role == "editor"
        assert invite.expires_at - timezone.now() > datetime.timedelta(days=6, hours=23)
        # The page shown afterwards does not carry the link again.
        assert (
            token
            not in owner_client.get(reverse("sharing:page", args=[case.public_id])).content.decode()
        )

    def test_it_lets_a_new_person_join_once(self, case, owner, stranger):
        _, token = invite_link_create(case=case, role="viewer", created_by=owner)
        client = signed_in(stranger)
        url = reverse("accounts:invite_accept", args=[token])
        page = client.get(url).content.decode()
        assert "Olive Owner invited you" in page
        response = client.post(url)
        assert response["Location"] == reverse("cases:detail", args=[case.public_id])
        assert CaseMembership.objects.get(user=stranger).role == "viewer"
        assert AuditEvent.objects.filter(action="sharing.link_used", user=stranger).exists()

        someone_else = signed_in(make_user())
        again = someone_else.get(url)
        assert again.status_code == 410
        assert "already used" in again.content.decode()
        assert someone_else.post(url).status_code == 410

    def test_it_refuses_an_expired_link(self, case, owner, stranger):
        invite, token = invite_link_create(case=case, role="viewer", created_by=owner)
        CaseInvite.objects.filter(pk=invite.pk).update(expires_at=timezone.now())
        response = signed_in(stranger).post(reverse("accounts:invite_accept", args=[token]))
        assert response.status_code == 410
        assert "expired" in response.content.decode()
        assert not CaseMembership.objects.exists()

    def test_it_refuses_a_cancelled_link(self, owner_client, case, owner, stranger):
        invite, token = invite_link_create(case=case, role="viewer", created_by=owner)
        owner_client.post(reverse("sharing:link_cancel", args=[case.public_id, invite.public_id]))
        response = signed_in(stranger).get(reverse("accounts:invite_accept", args=[token]))
        assert "canceled" in response.content.decode()

    def test_it_refuses_a_made_up_token_without_naming_any_case(self, stranger, case):
        response = signed_in(stranger).get(reverse("accounts:invite_accept", args=["made-up"]))
        assert response.status_code == 410
        assert "does not work" in response.content.decode()
        assert case.patient_name not in response.content.decode()

    def test_it_tells_the_owner_the_link_is_for_someone_else(self, case, owner):
        _, token = invite_link_create(case=case, role="viewer", created_by=owner)
        with pytest.raises(SharingError, match="your own case"):
            invite_link_accept(token=token, user=owner)
        assert CaseInvite.objects.get().used_at is None

    def test_it_keeps_the_link_when_the_person_already_has_access(self, case, owner, caregiver):
        _, token = invite_link_create(case=case, role="editor", created_by=owner)
        with pytest.raises(SharingError, match="already see"):
            invite_link_accept(token=token, user=caregiver)
        assert CaseInvite.objects.get().used_at is None

    def test_it_sends_a_visitor_without_an_account_through_sign_up_and_back(
        self, client, case, owner
    ):
        _, token = invite_link_create(case=case, role="viewer", created_by=owner)
        url = reverse("accounts:invite_accept", args=[token])
        response = client.get(url)
        assert response.status_code == 200
        welcome = response.content.decode()
        # Who invited her and to which case, with no health details, and the way in and back.
        assert "Olive Owner invited you to help" in welcome
        assert "the case for <strong>Olive Owner</strong>" in welcome
        assert case.get_cancer_type_display().lower() not in welcome.lower()
        assert f"{reverse('accounts:signup')}?next=" in welcome
        assert f"{reverse('accounts:login')}?next=" in welcome
        assert client.post(url).status_code == 200  # signed out: nothing is joined
        assert not CaseMembership.objects.exists()
        password = "Quiet-meadow-river-7"
        signup = client.post(
            reverse("accounts:signup") + f"?next={url}",
            {
                "email": "helper@example.org",
                "password1": password,
                "password2": password,
                "next": url,
            },
        )
        assert signup["Location"] == url
        client.post(url)
        assert CaseMembership.objects.get(case=case).user.email == "helper@example.org"

    def test_it_ignores_a_next_address_on_another_site(self, client):
        password = "Quiet-meadow-river-7"
        signup = client.post(
            reverse("accounts:signup"),
            {
                "email": "helper@example.org",
                "password1": password,
                "password2": password,
                "next": "https://evil.example/",
            },
        )
        assert signup["Location"] == reverse("cases:list")

    def test_only_the_owner_lists_open_links(self, owner_client, case, owner):
        invite_link_create(case=case, role="viewer", created_by=owner)
        used, token = invite_link_create(case=case, role="viewer", created_by=owner)
        invite_link_accept(token=token, user=make_user())
        page = owner_client.get(sharing_url(case)).content.decode()
        assert page.count("Cancel<span") == 1


class TestWhatEachRoleSees:
    def test_a_viewer_gets_no_links_to_pages_that_would_refuse_them(self, case, caregiver):
        page = signed_in(caregiver).get(reverse("cases:detail", args=[case.public_id]))
        html = page.content.decode()
        assert reverse("cases:edit", args=[case.public_id]) not in html
        assert reverse("sharing:page", args=[case.public_id]) not in html
        assert "shared with you (viewer)" in html

    def test_an_editor_may_edit_but_not_share(self, case, editor):
        html = (
            signed_in(editor).get(reverse("cases:detail", args=[case.public_id])).content.decode()
        )
        assert reverse("cases:edit", args=[case.public_id]) in html
        assert reverse("sharing:page", args=[case.public_id]) not in html

    def test_the_owner_sees_the_sharing_link(self, owner_client, case):
        html = owner_client.get(reverse("cases:detail", args=[case.public_id])).content.decode()
        assert reverse("sharing:page", args=[case.public_id]) in html

    def test_a_refused_page_explains_itself_in_plain_words(self, case, stranger):
        response = signed_in(stranger).get(reverse("cases:detail", args=[case.public_id]))
        assert response.status_code == 404
        assert "your account cannot see it" in response.content.decode()
        assert case.patient_name not in response.content.decode()
