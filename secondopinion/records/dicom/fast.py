"""A small, strict reader for the few header fields the index needs, straight from bytes.

Why it exists: pydicom reads and converts every element; on a 1,200-file CD that costs more than
copying and hashing the bytes. This reader walks the elements of the first bytes of a file (the
ones already in memory for sniffing), keeps only the tags in `WANTED`, skips everything else by
its length, and stops as soon as it passes the last wanted tag.

It is deliberately narrow: explicit or implicit VR little endian, plain or UTF-8/Latin-1 text.
For anything else (big endian, deflated, ISO 2022 character sets, a header longer than the
bytes given, any inconsistency) it returns None and the caller uses pydicom instead. A test
checks it agrees with pydicom on every file in pydicom's own test collection.
"""

from __future__ import annotations

import struct
from typing import Any

EXPLICIT_LE = "1.2.840.10008.1.2.1"
IMPLICIT_LE = "1.2.840.10008.1.2"
NOT_EXPLICIT_LE = {
    IMPLICIT_LE,
    "1.2.840.10008.1.2.2",  # explicit big endian
    "1.2.840.10008.1.2.1.99",  # deflated: the dataset itself is compressed
}
# (group, element) -> (keyword, VR). The VR is needed for implicit VR files.
WANTED: dict[int, tuple[str, str]] = {
    0x00080005: ("SpecificCharacterSet", "CS"),
    0x00080016: ("SOPClassUID", "UI"),
    0x00080018: ("SOPInstanceUID", "UI"),
    0x00080020: ("StudyDate", "DA"),
    0x00080050: ("AccessionNumber", "SH"),
    0x00080060: ("Modality", "CS"),
    0x00080080: ("InstitutionName", "LO"),
    0x00081030: ("StudyDescription", "LO"),
    0x0008103E: ("SeriesDescription", "LO"),
    0x00100010: ("PatientName", "PN"),
    0x00100020: ("PatientID", "LO"),
    0x00100030: ("PatientBirthDate", "DA"),
    0x00180015: ("BodyPartExamined", "CS"),
    0x0020000D: ("StudyInstanceUID", "UI"),
    0x0020000E: ("SeriesInstanceUID", "UI"),
    0x00200011: ("SeriesNumber", "IS"),
    0x00200013: ("InstanceNumber", "IS"),
    0x00200032: ("ImagePositionPatient", "DS"),
    0x00280002: ("SamplesPerPixel", "US"),
    0x00280008: ("NumberOfFrames", "IS"),
    0x00280010: ("Rows", "US"),
    0x00280011: ("Columns", "US"),
    0x00280100: ("BitsAllocated", "US"),
}
META_WANTED = {
    0x00020002: "MediaStorageSOPClassUID",
    0x00020003: "MediaStorageSOPInstanceUID",
    0x00020010: "TransferSyntaxUID",
}
LAST_WANTED = max(WANTED)
LONG_VRS = {
    b"OB",
    b"OW",
    b"OF",
    b"SQ",
    b"UT",
    b"UN",
    b"UC",
    b"UR",
    b"OD",
    b"OL",
    b"OV",
    b"SV",
    b"UV",
}
TEXT_ENCODINGS = {
    "": "latin-1",
    "ISO_IR 6": "latin-1",
    "ISO_IR 100": "latin-1",
    "ISO_IR 192": "utf-8",
}
UNDEFINED = 0xFFFFFFFF
ITEM, ITEM_END, SEQ_END = 0xFFFEE000, 0xFFFEE00D, 0xFFFEE0DD


class _Stop(Exception):
    """The bytes cannot be read by this narrow reader: use pydicom."""


def fast_header(buf: bytes, *, complete: bool) -> dict[str, Any] | None:
    """The wanted fields of a file with the DICM preamble, or None to fall back to pydicom.

    `buf` is the first bytes of the file (64 KB is plenty for ordinary headers); `complete` says
    whether it is the whole file, so that running out of bytes means "end of file", not "unsure".
    """
    try:
        return _read(buf, complete=complete)
    except (_Stop, struct.error, UnicodeDecodeError, ValueError, IndexError):
        return None


