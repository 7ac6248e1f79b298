"""Read an uploaded ZIP without trusting it.

A ZIP from a patient is usually a copy of an imaging CD, but it could be anything: a ZIP bomb
(a tiny file that expands to terabytes), names that climb out of a folder (`../../etc`), absolute
paths, symlinks, encrypted entries, archives inside archives inside archives.

The rules, in order:
1. Before anything is read, every entry is checked: its name, its flags, its declared size, the
   total declared size, the number of entries, the compression ratio, and that no two entries share
   compressed bytes (the "overlapping files" bomb). One bad entry rejects the whole archive, so a
   caller never has half an import.
2. While reading, the real number of bytes that come out of each entry is counted against the
   entry's declared size and the running total, because declared sizes can lie.
3. An archive inside the archive is opened (one level, by default); one level deeper is refused.

Nothing here writes the member files anywhere: `zip_walk` yields readable streams and the caller
decides where bytes go (normally `vault.stream_store`, which hashes while writing).
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, BinaryIO

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
MIB = 1024 * 1024


@dataclass(frozen=True)
class ZipLimits:
    """Limits for one uploaded archive, nested archives included. All are configurable."""

    max_files: int = 50_000
    max_total_bytes: int = 8 * 1024 * MIB
    max_entry_bytes: int = 2 * 1024 * MIB
    # Real scans rarely compress better than 10:1; 200:1 on a big entry is a bomb's signature.
    max_ratio: int = 200
    ratio_applies_above: int = 1 * MIB
    max_depth: int = 1
    max_name_length: int = 400


class ZipProblem(Exception):
    """The archive was refused. `message` is plain words, safe to show the patient."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotAZip(ZipProblem):
    pass


class ZipBroken(ZipProblem):
    pass


class ZipEncrypted(ZipProblem):
    pass


class ZipUnsafeName(ZipProblem):
    pass


class ZipSymlink(ZipProblem):
    pass


class ZipTooLarge(ZipProblem):
    pass


class ZipTooManyFiles(ZipProblem):
    pass


class ZipNestedTooDeep(ZipProblem):
    pass


@dataclass(frozen=True)
class ZipMember:
    """One regular file inside the archive. `name` is a clean relative path ("a/b/c")."""

    name: str
    declared_size: int
    info: zipfile.ZipInfo = field(repr=False, compare=False)


@dataclass
class _Budget:
    """Counts shared by an archive and the archives inside it."""

    limits: ZipLimits
    files: int = 0
    declared: int = 0
    actual: int = 0

    def add_declared(self, *, files: int, size: int) -> None:
        self.files += files
        self.declared += size
        if self.files > self.limits.max_files:
            raise ZipTooManyFiles(
                f"The ZIP holds more than {self.limits.max_files:,} files. "
                "Please split it into smaller ZIP files."
            )
        if self.declared > self.limits.max_total_bytes:
            raise ZipTooLarge(_too_large_message(self.limits.max_total_bytes))

    def add_actual(self, n: int) -> None:
        self.actual += n
        if self.actual > self.limits.max_total_bytes:
            raise ZipTooLarge(_too_large_message(self.limits.max_total_bytes))


def _too_large_message(limit: int) -> str:
    return (
        f"Unpacked, the ZIP would be larger than the limit of {limit / (1024 * MIB):.1f} GB. "
        "Nothing was imported."
    )


def name_problem(raw: str, *, max_length: int = 400) -> str | None:
    """Why an archive member name is unsafe, in plain words, or None when it is fine."""
    if len(raw) > max_length:
        return "a file name that is far too long"
    for ch in raw:
        if ord(ch) < 32 or ord(ch) == 127 or unicodedata.category(ch) in ("Cc", "Cf"):
            return "a file name with hidden control characters"
    if any(ch in raw for ch in '<>"`'):
        return "a file name containing web markup characters"
    normal = raw.replace("\\", "/")
    if normal.startswith("/") or (len(normal) > 1 and normal[1] == ":"):
        return "a file name that is an absolute path (it points outside the folder)"
    if any(part == ".." for part in normal.split("/")):
        return "a file name with '..' that would climb out of the folder"
    return None


def member_name_clean(raw: str) -> str:
    """A checked name turned into a tidy relative path (empty and '.' parts dropped)."""
    parts = [p for p in raw.replace("\\", "/").split("/") if p not in ("", ".")]
    return "/".join(parts)


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    mode = info.external_attr >> 16
    return info.create_system == 3 and stat.S_ISLNK(mode)


