"""Account pages: sign up, sign in (with an optional second step), account settings, invite links."""

from __future__ import annotations

import functools
import secrets
import time
from urllib.parse import urlencode

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.http import HttpRequest
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils.encoding import force_bytes
from django.utils.http import (
    url_has_allowed_host_and_scheme,
    urlsafe_base64_decode,
    urlsafe_base64_encode,
)
from django.views.decorators.http import require_POST

from secondopinion.accounts import twofactor
from secondopinion.accounts.audit import audit_record
from secondopinion.accounts.forms import (
    CodeForm,
    ConfirmAppForm,
    CountedPasswordChangeForm,
    EmailChangeForm,
    PasswordConfirmForm,
    SigninForm,
    SignupForm,
)
from secondopinion.accounts.sharing import SharingError, invite_link_accept, invite_link_find
from secondopinion.accounts.trail import signins_for

PENDING_KEY = "signin_pending"
PENDING_SECONDS = 5 * 60  # time allowed between the password step and the code step
PENDING_TRIES = 5  # wrong codes before the password must be typed again
REAUTH_KEY = "password_confirmed_at"
REAUTH_SECONDS = 10 * 60  # how long a re-typed password allows sensitive changes
REAUTH_BUTTON_KEY = "password_confirm_for_button"


def _safe_next(request: HttpRequest, fallback: str = "cases:list") -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(fallback)


def _verify_signup() -> bool:
    return settings.HOSTED and settings.EMAIL_SENDS


def _signup_mail(request, form) -> None:
    """Hosted sign-up: a new address gets a link to confirm it; an address that already has an
    account gets a note saying so (to its owner only). The page shown is the same either way."""
    email = form.cleaned_data["email"]
    User = get_user_model()
    existing = User.objects.filter(email=email).first()
    context = {"site_name": settings.SITE_NAME, "email": email, "protocol": request.scheme}
    context["domain"] = request.get_host()
    if existing is not None and existing.is_active:
        template = "accounts/signup_exists_email.txt"
    else:
        user = existing or form.save(commit=False)
        if existing is None:
            user.is_active = False
            user.save()
        else:  # signed up before and lost the mail: the newest password counts
            user.set_password(form.cleaned_data["password1"])
            user.save(update_fields=["password"])
        context["uid"] = urlsafe_base64_encode(force_bytes(user.pk))
        context["token"] = default_token_generator.make_token(user)
        next_url = _safe_next(request, fallback="cases:list")
        context["next"] = (
            "?" + urlencode({"next": next_url}) if next_url != reverse("cases:list") else ""
        )
        template = "accounts/signup_verify_email.txt"
    send_mail(
        f"Your account at {settings.SITE_NAME}",
        render_to_string(template, context, request=request),
        None,
        [email],
    )


def signup(request):
    if request.user.is_authenticated:
        return redirect("cases:list")
    if settings.HOSTED and not settings.EMAIL_SENDS:
        # Without mail there is no way to sign up that does not tell whether an address already
        # has an account (checks.hosted_email_check reports this to the operator).
        return render(request, "accounts/signup_closed.html", status=503)
    verify = _verify_signup()
    form = SignupForm(request.POST or None, reveal_existing=not verify)
    if request.method == "POST" and verify:
        started = time.monotonic()
        if form.is_valid():
            _signup_mail(request, form)
            time.sleep(max(0.0, RESET_MIN_SECONDS - (time.monotonic() - started)))
            return render(
                request, "accounts/signup_sent.html", {"email": form.cleaned_data["email"]}
            )
    if request.method == "POST" and not verify and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        audit_record(action="account.created", request=request, user=user)
        messages.success(request, "Welcome. Your account is ready.")
        return redirect(_safe_next(request))
    return render(
        request, "accounts/signup.html", {"form": form, "next": request.GET.get("next", "")}
    )