def _meta_read(buf: bytes) -> tuple[dict[str, str], int]:
    """The file meta information (always explicit VR little endian), and where the data starts."""
    if buf[128:132] != b"DICM":
        raise _Stop
    pos = 132
    meta: dict[str, str] = {}
    while pos + 8 <= len(buf):
        group = struct.unpack_from("<H", buf, pos)[0]
        if group != 0x0002:
            break
        tag, _vr, length, pos = _element_explicit(buf, pos)
        if length == UNDEFINED:
            raise _Stop
        if tag in META_WANTED:
            meta[META_WANTED[tag]] = _ui(buf[pos : pos + length])
        pos += length
    return meta, pos


def _read(buf: bytes, *, complete: bool) -> dict[str, Any]:
    meta, pos = _meta_read(buf)
    syntax = meta.get("TransferSyntaxUID", "")
    if not syntax or syntax in NOT_EXPLICIT_LE and syntax != IMPLICIT_LE:
        raise _Stop
    explicit = syntax != IMPLICIT_LE
    raw: dict[str, tuple[str, bytes]] = {}
    reached_end = False
    while pos + 8 <= len(buf):
        if explicit:
            tag, vr, length, pos = _element_explicit(buf, pos)
        else:
            tag, length = struct.unpack_from("<II", buf, pos)
            tag = ((tag & 0xFFFF) << 16) | (tag >> 16)
            pos += 8
            vr = WANTED.get(tag, ("", ""))[1].encode()
        if tag > LAST_WANTED or tag == 0x7FE00010:
            reached_end = True
            break
        if length == UNDEFINED:
            pos = _skip_undefined(buf, pos, explicit)
            continue
        if pos + length > len(buf):
            raise _Stop
        if tag in WANTED:
            keyword, expected_vr = WANTED[tag]
            if explicit and vr.decode("ascii") != expected_vr:
                raise _Stop  # unusual encoding: let pydicom interpret it
            raw[keyword] = (expected_vr, buf[pos : pos + length])
        pos += length
    if not reached_end and (pos != len(buf) or not complete):
        raise _Stop  # ran out of bytes before the header ended: it may be longer
    return _convert(raw, meta, syntax)


def _element_explicit(buf: bytes, pos: int) -> tuple[int, bytes, int, int]:
    group, element = struct.unpack_from("<HH", buf, pos)
    tag = (group << 16) | element
    if group == 0xFFFE:
        length = struct.unpack_from("<I", buf, pos + 4)[0]
        return tag, b"", length, pos + 8
    vr = buf[pos + 4 : pos + 6]
    if not vr.isalpha() or not vr.isupper():
        raise _Stop
    if vr in LONG_VRS:
        length = struct.unpack_from("<I", buf, pos + 8)[0]
        return tag, vr, length, pos + 12
    length = struct.unpack_from("<H", buf, pos + 6)[0]
    return tag, vr, length, pos + 8


def _skip_undefined(buf: bytes, pos: int, explicit: bool) -> int:
    """Skip a sequence (or encapsulated data) of undefined length, nested items included."""
    while True:
        if pos + 8 > len(buf):
            raise _Stop
        tag = (struct.unpack_from("<H", buf, pos)[0] << 16) | struct.unpack_from(
            "<H", buf, pos + 2
        )[0]
        length = struct.unpack_from("<I", buf, pos + 4)[0]
        pos += 8
        if tag == SEQ_END:
            return pos
        if tag != ITEM:
            raise _Stop
        if length != UNDEFINED:
            pos += length
            continue
        pos = _skip_item(buf, pos, explicit)


