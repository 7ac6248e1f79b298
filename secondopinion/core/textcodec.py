"""Text files in the encodings people's computers write (pure, no Django).

A report saved on Windows is often Windows-1252 (or Latin-1); Notepad and Word's "Unicode text"
write UTF-16, with or without a byte-order mark; everything else is UTF-8, sometimes with a BOM.
`text_decode()` reads all of them and returns None for bytes that are not text at all, so an
upload, the background text reader and `secondopinion pathology extract` agree on what is text.
"""

from __future__ import annotations

from charset_normalizer import from_bytes

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def text_decode(data: bytes, *, partial: bool = False) -> str | None:
    """The text in `data`, or None when it is not text. With `partial`, `data` is the start of a
    longer file, so a multibyte character cut at its end is not a reason to refuse it."""
    text = _decode(data, partial=partial)
    if text is None or looks_binary(text):
        return None
    return text


def _decode(data: bytes, *, partial: bool) -> str | None:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    sample = data[:4000]
    # NUL bytes are valid UTF-8, so UTF-16 without a byte-order mark is looked for first: every
    # other byte is NUL in English text.
    if len(sample) >= 4 and sample.count(b"\x00") > len(sample) // 3:
        return _utf16_decode(data, sample, partial=partial)
    if b"\x00" in sample:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if partial and exc.start >= len(data) - 4:
            return data[: exc.start].decode("utf-8")
    return _not_utf8_decode(data)


def _utf16_decode(data: bytes, sample: bytes, *, partial: bool) -> str | None:
    even_zero = sample[1::2].count(0) > len(sample) // 3
    codec = "utf-16-le" if even_zero else "utf-16-be"
    whole = data[: len(data) - len(data) % 2]
    try:
        return whole.decode(codec)
    except UnicodeDecodeError:
        return whole.decode(codec, errors="replace") if partial else None


def _not_utf8_decode(data: bytes) -> str | None:
    # Not UTF-8: most often Windows-1252 (a superset of Latin-1's printable characters). Only
    # when that does not fit either is the encoding guessed.
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data[:65536]).best()
    return None if best is None else data.decode(best.encoding, errors="replace")


def looks_binary(text: str) -> bool:
    """True when decoded text is more than 5% control characters or replacement marks: the bytes
    were not text in the first place."""
    sample = text[:20000]
    if not sample:
        return False
    bad = sum(
        1
        for ch in sample
        if ch == "\ufffd" or (ord(ch) < 32 and ch not in "\n\r\t\f\v") or 0x7F <= ord(ch) < 0xA0
    )
    return bad / len(sample) > 0.05
