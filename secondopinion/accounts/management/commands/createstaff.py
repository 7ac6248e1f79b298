"""`secondopinion createstaff`: make an operator (staff) account, asking for everything.

The password is asked twice without echo; it is never taken on the command line. An existing
account with that address is made staff after its password is set again.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from secondopinion.accounts.audit import audit_record
from secondopinion.accounts.management.commands._prompt import new_password_prompt


class Command(BaseCommand):
    help = "Create a staff account for the person who runs this installation."

    def add_arguments(self, parser):
        parser.add_argument("--email", help="Their email address (asked for when left out).")
        parser.add_argument("--name", default="", help="Their name, as the app greets them.")

    def handle(self, *args, email: str | None, name: str, **options):
        email = (email or input("Email address: ")).strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"{email!r} is not an email address.") from None
        User = get_user_model()
        user = User.objects.filter(email=email).first()
        existing = user is not None
        if user is None:
            user = User(email=email, display_name=name)
        password = new_password_prompt(user, stderr=self.stderr)
        user.set_password(password)
        user.is_staff = True
        user.save()
        audit_record(action="account.made_staff", user=user)
        if existing:
            self.stdout.write(f"{email} is now a staff account, with the new password.")
        else:
            self.stdout.write(f"Staff account {email} created. Sign in with it now.")