def _skip_item(buf: bytes, pos: int, explicit: bool) -> int:
    """Skip the elements of an item of undefined length, up to its item delimiter."""
    while True:
        if pos + 8 > len(buf):
            raise _Stop
        if explicit:
            tag, _vr, length, pos = _element_explicit(buf, pos)
        else:
            tag, length = struct.unpack_from("<II", buf, pos)
            tag = ((tag & 0xFFFF) << 16) | (tag >> 16)
            pos += 8
        if tag == ITEM_END:
            return pos
        if length == UNDEFINED:
            pos = _skip_undefined(buf, pos, explicit)
        else:
            pos += length


def _ui(value: bytes) -> str:
    return value.rstrip(b"\x00 ").decode("ascii").strip()


def _convert(
    raw: dict[str, tuple[str, bytes]], meta: dict[str, str], syntax: str
) -> dict[str, Any]:
    charset_raw = raw.pop("SpecificCharacterSet", ("CS", b""))[1]
    charset = charset_raw.decode("ascii").strip(" \x00")
    if charset not in TEXT_ENCODINGS:
        raise _Stop  # multi-byte or ISO 2022 text: pydicom knows how
    encoding = TEXT_ENCODINGS[charset]
    out: dict[str, Any] = {"TransferSyntaxUID": syntax, **meta}
    for keyword, (vr, value) in raw.items():
        if vr == "US":
            if len(value) < 2:
                continue
            out[keyword] = struct.unpack_from("<H", value)[0]
        elif vr == "UI":
            out[keyword] = _ui(value)
        else:
            text = value.decode(encoding).strip(" \x00")
            if vr in ("IS", "DS"):
                out[keyword] = [v.strip() for v in text.split("\\")] if "\\" in text else text
            elif vr == "PN":
                out[keyword] = text.split("\\")[0].rstrip("^ ")
            else:
                out[keyword] = text.split("\\")[0] if vr == "CS" else text
    return out


def length_overrun(buf: bytes, size: int) -> bool:
    """True when an element in `buf` (the first bytes of a file of `size` bytes) declares a length
    that runs past the end of the file, e.g. pixel data declaring 2 GB in a 2 KB file.

    Walks every element's length as far as `buf` reaches; sequences and items of undefined length
    are walked into, so their contents are checked too. Only little endian files with the DICM
    marker are checked; for others it answers False and pydicom's own reading decides.
    """
    if buf[128:132] != b"DICM":
        return False
    try:
        pos, syntax = _meta_walk(buf, size)
        if pos < 0:
            return True
        if not syntax or syntax in NOT_EXPLICIT_LE and syntax != IMPLICIT_LE:
            return False
        return _lengths_overrun(buf, pos, size, explicit=syntax != IMPLICIT_LE)
    except (_Stop, struct.error, UnicodeDecodeError):
        return False


def _meta_walk(buf: bytes, size: int) -> tuple[int, str]:
    """Walk the file meta group: where the dataset starts (-1 on an overrun), and its syntax."""
    pos, syntax = 132, ""
    while pos + 8 <= len(buf) and struct.unpack_from("<H", buf, pos)[0] == 0x0002:
        tag, _vr, length, pos = _element_explicit(buf, pos)
        if length == UNDEFINED:
            raise _Stop
        if pos + length > size:
            return -1, syntax
        if tag == 0x00020010:
            syntax = _ui(buf[pos : pos + length])
        pos += length
    return pos, syntax


def _lengths_overrun(buf: bytes, pos: int, size: int, *, explicit: bool) -> bool:
    while pos + 8 <= len(buf):
        if explicit:
            _tag, _vr, length, pos = _element_explicit(buf, pos)
        else:
            length = struct.unpack_from("<I", buf, pos + 4)[0]
            pos += 8
        if length == UNDEFINED:
            continue  # a sequence, item or encapsulated data: its parts follow, walked in turn
        if pos + length > size:
            return True
        pos += length
    return False
