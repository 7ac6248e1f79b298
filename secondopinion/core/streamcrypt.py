"""Encrypt a file of any size in 1 MiB pieces with AES-256-GCM, in flat memory (backups at rest).

A file is `MAGIC`, a random 16-byte salt, then pieces of ciphertext, each one piece of plaintext
plus its 16-byte tag. Each file has its own key, derived from the backup key and the salt with
HKDF-SHA256, so nonces never repeat across files; a piece's nonce is its number and a last-piece
flag (the STREAM construction), so pieces cannot be reordered, dropped or cut off at the end
without the decryption failing. An empty file is one empty last piece.

The backup key is 32 random bytes, kept as URL-safe base64 text in a key file (`key_new`).
Pure: no Django.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
from collections.abc import Callable
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"SOBK\x01"
SALT_SIZE = 16
PIECE = 1024 * 1024
TAG = 16
SCHEME = "aes-256-gcm-stream/1"


class BackupKeyError(ValueError):
    """The key file is missing or does not hold a key."""


class DecryptError(ValueError):
    """The file is not one of ours, was made with another key, or was changed or cut short."""


def key_new() -> str:
    """A new backup key, as the text to keep in a key file."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def key_parse(text: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text.strip().encode())
    except (binascii.Error, ValueError):
        raise BackupKeyError("the backup key file does not hold a key") from None
    if len(key) != 32:
        raise BackupKeyError("the backup key file does not hold a 32-byte key")
    return key


def key_id(key: bytes) -> str:
    """A short fingerprint that names a key without revealing it (kept in the manifest)."""
    return hashlib.sha256(b"secondopinion-backup-key-id" + key).hexdigest()[:16]


def _file_cipher(key: bytes, salt: bytes) -> AESGCM:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"secondopinion-backup/1")
    return AESGCM(hkdf.derive(key))


def _nonce(index: int, last: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


class Reader(Protocol):
    """What the streams read from: an open file, a storage file, a BytesIO."""

    def read(self, size: int = -1, /) -> bytes: ...


class Writer(Protocol):
    """What the streams write to: an open file, or a wrapper that hashes as it writes."""

    def write(self, data: bytes, /) -> int: ...


def encrypt_stream(
    source: Reader, dest: Writer, key: bytes, *, seen: Callable[[bytes], None] | None = None
) -> int:
    """Encrypt `source` into `dest`; returns the plaintext size. `seen` gets each plaintext
    piece (to hash it on the way)."""
    salt = os.urandom(SALT_SIZE)
    cipher = _file_cipher(key, salt)
    dest.write(MAGIC + salt)
    size, index = 0, 0
    piece = source.read(PIECE)
    while True:
        following = source.read(PIECE) if len(piece) == PIECE else b""
        last = not following
        if seen is not None:
            seen(piece)
        dest.write(cipher.encrypt(_nonce(index, last), piece, None))
        size += len(piece)
        if last:
            return size
        piece, index = following, index + 1


def decrypt_stream(source: Reader, dest: Writer | None, key: bytes) -> int:
    """Decrypt `source` into `dest` (None: only check); returns the plaintext size."""
    header = source.read(len(MAGIC) + SALT_SIZE)
    if len(header) != len(MAGIC) + SALT_SIZE or not header.startswith(MAGIC):
        raise DecryptError("not an encrypted backup file")
    cipher = _file_cipher(key, header[len(MAGIC) :])
    size, index = 0, 0
    piece = source.read(PIECE + TAG)
    while True:
        following = source.read(PIECE + TAG) if len(piece) == PIECE + TAG else b""
        last = not following
        try:
            plain = cipher.decrypt(_nonce(index, last), piece, None)
        except InvalidTag:
            raise DecryptError("another key, or the file was changed or cut short") from None
        if dest is not None:
            dest.write(plain)
        size += len(plain)
        if last:
            return size
        piece, index = following, index + 1
