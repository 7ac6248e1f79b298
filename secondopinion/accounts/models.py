"""People, who may see which case, and the audit trail."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_otp.models import Device, ThrottlingMixin, TimestampMixin

# PBKDF2 rounds for recovery codes: about 70 ms for one code on a small server. A code has 40 random
# bits, so guessing one from a stolen database takes months of GPU time per account.
RECOVERY_HASH_ITERATIONS = 100_000


def recovery_code_hash(code: str, salt: str, iterations: int) -> str:
    cleaned = code.strip().lower().encode()
    return hashlib.pbkdf2_hmac("sha256", cleaned, salt.encode(), iterations).hex()


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


# django-otp has no type information, so the plugin cannot see RecoveryCodeDevice as a model.
class User(AbstractBaseUser, PermissionsMixin):  # type: ignore[django-manager-missing]
    """An account. People sign in with their email address."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(unique=True)
    display_name = models.CharField(max_length=100, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    is_demo = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    # Mixed into the session hash: changing it signs out every other session of this account
    # (see `sessions_end_others`). Empty for accounts that never used "sign out of other sessions".
    session_token = models.CharField(max_length=64, blank=True, default="", editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"

    def __str__(self) -> str:
        return self.display_name or self.email

    def _get_session_auth_hash(self, secret=None):
        # Django checks this hash on every request and ends sessions whose stored copy differs.
        # It already changes with the password; the extra token lets a person end other sessions
        # without changing their password.
        key_salt = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"
        value = self.password + (f":{self.session_token}" if self.session_token else "")
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()


class Role(models.TextChoices):
    VIEWER = "viewer", "Can look"
    EDITOR = "editor", "Can look and change"


class CaseMembership(models.Model):
    """Someone other than the owner who may see (or also change) a case: a caregiver, a navigator."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="one_membership_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class CaseInvite(models.Model):
    """A one-time invite link. Only a hash of the token is kept; the link is shown once."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="invites")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"invite link ({self.get_role_display()})"

    @property
    def is_open(self) -> bool:
        return self.used_at is None and self.revoked_at is None and self.expires_at > timezone.now()


class AuditEvent(models.Model):
    """One line of the append-only trail: who did what, when, from where. No health details."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.SET_NULL)
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.CharField(max_length=200, blank=True)
    # Who, when there is no account: "system" (the background worker, a command) or "link"
    # (someone with a share link). Empty for a person's request.
    actor = models.CharField(max_length=10, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit events are never changed once written.")
        super().save(*args, **kwargs)


class RecoveryCodeDevice(TimestampMixin, ThrottlingMixin, Device):
    """One-time recovery codes kept only as hashes, on django-otp's device interface.

    django-otp's own static device stores its tokens in plain text, so anyone who can read the
    database would hold working second factors. Here each code is kept as PBKDF2-SHA256 with a
    salt of the device's own; a code is checked by hashing it once and looking the hash up, and
    the matching row is deleted, so each code works once. Wrong tries are throttled like
    django-otp's static device (OTP_STATIC_THROTTLE_FACTOR).
    """

    salt: models.CharField[str, str] = models.CharField(max_length=64)
    iterations: models.PositiveIntegerField[int, int] = models.PositiveIntegerField(
        default=RECOVERY_HASH_ITERATIONS
    )

    def get_throttle_factor(self):
        return getattr(settings, "OTP_STATIC_THROTTLE_FACTOR", 1)

    def code_hash(self, code: str) -> str:
        return recovery_code_hash(code, self.salt, self.iterations)

    def verify_token(self, token) -> bool:
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        deleted, _ = self.code_set.filter(code_hash=self.code_hash(str(token))).delete()
        if deleted:
            self.throttle_reset(commit=False)
            self.set_last_used_timestamp(commit=False)
            self.save()
            return True
        self.throttle_increment()
        return False


class RecoveryCode(models.Model):
    """One unused recovery code, as its hash only."""

    device = models.ForeignKey(
        RecoveryCodeDevice, related_name="code_set", on_delete=models.CASCADE
    )
    code_hash = models.CharField(max_length=64, db_index=True)

    def __str__(self) -> str:
        return "recovery code"