def zip_check(
    zf: zipfile.ZipFile, *, limits: ZipLimits, budget: _Budget | None = None
) -> list[ZipMember]:
    """Check every entry before anything is extracted; return the regular files in order."""
    budget = budget or _Budget(limits)
    infos = zf.infolist()
    members: list[ZipMember] = []
    seen: set[str] = set()
    declared_total = 0
    for info in infos:
        problem = name_problem(info.filename, max_length=limits.max_name_length)
        if problem:
            raise ZipUnsafeName(
                f"The ZIP contains {problem}. For safety nothing was imported. "
                "Please make a new ZIP from the original disc or folder."
            )
        if info.flag_bits & 0x1 or info.flag_bits & 0x40:
            raise ZipEncrypted(
                "The ZIP is protected with a password (encrypted). We cannot open it. "
                "Please upload a ZIP without a password."
            )
        if _is_symlink(info):
            raise ZipSymlink(
                "The ZIP contains a shortcut (symbolic link) to another place. "
                "For safety nothing was imported."
            )
        if info.is_dir():
            continue
        name = member_name_clean(info.filename)
        if not name:
            continue
        if name in seen:
            raise ZipBroken(
                "The ZIP lists the same file name twice. It may be damaged; nothing was imported."
            )
        seen.add(name)
        if info.file_size > limits.max_entry_bytes:
            raise ZipTooLarge(
                f"A file inside the ZIP is larger than {limits.max_entry_bytes / (1024 * MIB):.1f} GB"
                " unpacked. Nothing was imported."
            )
        if info.file_size > limits.ratio_applies_above and info.file_size > limits.max_ratio * max(
            info.compress_size, 1
        ):
            raise ZipTooLarge(
                "A file inside the ZIP expands to far more than its packed size, "
                "which is how harmful 'ZIP bombs' work. Nothing was imported."
            )
        declared_total += info.file_size
        members.append(ZipMember(name=name, declared_size=info.file_size, info=info))
    _check_overlap(infos)
    budget.add_declared(files=len(members), size=declared_total)
    return members


def _check_overlap(infos: list[zipfile.ZipInfo]) -> None:
    # Each entry's compressed bytes must end before the next entry's local header starts.
    # Overlapping entries let a few kilobytes be expanded many times over.
    ordered = sorted(infos, key=lambda i: i.header_offset)
    for current, following in zip(ordered, ordered[1:], strict=False):
        if current.header_offset + 30 + current.compress_size > following.header_offset:
            raise ZipTooLarge(
                "Files inside the ZIP share the same packed data, "
                "which is how harmful 'ZIP bombs' work. Nothing was imported."
            )


class _MemberReader:
    """A read-only stream over one member that counts what really comes out."""

    def __init__(
        self, raw: IO[bytes], *, declared: int, budget: _Budget, head: bytes = b""
    ) -> None:
        self._raw = raw
        self._declared = declared
        self._budget = budget
        self._pending = head
        self.bytes_read = 0

    def read(self, n: int = -1) -> bytes:
        try:
            return self._read(n)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
            # Raised while the caller reads (e.g. a checksum mismatch at the end of an entry):
            # turn it into the same plain refusal as any other damage.
            raise ZipBroken(
                "A file inside the ZIP is damaged (its checksum does not match). "
                "Nothing was imported."
            ) from exc

    def _read(self, n: int) -> bytes:
        if self._pending:
            data = self._pending if n < 0 else self._pending[:n]
            self._pending = self._pending[len(data) :]
            if n >= 0 and len(data) < n:
                data += self._raw.read(n - len(data))
            elif n < 0:
                data += self._raw.read()
        else:
            data = self._raw.read(n)
        self.bytes_read += len(data)
        if self.bytes_read > self._declared:
            raise ZipTooLarge(
                "A file inside the ZIP is bigger than the ZIP says it is. "
                "It may be harmful; nothing was imported."
            )
        self._budget.add_actual(len(data))
        return data

    def close(self) -> None:
        self._raw.close()


@dataclass(frozen=True)
class WalkedFile:
    """A file found while walking an archive; `stream` is valid until the next item."""

    name: str
    declared_size: int
    stream: _MemberReader


