"""core.streamcrypt: pieces that decrypt only whole, in order, with the right key."""

from __future__ import annotations

import io

import pytest

from secondopinion.core.streamcrypt import (
    MAGIC,
    PIECE,
    SALT_SIZE,
    TAG,
    BackupKeyError,
    DecryptError,
    decrypt_stream,
    encrypt_stream,
    key_new,
    key_parse,
)

KEY = key_parse(key_new())


def _encrypt(data: bytes, key: bytes = KEY) -> bytes:
    out = io.BytesIO()
    assert encrypt_stream(io.BytesIO(data), out, key) == len(data)
    return out.getvalue()


def _decrypt(blob: bytes, key: bytes = KEY) -> bytes:
    out = io.BytesIO()
    decrypt_stream(io.BytesIO(blob), out, key)
    return out.getvalue()


@pytest.mark.parametrize("size", [0, 1, PIECE - 1, PIECE, PIECE + 1, 3 * PIECE + 7])
def test_it_round_trips_any_size(size):
    data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    blob = _encrypt(data)
    assert data[:64] not in blob or size < 16  # a byte or two may turn up in random output
    pieces = max(1, -(-size // PIECE))
    assert len(blob) == len(MAGIC) + SALT_SIZE + size + pieces * TAG
    assert _decrypt(blob) == data


def test_each_file_has_its_own_salt():
    assert _encrypt(b"same bytes") != _encrypt(b"same bytes")


def test_it_refuses_another_key_a_changed_byte_a_dropped_or_swapped_piece():
    data = b"a" * PIECE + b"b" * PIECE + b"c" * 10
    blob = _encrypt(data)
    head, body = blob[: len(MAGIC) + SALT_SIZE], blob[len(MAGIC) + SALT_SIZE :]
    p1, p2, p3 = (
        body[: PIECE + TAG],
        body[PIECE + TAG : 2 * (PIECE + TAG)],
        body[2 * (PIECE + TAG) :],
    )
    changed = bytearray(blob)
    changed[-1] ^= 1
    for bad in (bytes(changed), head + p1 + p2, head + p2 + p1 + p3, head + p1, b"plain text"):
        with pytest.raises(DecryptError):
            _decrypt(bad)
    with pytest.raises(DecryptError):
        _decrypt(blob, key_parse(key_new()))


def test_a_key_file_must_hold_a_key():
    for text in ("", "not base64 !!", "c2hvcnQ="):
        with pytest.raises(BackupKeyError):
            key_parse(text)
