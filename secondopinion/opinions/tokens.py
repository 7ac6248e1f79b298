"""Share-link tokens and passcodes for the reviewing doctor.

Pure core: no Django. The link is the reviewer's only credential, so:
- a token carries 256 bits from `secrets` (the issue asks for at least 128);
- only its SHA-256 is stored: someone who reads the database cannot open a link. A plain hash
  (not a slow one) is right here because the token is long and random; it cannot be guessed;
- lookups go by the hash and the final comparison is constant-time;
- a passcode, which is short and chosen by a person, is stretched with scrypt and a salt;
- every way a link can fail (unknown, tampered, expired, revoked, wrong passcode) collapses into
  one outcome, so the page shown cannot tell an attacker which one it was.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

TOKEN_BYTES = 32
DEFAULT_DAYS = 14
MAX_DAYS = 90
# token_urlsafe(32) gives 43 characters from the URL-safe base64 alphabet.
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def token_new() -> str:
    """A fresh link token (256 random bits, URL-safe). Show it once; store only token_hash()."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """The stored form of a token: hex SHA-256. Malformed input still hashes, so callers
    take the same path (and time) for garbage as for a real token."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def token_well_formed(token: str) -> bool:
    return bool(_TOKEN_SHAPE.fullmatch(token))


def token_matches(token: str, stored_hash: str) -> bool:
    """Constant-time check of a presented token against a stored hash."""
    return hmac.compare_digest(token_hash(token), stored_hash)


def expiry_default(now: datetime, days: int = DEFAULT_DAYS) -> datetime:
    """When a new link stops working. Capped so nobody makes a link that lives for years."""
    days = max(1, min(int(days), MAX_DAYS))
    return now + timedelta(days=days)


def passcode_hash(passcode: str, *, salt: bytes | None = None) -> str:
    """Salted scrypt of a passcode, as one string: scrypt$n$r$p$salt$hash (base64)."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(passcode.encode(), salt=salt, dklen=32, **_SCRYPT)
    b64 = base64.b64encode
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${b64(salt).decode()}${b64(digest).decode()}"


def passcode_check(passcode: str, stored: str) -> bool:
    """Constant-time check of a passcode against passcode_hash() output. False on any bad input."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            passcode.encode(),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


@dataclass(frozen=True)
class LinkState:
    """What the caller knows about a stored link (None when no link has that hash)."""

    token_hash: str
    expires_at: datetime
    revoked_at: datetime | None = None
    passcode_hash: str = ""


OPEN = "open"
NEEDS_PASSCODE = "needs_passcode"
REFUSED = "refused"


def link_check(
    *, token: str, link: LinkState | None, now: datetime, passcode: str | None = None
) -> str:
    """Decide what a visitor with `token` may do: OPEN, NEEDS_PASSCODE or REFUSED.

    REFUSED covers unknown, tampered, expired and revoked links and a wrong passcode alike.
    NEEDS_PASSCODE is only returned for a live link when no passcode was given yet: it tells the
    visitor nothing they did not already prove by holding a valid token.
    """
    if link is None or not token_well_formed(token) or not token_matches(token, link.token_hash):
        return REFUSED
    if link.revoked_at is not None or now >= link.expires_at:
        return REFUSED
    if link.passcode_hash:
        if passcode is None:
            return NEEDS_PASSCODE
        if not passcode_check(passcode, link.passcode_hash):
            return REFUSED
    return OPEN
