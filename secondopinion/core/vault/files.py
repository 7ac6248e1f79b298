"""The vault's file half, without Django: bytes into a folder in one pass, digests, ZIP copies.

`secondopinion.core.vault` (the package) is the one place stored files go through; this module
holds the parts that need no Django, so the pure readers (a CD's files, the packet) use them too.

Store a stream of bytes on disk in one pass: hash while writing, limit while streaming.

Why one pass: a document's digest is computed exactly once, from the very bytes that land on disk,
and every later step (duplicate check, packet manifest, integrity check) reuses it.

Why a temporary file and a rename: a reader must never see half a file. The bytes go to a hidden
temporary file in the target folder (same filesystem, so the rename is atomic), are flushed and
fsynced, then renamed to a server-generated name. Any error on the way removes the temporary file.

No Django here: the caller passes a folder and gets back a plain `StoredFile`.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import secrets
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO

CHUNK_SIZE = 1024 * 1024
TMP_PREFIX = ".upload-"


class StorageError(Exception):
    """A file could not be stored. `message` is safe to show to the person uploading."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class FileTooLarge(StorageError):
    """The stream went past the size limit; it was stopped there, not read to the end."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"This file is larger than the limit of {human_size(limit)}. Nothing was saved."
        )
        self.limit = limit


class EmptyFile(StorageError):
    def __init__(self) -> None:
        super().__init__("This file is empty (0 bytes). Nothing was saved.")


@dataclass(frozen=True)
class StoredFile:
    """Where the bytes went and what they were. `name` is relative to the storage root."""

    name: str
    path: Path
    size: int
    sha256: str


def human_size(n: int) -> str:
    """Bytes as a short phrase a patient can read (1 decimal, binary units)."""
    size = float(n)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{int(size)} bytes" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"  # pragma: no cover - loop always returns


def name_new(*, suffix: str = "", folder: str = "") -> str:
    """A server-generated stored name: a folder / 32 random hex characters.

    By default the folder is a two-letter shard, which keeps any one directory small. A CD import
    passes its own folder instead (`folder_new`): its thousand files then land in one directory,
    which is much faster to fill than a thousand different ones.
    The suffix is only ever one of ours (e.g. ".png" for previews), never the uploader's.
    """
    token = secrets.token_hex(16)
    return f"{folder or token[:2]}/{token}{suffix}"


def folder_new(kind: str = "disc") -> str:
    """A fresh server-generated folder name for one batch of files (e.g. one CD)."""
    return f"{kind}/{secrets.token_hex(8)}"


def _chunks_of(source: BinaryIO | Iterable[bytes], chunk_size: int) -> Iterator[bytes]:
    read = getattr(source, "read", None)
    if read is None:
        yield from source
        return
    while True:
        chunk = read(chunk_size)
        if not chunk:
            return
        yield chunk


class StreamWriter:
    """Write bytes as they arrive (e.g. from an upload handler), hashing and counting.

    `commit()` fsyncs and renames into place and returns the `StoredFile`; `abort()` removes the
    temporary file. Exactly one of them must end the writer's life (`with` aborts on error).
    """

    def __init__(
        self,
        *,
        root: Path,
        max_bytes: int | None = None,
        allow_empty: bool = False,
        suffix: str = "",
        fsync: bool = True,
        folder: str = "",
        folder_ready: bool = False,
    ) -> None:
        self.name = name_new(suffix=suffix, folder=folder)
        self.final = root / self.name
        if not folder_ready:
            self.final.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = self.final.parent / f"{TMP_PREFIX}{secrets.token_hex(8)}"
        self.max_bytes = max_bytes
        self.allow_empty = allow_empty
        self.fsync = fsync
        self.size = 0
        self._digest = hashlib.sha256()
        # O_EXCL: never follow or reuse something already at this path.
        self._fd = os.open(self.tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)

    def write(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.max_bytes is not None and self.size > self.max_bytes:
            self.abort()
            raise FileTooLarge(self.max_bytes)
        self._digest.update(chunk)
        view = memoryview(chunk)
        while view:
            written = os.write(self._fd, view)
            view = view[written:]

    def commit(self) -> StoredFile:
        try:
            if self.size == 0 and not self.allow_empty:
                raise EmptyFile()
            if self.fsync:
                os.fsync(self._fd)
            os.close(self._fd)
            self._fd = -1
            os.replace(self.tmp, self.final)
        except BaseException:
            self.abort()
            raise
        return StoredFile(
            name=self.name, path=self.final, size=self.size, sha256=self._digest.hexdigest()
        )

    def abort(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
        self.tmp.unlink(missing_ok=True)

    def __enter__(self) -> StreamWriter:
        return self

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if exc_type is not None:
            self.abort()


def stream_store(
    source: BinaryIO | Iterable[bytes],
    *,
    root: Path,
    max_bytes: int | None = None,
    allow_empty: bool = False,
    suffix: str = "",
    fsync: bool = True,
    head: bytes = b"",
    chunk_size: int = CHUNK_SIZE,
    folder: str = "",
    folder_ready: bool = False,
) -> StoredFile:
    """Write `source` (a file object or an iterable of byte chunks) under `root`.

    `head` is bytes the caller already read from the source (for sniffing); they are written first
    so the stored file is byte for byte the original. Raises `FileTooLarge` as soon as the limit is
    crossed and `EmptyFile` for zero bytes (unless `allow_empty`); on any error nothing is left.
    """
    writer = StreamWriter(
        root=root,
        max_bytes=max_bytes,
        allow_empty=allow_empty,
        suffix=suffix,
        fsync=fsync,
        folder=folder,
        folder_ready=folder_ready,
    )
    with writer:
        for chunk in _prepend(head, _chunks_of(source, chunk_size)):
            writer.write(chunk)
        return writer.commit()


def _prepend(head: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    if head:
        yield head
    yield from rest


def file_store(
    path: Path,
    *,
    root: Path,
    max_bytes: int | None = None,
    fsync: bool = True,
    allow_empty: bool = False,
    folder: str = "",
) -> StoredFile:
    """Copy a file from disk into storage, hashing on the way (one read of the source)."""
    with open(path, "rb", buffering=0) as source:
        return stream_store(
            source,
            root=root,
            max_bytes=max_bytes,
            fsync=fsync,
            allow_empty=allow_empty,
            folder=folder,
        )


def stored_remove(*, root: Path, name: str) -> None:
    """Remove a stored file; a missing file is not an error (cleanup must be repeatable)."""
    path = stored_path(root=root, name=name)
    path.unlink(missing_ok=True)


def stored_path(*, root: Path, name: str) -> Path:
    """Resolve a stored name to a path, refusing anything that would leave `root`."""
    root_resolved = root.resolve()
    path = (root_resolved / name).resolve()
    if root_resolved not in path.parents:
        raise StorageError("That stored name is not valid.")
    return path


def folder_fsync(folder: Path) -> None:
    """fsync a directory so renames inside it survive a power cut (POSIX only)."""
    if os.name != "posix":  # pragma: no cover
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def files_sync(*, root: Path, names: Iterable[str]) -> None:
    """Make many stored files durable at once, before the rows that point at them commit.

    On Linux one syncfs(2) on the storage filesystem replaces a journal commit per file (a CD
    has thousands of files); elsewhere each file and its folder are fsynced.
    """
    if _syncfs(root):
        return
    folders = set()
    for name in names:
        path = root / name
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        folders.add(path.parent)
    for folder in folders:
        folder_fsync(folder)


def _syncfs(root: Path) -> bool:
    if not hasattr(os, "sched_getaffinity"):  # a cheap "is this Linux" test
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        syncfs = libc.syncfs
    except (OSError, AttributeError):
        return False
    fd = os.open(root, os.O_RDONLY)
    try:
        return bool(syncfs(fd) == 0)
    finally:
        os.close(fd)


# --- digests and ZIP copies --------------------------------------------------------------------


def stream_digest(source: IO[bytes], *, chunk_size: int = CHUNK_SIZE) -> tuple[str, int]:
    """SHA-256 (hex) and size of what is left to read in `source`, chunk by chunk."""
    digest = hashlib.sha256()
    size = 0
    while chunk := source.read(chunk_size):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def path_digest(path: Path) -> tuple[str, int]:
    """SHA-256 (hex) and size of a file on disk."""
    with open(path, "rb") as source:
        return stream_digest(source)


def same_digest(a: str, b: str) -> bool:
    """Two hex digests compared as recorded (case and stray spaces do not matter)."""
    return a.strip().lower() == b.strip().lower()


@dataclass(frozen=True)
class ZipCopy:
    """What `zip_copy` wrote: the digest and size of the bytes, and whether they match."""

    sha256: str
    size: int
    expected: bool


def zip_copy(
    zf: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    source: IO[bytes],
    *,
    sha256: str = "",
    size: int | None = None,
    buffer: memoryview | None = None,
    advance: Callable[[int], None] | None = None,
) -> ZipCopy:
    """Copy a stored file into a ZIP member in one pass, hashing on the way.

    The packet and the case export both write stored files this way. `sha256` and `size` are what
    the vault recorded when the file was stored; `expected` says whether the copied bytes match
    them (a missing record matches). The caller decides what a mismatch means (the packet stops;
    the export lists it). `buffer` reuses one block for every file; `advance` is told the bytes
    of each block (progress).
    """
    buffer = buffer if buffer is not None else memoryview(bytearray(CHUNK_SIZE))
    digest = hashlib.sha256()
    copied = 0
    readinto = getattr(source, "readinto", None)
    if size is not None:
        info.file_size = size  # lets zipfile pick ZIP64 headers up front for files over 4 GiB
    zip64 = size is None or size > 0xFFFFFFFF
    with zf.open(info, "w", force_zip64=zip64) as out:
        while True:
            if readinto is not None:
                n = readinto(buffer)
                chunk: bytes | memoryview = buffer[:n]
            else:  # some storage streams only offer read()
                chunk = source.read(len(buffer))
                n = len(chunk)
            if not n:
                break
            digest.update(chunk)
            out.write(chunk)
            copied += n
            if advance is not None:
                advance(n)
    hexdigest = digest.hexdigest()
    expected = (size is None or copied == size) and (not sha256 or same_digest(hexdigest, sha256))
    return ZipCopy(sha256=hexdigest, size=copied, expected=expected)
