"""Two-factor sign-in with django-otp: one authenticator app (TOTP) plus ten one-time recovery codes.

A TOTP device counts only once confirmed with a code from the app. Recovery codes live on a static
device named "recovery" (models.RecoveryCodeDevice, kept as hashes only); each works once. There
is no other way back in after losing the phone: no email reset, no support back door.
"""

from __future__ import annotations

import re
import secrets
from base64 import b32encode
from urllib.parse import quote, urlencode

from django.conf import settings
from django.db import transaction
from django.utils.safestring import SafeString, mark_safe
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from secondopinion.accounts.models import RecoveryCode, RecoveryCodeDevice

RECOVERY_CODE_COUNT = 10
RECOVERY_DEVICE_NAME = "recovery"
APP_DEVICE_NAME = "authenticator app"


def two_factor_enabled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user) -> int:
    return RecoveryCode.objects.filter(
        device__user=user, device__name=RECOVERY_DEVICE_NAME, device__confirmed=True
    ).count()


def totp_device_start(user) -> TOTPDevice:
    """A fresh unconfirmed device (any earlier unconfirmed one is dropped)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


def totp_pending(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()


def secret_text(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app by hand."""
    raw = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def config_url(device: TOTPDevice) -> str:
    issuer = settings.SITE_NAME.replace(":", "")
    label = quote(f"{issuer}:{device.user.email}")
    params = urlencode(
        {
            "secret": b32encode(device.bin_key).decode().rstrip("="),
            "issuer": issuer,
            "algorithm": "SHA1",
            "digits": device.digits,
            "period": device.step,
        },
        quote_via=quote,
    )
    return f"otpauth://totp/{label}?{params}"


def qr_svg(text: str, *, title_id: str = "qr-title") -> SafeString:
    """An inline SVG QR code (no script, no style attribute, so the page's CSP allows it)."""
    import qrcode  # noqa: PLC0415 - heavy, only for the setup QR code
    import qrcode.image.svg  # noqa: PLC0415 - heavy, only for the setup QR code

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathFillImage, border=4)
    svg = image.to_string(encoding="unicode")
    svg = re.sub(r'width="[^"]*" height="[^"]*"', 'width="220" height="220"', svg, count=1)
    svg = svg.replace("<svg ", f'<svg role="img" aria-labelledby="{title_id}" class="qr" ', 1)
    # The markup is made here from the QR library's path data only; no user text is copied in.
    return mark_safe(svg)  # noqa: S308


def _digits(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "")


def totp_confirm(*, user, code: str) -> tuple[TOTPDevice, list[str]] | None:
    """Confirm the pending app with a code: (device, new recovery codes), or None if wrong."""
    device = totp_pending(user)
    if device is None or not device.verify_token(_digits(code)):
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = recovery_codes_new(user)
    return device, codes


def recovery_codes_new(user) -> list[str]:
    """Replace every recovery code with ten new ones, returned once for showing; only hashes kept."""
    with transaction.atomic():
        RecoveryCodeDevice.objects.filter(user=user).delete()
        device = RecoveryCodeDevice.objects.create(
            user=user, name=RECOVERY_DEVICE_NAME, confirmed=True, salt=secrets.token_hex(16)
        )
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        RecoveryCode.objects.bulk_create(
            [RecoveryCode(device=device, code_hash=device.code_hash(c)) for c in codes]
        )
    return codes


def two_factor_disable(user) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    RecoveryCodeDevice.objects.filter(user=user).delete()


def code_verify(user, code: str):
    """The device that accepts this code (app code or recovery code), or None.

    Six digits go to the app; anything else is tried as a recovery code. Sending each kind only to
    its own device keeps one kind's wrong tries from slowing down the other kind.
    """
    cleaned = _digits(code).lower()
    if re.fullmatch(r"\d{6}", cleaned):
        for device in TOTPDevice.objects.filter(user=user, confirmed=True):
            if device.verify_token(cleaned):
                return device
        return None
    if not re.fullmatch(r"[a-z2-7]{8}", cleaned):
        return None
    for device in RecoveryCodeDevice.objects.filter(user=user, confirmed=True):
        with transaction.atomic():
            if device.verify_token(cleaned):
                return device
    return None


def code_paused(user) -> bool:
    """True while django-otp's throttling refuses codes after wrong tries (it ends by itself)."""
    devices = list(TOTPDevice.objects.filter(user=user, confirmed=True)) + list(
        RecoveryCodeDevice.objects.filter(user=user, confirmed=True)
    )
    return any(not device.verify_is_allowed()[0] for device in devices)
