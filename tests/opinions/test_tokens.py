"""Share-link tokens: randomness, hashing, expiry, passcodes, one answer for every failure."""

from datetime import UTC, datetime, timedelta

from secondopinion.opinions.tokens import (
    NEEDS_PASSCODE,
    OPEN,
    REFUSED,
    LinkState,
    expiry_default,
    link_check,
    passcode_check,
    passcode_hash,
    token_hash,
    token_new,
)

NOW = datetime(2026, 5, 1, 12, tzinfo=UTC)


def live(token: str, **kw) -> LinkState:
    return LinkState(token_hash=token_hash(token), expires_at=NOW + timedelta(days=14), **kw)


def test_it_makes_long_unique_tokens():
    tokens = {token_new() for _ in range(200)}
    assert len(tokens) == 200
    assert all(len(t) == 43 for t in tokens)  # 256 bits in URL-safe base64


def test_it_stores_only_a_hash():
    token = token_new()
    assert token not in token_hash(token) and len(token_hash(token)) == 64


def test_it_opens_a_valid_link():
    token = token_new()
    assert link_check(token=token, link=live(token), now=NOW) == OPEN


def test_it_refuses_expired_revoked_unknown_and_tampered_links_alike():
    token = token_new()
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    outcomes = [
        link_check(token=token, link=live(token), now=NOW + timedelta(days=14)),
        link_check(token=token, link=live(token, revoked_at=NOW), now=NOW),
        link_check(token=token, link=None, now=NOW),
        link_check(token=tampered, link=live(token), now=NOW),
        link_check(token="short", link=live(token), now=NOW),
    ]
    assert outcomes == [REFUSED] * 5


def test_it_asks_for_a_passcode_then_checks_it():
    token = token_new()
    link = live(token, passcode_hash=passcode_hash("blue-river"))
    assert link_check(token=token, link=link, now=NOW) == NEEDS_PASSCODE
    assert link_check(token=token, link=link, now=NOW, passcode="wrong") == REFUSED
    assert link_check(token=token, link=link, now=NOW, passcode="blue-river") == OPEN


def test_it_salts_passcodes_and_rejects_garbage_hashes():
    assert passcode_hash("1234") != passcode_hash("1234")
    assert passcode_check("1234", passcode_hash("1234"))
    assert not passcode_check("1234", "")
    assert not passcode_check("1234", "scrypt$x$y$z$$")


def test_it_defaults_to_fourteen_days_and_caps_long_expiry():
    assert expiry_default(NOW) == NOW + timedelta(days=14)
    assert expiry_default(NOW, days=1000) == NOW + timedelta(days=90)
    assert expiry_default(NOW, days=0) == NOW + timedelta(days=1)