def signup_verify(request, uidb64: str, token: str):
    """The link from the sign-up email: turns the account on and signs the person in."""
    User = get_user_model()
    try:
        user = User.objects.get(pk=urlsafe_base64_decode(uidb64).decode())
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        user = None
    if user is None or user.is_active or not default_token_generator.check_token(user, token):
        return render(request, "accounts/signup_link_problem.html", status=200)
    if request.method != "POST":
        # A page with a button, so that a mail scanner opening the link does not use it.
        return render(
            request,
            "accounts/signup_confirm.html",
            {"email": user.email, "next": request.GET.get("next", "")},
        )
    user.is_active = True
    user.save(update_fields=["is_active"])
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    audit_record(action="account.created", request=request, user=user)
    messages.success(request, "Welcome. Your email address is confirmed and your account is ready.")
    return redirect(_safe_next(request))


class SigninView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SigninForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if twofactor.two_factor_enabled(user):
            # The password was right; the session is not signed in until the code is right too.
            self.request.session[PENDING_KEY] = {
                "user": user.pk,
                "backend": user.backend,
                "at": time.time(),
                "tries": 0,
                "next": self.get_redirect_url(),
            }
            return redirect("accounts:login_code")
        response = super().form_valid(form)
        audit_record(action="signin.success", request=self.request, user=user)
        return response

    def form_invalid(self, form):
        # The actor is unknown; the account tried (if any) is named so its owner can see the try.
        email = (self.request.POST.get("username") or "").strip().lower()
        target = get_user_model().objects.filter(email=email).first() if email else None
        audit_record(action="signin.failure", request=self.request, obj=target)
        return super().form_invalid(form)


