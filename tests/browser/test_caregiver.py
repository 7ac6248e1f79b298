"""A patient shares a case with a caregiver and takes it back; a person turns on two-factor sign-in."""

import base64
import re
import time

import pytest
from django_otp.oath import TOTP

from tests.browser.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def app_code(secret_text: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for this setup key, using django-otp's own TOTP."""
    raw = secret_text.replace(" ", "")
    key = base64.b32decode(raw + "=" * (-len(raw) % 8))
    totp = TOTP(key)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def test_it_lets_an_owner_share_a_case_with_a_caregiver_and_take_it_back(
    new_context, live_server, page, new_user, create_case, axe_check, shot
):
    # The caregiver makes their own account first, in their own browser.
    carer_context = new_context(viewport={"width": 1200, "height": 900})
    carer = carer_context.new_page()
    new_user(carer, "carer@example.org")

    new_user(page, "patient@example.org")
    case_url = create_case(page)
    page.get_by_role("link", name="Who can see this case").click()
    page.get_by_role("heading", name="Who can see this case").wait_for()
    axe_check(page)
    shot(page, "caregiver-01-sharing-empty")

    # A typo in the address gets a clear message, and nothing is shared.
    page.get_by_label("Their email address").fill("carer@exmaple.org")
    page.get_by_role("button", name="Share the case").click()
    assert page.get_by_text("There is no account with this email address yet").is_visible()
    axe_check(page)
    shot(page, "caregiver-02-unknown-address")

    page.get_by_label("Their email address").fill("carer@example.org")
    page.get_by_role("group", name="What they may do").get_by_label(
        "Can look: sees everything"
    ).check()
    page.get_by_role("button", name="Share the case").click()
    assert page.get_by_text("can now see this case").is_visible()
    assert page.get_by_role("heading", name=re.compile("^Sam")).is_visible()
    axe_check(page)
    shot(page, "caregiver-03-shared")

    # The caregiver finds the case in their list and can read it, with no buttons to change it.
    carer.goto("/cases/")
    carer.get_by_role("link", name="Sam Rivera").click()
    carer.get_by_role("heading", name="Your second opinion, step by step").wait_for()
    assert "shared with you (viewer)" in carer.content()
    assert carer.get_by_role("link", name="Who can see this case").count() == 0
    assert carer.get_by_role("link", name="About the case").count() == 0
    axe_check(carer)
    shot(carer, "caregiver-04-caregiver-dashboard")
    carer.goto(case_url + "timeline/")
    assert carer.get_by_role("button", name="Save the timeline").count() == 0
    carer.goto(case_url + "goals/")
    assert carer.get_by_role("button", name="Save my goals").count() == 0
    assert carer.goto(case_url + "sharing/").status == 404

    # The owner sees what the caregiver did, then stops sharing.
    page.get_by_role("link", name="See who did what in this case").click()
    assert page.locator("#trail").get_by_text("shared the case with Sam (can look)").is_visible()
    axe_check(page)
    shot(page, "caregiver-05-activity")
    page.get_by_role("link", name="Who can see this case").last.click()
    page.get_by_role("button", name="Stop sharing with Sam").click()
    assert page.get_by_text("can no longer see this case").is_visible()
    assert page.get_by_text("Only you can see this case.").is_visible()

    response = carer.goto(case_url)
    assert response.status == 404
    assert "Sam Rivera" not in carer.content()
    assert carer.get_by_role("heading", name="We cannot show this page").is_visible()
    axe_check(carer)
    shot(carer, "caregiver-06-caregiver-not-found")
    carer.goto("/cases/")
    assert carer.get_by_role("link", name="Sam Rivera").count() == 0
    carer_context.close()


def test_it_invites_a_person_without_an_account_through_a_link(
    new_context, live_server, page, new_user, create_case, axe_check, shot
):
    new_user(page, "patient@example.org")
    create_case(page)
    page.get_by_role("link", name="Who can see this case").click()
    page.get_by_role("group", name="What the person who uses the link may do").get_by_label(
        "Can look and change"
    ).check()
    page.get_by_role("button", name="Make an invite link").click()
    link = page.get_by_label("The link to send").input_value()
    assert "/accounts/invite/" in link
    axe_check(page)
    shot(page, "caregiver-07-invite-link")
    # On a phone the page, long link included, never scrolls sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "caregiver-07b-invite-link-phone")

    helper_context = new_context(viewport={"width": 1200, "height": 900})
    helper = helper_context.new_page()
    helper.goto(link)
    # Signed out, the link says who invited her and to whose case, and how to get in.
    helper.get_by_role("heading", name="Sam invited you to help").wait_for()
    assert "the case for Sam Rivera" in helper.locator("#invite-who").inner_text()
    assert "Breast" not in helper.content()
    axe_check(helper)
    shot(helper, "caregiver-07c-invite-welcome")
    helper.get_by_role("link", name="Make an account").click()
    helper.get_by_label("Email address").fill("helper@example.org")
    helper.get_by_label("Password:", exact=True).fill(PASSWORD)
    helper.get_by_label("Password confirmation").fill(PASSWORD)
    helper.get_by_role("button", name="Create my account").click()
    helper.get_by_role("heading", name="You are invited to help with a case").wait_for()
    axe_check(helper)
    shot(helper, "caregiver-08-invite-accept")
    helper.get_by_role("button", name="Join the case").click()
    helper.get_by_role("heading", name="Your second opinion, step by step").wait_for()
    assert "shared with you (editor)" in helper.content()

    # The link works once.
    helper.goto(link)
    assert helper.get_by_text("already used").is_visible()
    axe_check(helper)
    helper_context.close()


def test_it_turns_on_two_factor_sign_in_and_asks_for_a_code(
    page, new_user, axe_check, shot, settings
):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # a person takes seconds between tries; the test does not
    email = new_user(page, "careful@example.org")
    page.get_by_role("link", name="Account").click()
    page.get_by_role("heading", name="Your account").wait_for()
    assert page.get_by_text("account created and signed in").is_visible()
    axe_check(page)
    shot(page, "twofactor-00-account")
    page.get_by_role("link", name="Turn on two-factor sign-in").click()
    axe_check(page)
    page.get_by_role("link", name="Turn on two-factor sign-in").click()

    # Sensitive change: the password first.
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Turn on two-factor sign-in").wait_for()
    assert page.get_by_role(
        "img", name="Square code (QR code) for your authenticator app"
    ).is_visible()
    axe_check(page)
    shot(page, "twofactor-01-setup")

    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("The 6-digit code your app shows now").fill(app_code(secret))
    page.get_by_role("button", name="Check the code and turn on").click()
    page.get_by_role("heading", name="Two-factor sign-in is on").wait_for()
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    axe_check(page)
    shot(page, "twofactor-02-recovery-codes")
    page.get_by_role("link", name="I saved them").click()

    page.get_by_role("button", name="Sign out", exact=True).click()
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Type your sign-in code").wait_for()
    axe_check(page)
    shot(page, "twofactor-03-code-step")

    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_text("That code did not work").is_visible()

    # The code used during setup cannot be replayed: the app's next code is what a person types.
    page.get_by_label("Code").fill(app_code(secret, steps_ahead=1))
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Start here").wait_for()
    shot(page, "twofactor-04-signed-in")
