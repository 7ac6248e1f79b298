from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm, PasswordChangeForm

from secondopinion.accounts.models import User


class SignupForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "display_name")
        labels = {"email": "Email address", "display_name": "Your name (optional)"}
        help_texts = {
            "email": "You sign in with this. We never send it to anyone.",
            "display_name": "How the app should greet you.",
        }

    def __init__(self, *args, reveal_existing: bool = True, **kwargs):
        # Hosted sign-up with email verification never says that an address has an account.
        self.reveal_existing = reveal_existing
        super().__init__(*args, **kwargs)

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if self.reveal_existing and User.objects.filter(email=email).exists():
            raise forms.ValidationError("An account with this email address already exists.")
        return email

    def validate_unique(self):
        if self.reveal_existing:
            super().validate_unique()


class SigninForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email address", widget=forms.EmailInput(attrs={"autofocus": True})
    )

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()


ROLE_CHOICES = [
    ("viewer", "Can look: sees everything in the case, changes nothing"),
    ("editor", "Can look and change: may also add and edit things, but not share or delete"),
]


class InviteForm(forms.Form):
    email = forms.EmailField(
        label="Their email address",
        help_text="They need an account here already. If they have none, make an invite link below.",
    )
    role = forms.ChoiceField(
        label="What they may do", choices=ROLE_CHOICES, widget=forms.RadioSelect, initial="viewer"
    )


class InviteLinkForm(forms.Form):
    role = forms.ChoiceField(
        label="What the person who uses the link may do",
        choices=ROLE_CHOICES,
        widget=forms.RadioSelect,
        initial="viewer",
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Access", choices=ROLE_CHOICES)


WRONG_PASSWORD_MESSAGE = "That password is not right. Please try again."  # noqa: S105


def password_check(request, user, password: str) -> bool:
    """Check a signed-in person's password through the sign-in machinery, so that django-axes
    counts a wrong one like a failed sign-in (per email address and client address) and, past the
    limit, answers with the same "too many tries" page and cool-off. A check during a lockout is
    refused even with the right password."""
    found = authenticate(request, username=user.email, password=password)
    return found is not None and found.pk == user.pk


class PasswordConfirmForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )

    def __init__(self, request, *args, **kwargs):
        self.request = request
        self.user = request.user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not password_check(self.request, self.user, password):
            raise forms.ValidationError(WRONG_PASSWORD_MESSAGE)
        return password


class EmailChangeForm(PasswordConfirmForm):
    email = forms.EmailField(label="New email address")
    field_order = ["email", "password"]

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if email == self.user.email:
            raise forms.ValidationError("This is already your email address.")
        if User.objects.filter(email=email).exists():
            raise forms.ValidationError("Another account already uses this email address.")
        return email


class CountedPasswordChangeForm(PasswordChangeForm):
    """Django's password change form, with the current password checked by password_check."""

    def __init__(self, request, *args, **kwargs):
        self.request = request
        super().__init__(request.user, *args, **kwargs)

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        if not password_check(self.request, self.user, old_password):
            raise forms.ValidationError(WRONG_PASSWORD_MESSAGE, code="password_incorrect")
        return old_password


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "autocapitalize": "off"}
        ),
    )


class ConfirmAppForm(forms.Form):
    code = forms.CharField(
        label="The 6-digit code your app shows now",
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )
