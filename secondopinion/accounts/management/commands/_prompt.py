"""Ask for a new password at the keyboard: twice, without echo, checked by Django's validators."""

from __future__ import annotations

import getpass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

TRIES = 3


def new_password_prompt(user, *, stderr) -> str:
    for _ in range(TRIES):
        first = getpass.getpass("New password: ")
        second = getpass.getpass("The same password again: ")
        if first != second:
            stderr.write("The two passwords are not the same. Please try again.")
            continue
        try:
            validate_password(first, user)
        except ValidationError as error:
            stderr.write(" ".join(error.messages))
            continue
        return first
    raise CommandError("No password was set. Nothing changed.")