def zip_walk(
    source: str | os.PathLike[str] | BinaryIO,
    *,
    limits: ZipLimits | None = None,
    tmp_dir: str | os.PathLike[str] | None = None,
) -> Iterator[WalkedFile]:
    """Yield every regular file in the archive (and in archives one level inside it).

    Raises a `ZipProblem` subclass, with a plain message, the moment anything is unsafe.
    Nested archives are unpacked to a temporary file under `tmp_dir` (removed afterwards) because
    ZIP reading needs to seek.
    """
    limits = limits or ZipLimits()
    budget = _Budget(limits)
    yield from _walk(source, limits=limits, budget=budget, depth=0, prefix="", tmp_dir=tmp_dir)


def zip_declared_total(source: str | os.PathLike[str]) -> int:
    """The unpacked size the archive claims (for progress only; limits are checked elsewhere)."""
    try:
        with zipfile.ZipFile(source) as zf:
            return sum(info.file_size for info in zf.infolist())
    except (zipfile.BadZipFile, NotImplementedError, OSError, ValueError, EOFError):
        return 0


def _open_zip(source: str | os.PathLike[str] | BinaryIO) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(source)
    except zipfile.BadZipFile as exc:
        raise NotAZip("This file is not a readable ZIP archive.") from exc
    except NotImplementedError as exc:
        # zipfile refuses archive features it cannot read (a newer format version, say).
        raise ZipBroken(
            "This ZIP uses a format this app cannot read. Please make a plain ZIP and try again."
        ) from exc
    except (OSError, EOFError, ValueError) as exc:
        raise ZipBroken("The ZIP archive is damaged or incomplete.") from exc


def _walk(
    source: str | os.PathLike[str] | BinaryIO,
    *,
    limits: ZipLimits,
    budget: _Budget,
    depth: int,
    prefix: str,
    tmp_dir: str | os.PathLike[str] | None,
) -> Iterator[WalkedFile]:
    with _open_zip(source) as zf:
        members = zip_check(zf, limits=limits, budget=budget)
        for member in members:
            try:
                raw = zf.open(member.info)
            except (zipfile.BadZipFile, NotImplementedError, OSError, ValueError) as exc:
                raise ZipBroken(
                    "A file inside the ZIP could not be read (damaged or an unsupported "
                    "compression method). Nothing was imported."
                ) from exc
            try:
                head = raw.read(4)
                reader = _MemberReader(raw, declared=member.declared_size, budget=budget, head=head)
                if head in ZIP_MAGIC:
                    if depth + 1 > limits.max_depth:
                        raise ZipNestedTooDeep(
                            "The ZIP contains a ZIP inside a ZIP. We open only one level of "
                            "ZIP inside a ZIP. Please unpack it and upload the inner files."
                        )
                    yield from _walk_nested(
                        reader,
                        limits=limits,
                        budget=budget,
                        depth=depth + 1,
                        prefix=f"{prefix}{member.name}/",
                        tmp_dir=tmp_dir,
                    )
                    continue
                yield WalkedFile(
                    name=prefix + member.name, declared_size=member.declared_size, stream=reader
                )
                # Drain what the caller did not read so size and CRC checks still run.
                while reader.read(1024 * 1024):
                    pass
            except (zipfile.BadZipFile, zlib.error) as exc:
                raise ZipBroken(
                    "A file inside the ZIP is damaged (its checksum does not match). "
                    "Nothing was imported."
                ) from exc
            except (EOFError, OSError, ValueError) as exc:
                if isinstance(exc, ZipProblem):
                    raise
                raise ZipBroken(
                    "The ZIP archive is damaged or incomplete. Nothing was imported."
                ) from exc
            finally:
                raw.close()


def _walk_nested(
    reader: _MemberReader,
    *,
    limits: ZipLimits,
    budget: _Budget,
    depth: int,
    prefix: str,
    tmp_dir: str | os.PathLike[str] | None,
) -> Iterator[WalkedFile]:
    # The inner archive's own bytes count towards the budget as they are copied out (reader),
    # and its members count again as they are read: both really take space and time.
    with tempfile.TemporaryFile(dir=tmp_dir) as inner:
        shutil.copyfileobj(reader, inner, 1024 * 1024)
        inner.seek(0)
        yield from _walk(
            inner, limits=limits, budget=budget, depth=depth, prefix=prefix, tmp_dir=tmp_dir
        )
