"""Reading uploaded ZIPs without trusting them: bombs, traversal, links, passwords, nesting."""

import io
import stat
import struct
import zipfile

import pytest

from secondopinion.records import safezip


def _zip(entries, *, compression=zipfile.ZIP_DEFLATED) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as zf:
        for name, data in entries:
            if isinstance(name, zipfile.ZipInfo):
                zf.writestr(name, data)
            else:
                zf.writestr(name, data)
    buffer.seek(0)
    return buffer


def _read_all(source, **limits):
    out = {}
    for item in safezip.zip_walk(source, limits=safezip.ZipLimits(**limits)):
        out[item.name] = item.stream.read()
    return out


def test_it_yields_every_regular_file_with_a_clean_name():
    files = _read_all(_zip([("DICOM/IM1", b"a"), ("./DICOM//IM2", b"bb"), ("dir/", b"")]))
    assert files == {"DICOM/IM1": b"a", "DICOM/IM2": b"bb"}


@pytest.mark.parametrize(
    "name",
    ["../evil", "a/../../evil", "/etc/passwd", "C:\\Windows\\evil", "..\\evil", "\\abs"],
)
def test_it_refuses_names_that_climb_out_or_are_absolute(name):
    with pytest.raises(safezip.ZipUnsafeName) as caught:
        _read_all(_zip([("ok", b"1"), (name, b"x")]))
    assert "nothing was imported" in caught.value.message.lower()


@pytest.mark.parametrize(
    "name", ["a\x07b", "line\nbreak", "<script>alert(1)</script>", "bidi\u202etxt"]
)
def test_it_refuses_control_characters_and_markup_in_names(name):
    with pytest.raises(safezip.ZipUnsafeName):
        _read_all(_zip([(name, b"x")]))


def test_it_refuses_symlinks():
    info = zipfile.ZipInfo("link")
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    with pytest.raises(safezip.ZipSymlink):
        _read_all(_zip([(info, b"/etc/passwd")]))


def test_it_refuses_encrypted_entries():
    buffer = _zip([("secret", b"x")], compression=zipfile.ZIP_STORED)
    raw = bytearray(buffer.getvalue())
    # Set the "encrypted" flag in the local header and in the central directory entry.
    raw[6] |= 0x1
    central = raw.rfind(b"PK\x01\x02")
    raw[central + 8] |= 0x1
    with pytest.raises(safezip.ZipEncrypted) as caught:
        _read_all(io.BytesIO(bytes(raw)))
    assert "password" in caught.value.message


def test_it_refuses_too_many_files_before_reading_any():
    entries = [(f"f{i}", b"x") for i in range(11)]
    with pytest.raises(safezip.ZipTooManyFiles):
        _read_all(_zip(entries), max_files=10)


def test_it_refuses_a_declared_total_over_the_limit_before_reading():
    with pytest.raises(safezip.ZipTooLarge):
        _read_all(_zip([("a", b"x" * 600), ("b", b"x" * 600)]), max_total_bytes=1000)


def test_it_refuses_a_bomb_by_its_compression_ratio():
    bomb = _zip([("zeros", b"\0" * (5 * 1024 * 1024))])
    with pytest.raises(safezip.ZipTooLarge) as caught:
        _read_all(bomb)
    assert "ZIP bombs" in caught.value.message


def test_it_counts_real_bytes_when_the_declared_size_lies():
    buffer = _zip([("a", b"y" * 5000)], compression=zipfile.ZIP_STORED)
    raw = bytearray(buffer.getvalue())
    # Shrink the declared size in the central directory to 100 bytes.
    central = raw.rfind(b"PK\x01\x02")
    struct.pack_into("<I", raw, central + 24, 100)
    struct.pack_into("<I", raw, 22, 100)
    with pytest.raises((safezip.ZipTooLarge, safezip.ZipBroken)):
        _read_all(io.BytesIO(bytes(raw)))


def test_it_opens_one_level_of_zip_inside_a_zip():
    inner = _zip([("IM1", b"inner")]).getvalue()
    files = _read_all(_zip([("outer.txt", b"o"), ("disc.zip", inner)]))
    assert files == {"outer.txt": b"o", "disc.zip/IM1": b"inner"}


def test_it_refuses_a_zip_inside_a_zip_inside_a_zip():
    deepest = _zip([("IM1", b"x")]).getvalue()
    middle = _zip([("deep.zip", deepest)]).getvalue()
    with pytest.raises(safezip.ZipNestedTooDeep):
        _read_all(_zip([("middle.zip", middle)]))


def test_it_says_plainly_when_a_file_is_not_a_zip():
    with pytest.raises(safezip.NotAZip):
        _read_all(io.BytesIO(b"not a zip at all"))


def test_it_refuses_a_truncated_zip():
    raw = _zip([("a", b"abc" * 1000)]).getvalue()
    with pytest.raises((safezip.NotAZip, safezip.ZipBroken)):
        _read_all(io.BytesIO(raw[: len(raw) // 2]))


def test_it_refuses_overlapping_entries():
    buffer = _zip([("a", b"a" * 100), ("b", b"b" * 100)], compression=zipfile.ZIP_STORED)
    raw = bytearray(buffer.getvalue())
    # Point the second central entry at the first entry's local header.
    first = raw.rfind(b"PK\x01\x02", 0, raw.rfind(b"PK\x01\x02"))
    second = raw.rfind(b"PK\x01\x02")
    offset = struct.unpack_from("<I", raw, first + 42)[0]
    struct.pack_into("<I", raw, second + 42, offset + 10)
    with pytest.raises((safezip.ZipTooLarge, safezip.ZipBroken)):
        _read_all(io.BytesIO(bytes(raw)))


def test_it_refuses_an_entry_whose_bytes_were_damaged():
    buffer = _zip([("IM1", bytes(range(256)) * 64)], compression=zipfile.ZIP_STORED)
    raw = bytearray(buffer.getvalue())
    raw[100] ^= 0xFF  # flip a byte of the stored data: the checksum no longer matches
    with pytest.raises(safezip.ZipBroken) as caught:
        _read_all(io.BytesIO(bytes(raw)))
    assert "damaged" in caught.value.message


def test_it_refuses_a_zip_format_version_it_cannot_read():
    # Found by tests/records/test_fuzz.py: zipfile raises NotImplementedError for a central
    # directory entry that needs a newer format version than it supports.
    data = bytearray(_zip([("a.txt", b"hello")]).getvalue())
    central = data.index(b"PK\x01\x02")
    struct.pack_into("<H", data, central + 6, 64)  # "version needed to extract": 6.4
    with pytest.raises(safezip.ZipBroken, match="format this app cannot read"):
        _read_all(io.BytesIO(bytes(data)))
