"""`secondopinion reset-password EMAIL`: choose a new password at the keyboard.

For a personal copy, which sends no email, and for an operator helping someone. It asks twice,
without echo (never on the command line, where it would stay in the shell history), and signs
the account out everywhere.
"""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from secondopinion.accounts.audit import audit_record
from secondopinion.accounts.management.commands._prompt import new_password_prompt


class Command(BaseCommand):
    help = "Set a new password for an account; it asks for it twice, without showing it."

    def add_arguments(self, parser):
        parser.add_argument("email", help="The email address the account signs in with.")

    def handle(self, *args, email: str, **options):
        user = get_user_model().objects.filter(email=email.strip().lower()).first()
        if user is None:
            raise CommandError(f"There is no account with the email address {email.strip()}.")
        password = new_password_prompt(user, stderr=self.stderr)
        user.set_password(password)
        user.session_token = secrets.token_hex(32)  # every session signs in again
        user.save(update_fields=["password", "session_token"])
        audit_record(action="password.reset_at_keyboard", user=user)
        self.stdout.write(f"The password for {user.email} is changed. Every session is signed out.")
