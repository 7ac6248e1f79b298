from django import forms
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm

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

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email=email).exists():
            raise forms.ValidationError("An account with this email address already exists.")
        return email


class SigninForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email address", widget=forms.EmailInput(attrs={"autofocus": True})
    )

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()