def signin_code(request):
    """The second sign-in step: a code from the app, or a recovery code (each works once)."""
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        messages.info(request, "Please sign in again with your email address and password.")
        return redirect("accounts:login")
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    if user is None:
        request.session.pop(PENDING_KEY, None)
        return redirect("accounts:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = twofactor.code_verify(user, form.cleaned_data["code"])
        if device is None:
            pending["tries"] += 1
            audit_record(action="signin.code_failure", request=request, user=user)
            if pending["tries"] >= PENDING_TRIES:
                request.session.pop(PENDING_KEY, None)
                messages.error(request, "Too many wrong codes. Please sign in again.")
                return redirect("accounts:login")
            request.session[PENDING_KEY] = pending
            if twofactor.code_paused(user):
                problem = (
                    "That code did not work, and after several wrong codes we pause checking "
                    "for a short while. Wait a minute, then type the newest code."
                )
            else:
                problem = (
                    "That code did not work. App codes change every 30 seconds: type the one "
                    "shown now. A recovery code works only once."
                )
            form.add_error("code", problem)
        else:
            request.session.pop(PENDING_KEY, None)
            login(request, user, backend=pending["backend"])
            django_otp.login(request, device)
            if device.name == twofactor.RECOVERY_DEVICE_NAME:
                audit_record(action="signin.recovery_code_used", request=request, user=user)
                left = twofactor.recovery_codes_left(user)
                messages.warning(
                    request,
                    f"You used a recovery code. You have {left} left. If you lost your phone, "
                    "set up two-factor sign-in again now.",
                )
                return redirect("accounts:twofactor")
            audit_record(action="signin.success", request=request, user=user)
            next_url = pending.get("next") or ""
            if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
                next_url = reverse("cases:list")
            return redirect(next_url or "cases:list")
    return render(request, "accounts/login_code.html", {"form": form})


@require_POST
def signout(request):
    if request.user.is_authenticated:
        audit_record(action="signout", request=request)
    logout(request)
    messages.info(request, "You are signed out.")
    return redirect("accounts:login")


# --- Account settings -------------------------------------------------------------------------


def password_recently_confirmed(request: HttpRequest) -> bool:
    confirmed_at = request.session.get(REAUTH_KEY)
    return confirmed_at is not None and time.time() - confirmed_at < REAUTH_SECONDS


def recent_password_required(view=None, *, button_page: str | None = None):
    """Ask for the password again (at most every 10 minutes) before a sensitive change.

    A page shown by GET is opened again after the password. A POST-only action names the page
    with its button (`button_page`): the person goes back there and presses the button again,
    since the confirm step cannot repeat a POST through a redirect (that GET would answer 405).
    """

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not password_recently_confirmed(request):
                back = reverse(button_page) if button_page else request.path
                request.session[REAUTH_BUTTON_KEY] = bool(button_page)
                return redirect(
                    f"{reverse('accounts:password_confirm')}?{urlencode({'next': back})}"
                )
            return view(request, *args, **kwargs)

        return login_required(wrapper)

    return decorate(view) if view is not None else decorate


@login_required
def password_confirm(request):
    form = PasswordConfirmForm(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        request.session[REAUTH_KEY] = time.time()
        if request.session.pop(REAUTH_BUTTON_KEY, False):
            messages.info(request, "Thank you. Now press the button again to go ahead.")
        return redirect(_safe_next(request, fallback="accounts:account"))
    return render(
        request,
        "accounts/password_confirm.html",
        {"form": form, "next": request.GET.get("next", "")},
    )


@login_required
def account(request):
    user = request.user
    return render(
        request,
        "accounts/account.html",
        {
            "two_factor": twofactor.two_factor_enabled(user),
            "codes_left": twofactor.recovery_codes_left(user),
            "signins": signins_for(user),
        },
    )


@login_required
def password_change(request):
    # The form asks for the current password, so no separate confirmation step is needed.
    form = CountedPasswordChangeForm(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        # Other sessions end by themselves: their stored hash no longer matches the new password.
        update_session_auth_hash(request, user)
        audit_record(action="password.changed", request=request)
        messages.success(request, "Your password is changed. Other sessions are signed out.")
        return redirect("accounts:account")
    return render(request, "accounts/password_change.html", {"form": form})


@login_required
def email_change(request):
    form = EmailChangeForm(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        request.user.email = form.cleaned_data["email"]
        request.user.save(update_fields=["email"])
        audit_record(action="email.changed", request=request)
        messages.success(request, "Your email address is changed. Use it to sign in from now on.")
        return redirect("accounts:account")
    return render(request, "accounts/email_change.html", {"form": form})


@require_POST
@login_required
def sessions_end_others(request):
    """Sign out everywhere else: a new session token changes the hash every other session holds."""
    user = request.user
    user.session_token = secrets.token_hex(32)
    user.save(update_fields=["session_token"])
    update_session_auth_hash(request, user)  # this session stays signed in
    audit_record(action="sessions.others_ended", request=request)
    messages.success(request, "Every other session is signed out. This one stays signed in.")
    return redirect("accounts:account")


def _verified_if_needed(request) -> bool:
    """With two-factor on, changing it also needs a session that passed the code step."""
    return not twofactor.two_factor_enabled(request.user) or request.user.is_verified()


@login_required
def twofactor_status(request):
    user = request.user
    return render(
        request,
        "accounts/twofactor.html",
        {
            "enabled": twofactor.two_factor_enabled(user),
            "codes_left": twofactor.recovery_codes_left(user),
        },
    )


@recent_password_required
def twofactor_setup(request):
    """Set up (or replace) the authenticator app: scan, type a code, get recovery codes once."""
    if not _verified_if_needed(request):
        messages.error(request, "Sign in again with your code before changing two-factor sign-in.")
        return redirect("accounts:twofactor")
    user = request.user
    form = ConfirmAppForm(request.POST or None)
    device = twofactor.totp_pending(user)
    if request.method == "POST" and device is not None and form.is_valid():
        confirmed = twofactor.totp_confirm(user=user, code=form.cleaned_data["code"])
        if confirmed is not None:
            confirmed, codes = confirmed
            # Other sessions never passed this code: sign them out; this one counts as verified.
            user.session_token = secrets.token_hex(32)
            user.save(update_fields=["session_token"])
            update_session_auth_hash(request, user)
            django_otp.login(request, confirmed)
            audit_record(action="twofactor.enabled", request=request)
            # Shown once, straight from this response: the codes are not kept in the session.
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "new": True})
        form.add_error(
            "code", "That code did not work. Check the time on your phone and type the newest code."
        )
    if device is None:
        # A reload keeps the same secret, so a code scanned a moment ago still works.
        device = twofactor.totp_device_start(user)
    url = twofactor.config_url(device)
    return render(
        request,
        "accounts/twofactor_setup.html",
        {
            "form": form,
            "qr": twofactor.qr_svg(url),
            "secret": twofactor.secret_text(device),
            "replacing": twofactor.two_factor_enabled(user),
        },
    )


@require_POST
@recent_password_required(button_page="accounts:twofactor")
def twofactor_disable(request):
    if not _verified_if_needed(request):
        messages.error(request, "Sign in again with your code before changing two-factor sign-in.")
        return redirect("accounts:twofactor")
    twofactor.two_factor_disable(request.user)
    audit_record(action="twofactor.disabled", request=request)
    messages.success(request, "Two-factor sign-in is off. Your password alone now signs you in.")
    return redirect("accounts:twofactor")


@require_POST
@recent_password_required(button_page="accounts:twofactor")
def twofactor_codes(request):
    user = request.user
    if not twofactor.two_factor_enabled(user) or not request.user.is_verified():
        messages.error(request, "Turn on two-factor sign-in first.")
        return redirect("accounts:twofactor")
    codes = twofactor.recovery_codes_new(user)
    audit_record(action="twofactor.codes_renewed", request=request)
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "new": False})


