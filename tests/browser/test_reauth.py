"""After the 10-minute password window has passed, the two POST-only two-factor buttons ask for the
password and then work (they ended on an HTTP 405 page before)."""

import pytest

from secondopinion.accounts import views
from tests.browser.conftest import PASSWORD
from tests.browser.test_caregiver import app_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_both_buttons_work_after_the_confirm_window_has_passed(
    page, new_user, axe_check, shot, settings, monkeypatch
):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    new_user(page, "window@example.org")
    page.goto("/accounts/two-factor/setup/")
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("The 6-digit code your app shows now").fill(app_code(secret))
    page.get_by_role("button", name="Check the code and turn on").click()
    page.get_by_role("heading", name="Two-factor sign-in is on").wait_for()

    for button, done in [
        ("Make new recovery codes", "Your new recovery codes"),
        ("Turn off two-factor sign-in", "Two-factor sign-in is off"),
    ]:
        page.goto("/accounts/two-factor/")
        monkeypatch.setattr(views, "REAUTH_SECONDS", 0)  # the window has passed
        page.get_by_role("button", name=button).click()
        page.get_by_role("heading", name="Confirm it is you").wait_for()
        monkeypatch.setattr(views, "REAUTH_SECONDS", 10 * 60)
        page.get_by_label("Your password").fill(PASSWORD)
        page.get_by_role("button", name="Continue").click()
        page.get_by_role("heading", name="Two-factor sign-in", exact=True).wait_for()
        assert page.get_by_text("press the button again").is_visible()
        axe_check(page)
        shot(page, f"reauth-{button.split()[0].lower()}-back-on-the-page")
        page.get_by_role("button", name=button).click()
        assert page.get_by_text(done).first.is_visible()
        assert "405" not in page.title()