# --- Invite links -----------------------------------------------------------------------------


def invite_accept(request, token: str):
    """The caregiver's link. Signed out, it says who invited her and to whose case (no health
    details) and offers to make an account or sign in, then comes back here."""
    try:
        invite = invite_link_find(token)
    except SharingError as error:
        return render(request, "accounts/invite_problem.html", {"problem": str(error)}, status=410)
    if not request.user.is_authenticated:
        return render(
            request,
            "accounts/invite_welcome.html",
            {"invite": invite, "inviter": invite.case.owner, "next": request.path},
        )
    if request.method == "POST":
        try:
            membership = invite_link_accept(token=token, user=request.user, request=request)
        except SharingError as error:
            # 200, not 4xx: Django logs 4xx paths, and this token may still be unused.
            return render(request, "accounts/invite_problem.html", {"problem": str(error)})
        messages.success(
            request,
            f"{invite.case.owner} invited you. You joined the case. It is now in your list.",
        )
        return redirect("cases:detail", membership.case.public_id)
    return render(
        request,
        "accounts/invite_accept.html",
        {"invite": invite, "inviter": invite.case.owner, "token": token},
    )


# --- Password reset by email ------------------------------------------------------------------

RESET_MIN_SECONDS = 1.5  # hosted: every reset answer takes this long, mail sent or not


def _reset_context() -> dict:
    return {
        "email_sends": settings.EMAIL_SENDS,
        "reset_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
    }


class ResetRequestView(auth_views.PasswordResetView):
    """Django's token reset. The answer is the same page whether or not the address has an
    account; when hosted it also takes the same time, so neither reveals who has an account."""

    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **_reset_context()}

    def post(self, request, *args, **kwargs):
        if not settings.EMAIL_SENDS:
            return redirect("accounts:password_reset")
        started = time.monotonic()
        self.extra_email_context = {"site_name": settings.SITE_NAME, **_reset_context()}
        response = super().post(request, *args, **kwargs)
        if settings.HOSTED:
            time.sleep(max(0.0, RESET_MIN_SECONDS - (time.monotonic() - started)))
        return response


class ResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **_reset_context()}


class ResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        # The new password hash already ends other sessions; a new token ends them for sure.
        user = form.user
        user.session_token = secrets.token_hex(32)
        user.save(update_fields=["session_token"])
        audit_record(action="password.reset", request=self.request, user=user)
        return response


class ResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
