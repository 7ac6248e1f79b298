"""The vault: the one place every stored file is written, read, opened as a local path,
published, listed, deleted and digested.

Uploads, CD and portal imports, the packet, the case export, backup, restore, the integrity check
and the job lifecycle all go through these functions; nothing else touches `default_storage`.
The parts that need no Django (writing a stream in one pass, digests, copying a file into a ZIP)
live in `vault.files` and are re-exported here, so callers write `vault.stream_store(...)` and
the pure readers can use `vault.files` directly.

Where the files are: the local files folder, or object storage (hosted). The vault writes every
file in one pass (hash while writing, size limit while streaming, atomic rename; see `files`).
That needs a local folder. With a local `FileSystemStorage` the folder is the storage itself and
nothing here adds a step. With object storage (`STORAGE_BACKEND=s3`) the same code writes into a
local staging folder, and `file_publish` then moves each finished file into the storage under the
very same server-generated name, before any row pointing at it commits. Readers that need a real
file (pypdf, pydicom) use `local_copy`; downloads use `stored_chunks`.

Staging folder: the `RECORDS_STAGING_DIR` setting, else `tmp/records` in the data folder. Files
there live only while a request or an import is running.

Functions that take `storage=` default to the site's storage; backup, restore, export and the
integrity check pass another one in tests and when restoring into a bucket.
"""

from __future__ import annotations

import os
import secrets
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, default_storage

from secondopinion.core.vault import files
from secondopinion.core.vault.files import (
    CHUNK_SIZE,
    TMP_PREFIX,
    EmptyFile,
    FileTooLarge,
    StorageError,
    StoredFile,
    StreamWriter,
    ZipCopy,
    file_store,
    files_sync,
    folder_fsync,
    folder_new,
    human_size,
    name_new,
    path_digest,
    same_digest,
    stored_path,
    stored_remove,
    stream_digest,
    stream_store,
    zip_copy,
)

__all__ = [
    "CHUNK_SIZE",
    "TMP_PREFIX",
    "EmptyFile",
    "FileTooLarge",
    "NameChanged",
    "Storage",
    "StorageError",
    "StoredFile",
    "StreamWriter",
    "ZipCopy",
    "file_publish",
    "file_store",
    "files",
    "files_publish",
    "files_sync",
    "folder_fsync",
    "folder_new",
    "human_size",
    "local_copy",
    "name_new",
    "path_digest",
    "same_digest",
    "site_storage",
    "staging_root",
    "storage_is_local",
    "storage_root",
    "stored_chunks",
    "stored_delete",
    "stored_digest",
    "stored_exists",
    "stored_folder_remove",
    "stored_local_path",
    "stored_open",
    "stored_path",
    "stored_remove",
    "stored_save",
    "stored_size",
    "stored_walk",
    "stream_digest",
    "stream_store",
    "zip_copy",
]

COPY_PREFIX = ".copy-"
# Uploads to object storage wait on the network, not the CPU: a few at once fill the link.
PUBLISH_WORKERS = 4


def site_storage() -> Storage:
    """The site's storage (the files folder, or the bucket when hosted)."""
    return default_storage


def storage_is_local(storage: Storage | None = None) -> bool:
    """True when the storage (default: the site's) is a folder on this machine."""
    return isinstance(storage or default_storage, FileSystemStorage)


def staging_root() -> Path:
    configured = getattr(settings, "RECORDS_STAGING_DIR", None)
    root = Path(configured) if configured else Path(settings.DATA_DIR) / "tmp" / "records"
    root.mkdir(parents=True, exist_ok=True)
    return root


def storage_root() -> Path:
    """The folder files are written to in one pass.

    Local storage: the folder behind the default storage (the files stay there). Object storage:
    the staging folder (each finished file is then moved into the bucket by `file_publish`).
    """
    if not storage_is_local():
        return staging_root()
    root = Path(default_storage.location)  # type: ignore[attr-defined]  # a FileSystemStorage
    root.mkdir(parents=True, exist_ok=True)
    return root


class NameChanged(StorageError):
    def __init__(self) -> None:
        super().__init__("The file could not be saved. Nothing was kept. Please try again.")


def file_publish(*, name: str, root: Path) -> None:
    """Move a finished file from `root` into the default storage, keeping its exact name.

    Does nothing on local storage (the file is already in place). On object storage the staged
    copy is removed once the object is written. If the storage would change the name (it never
    should: names are random), the object is removed again and `NameChanged` is raised, because
    the digest and the rows are tied to that name.
    """
    if storage_is_local():
        return
    path = files.stored_path(root=root, name=name)
    try:
        with open(path, "rb") as fh:
            saved = default_storage.save(name, File(fh, name=name))
        if saved != name:
            default_storage.delete(saved)
            raise NameChanged()
    finally:
        path.unlink(missing_ok=True)


def files_publish(*, names: Iterable[str], root: Path, published: list[str]) -> None:
    """`file_publish` for many files (a CD). Each name is added to `published` once its object
    exists, so the caller can remove exactly those if anything fails, here or later."""
    if storage_is_local():
        return
    lock = threading.Lock()

    def one(name: str) -> None:
        file_publish(name=name, root=root)
        with lock:
            published.append(name)

    pool = ThreadPoolExecutor(max_workers=PUBLISH_WORKERS)
    try:
        for _ in pool.map(one, list(names)):
            pass
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def stored_delete(*, name: str) -> None:
    """Remove a vault file wherever it lives; a missing file is not an error."""
    if not name:
        return
    if storage_is_local():
        files.stored_remove(root=storage_root(), name=name)
        return
    default_storage.delete(name)
    # A copy still staged (the request failed before publishing) goes too.
    files.stored_remove(root=staging_root(), name=name)


@contextmanager
def local_copy(name: str, *, on_copy: Callable[[Path], None] | None = None) -> Iterator[Path]:
    """A local path holding the stored file `name`, for readers that need one (pypdf, pydicom).

    Local storage: the stored file itself (no copy). Object storage: a private temporary copy in
    the staging folder, removed on exit; `on_copy(path)` is told its path before it is written
    (a job notes it, so a run killed meanwhile leaves no copy behind). Raises FileNotFoundError
    when the object is missing.
    """
    if storage_is_local():
        yield files.stored_path(root=storage_root(), name=name)
        return
    target = staging_root() / f"{COPY_PREFIX}{secrets.token_hex(16)}"
    if on_copy is not None:
        on_copy(target)
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            for chunk in stored_chunks(name):
                out.write(chunk)
        yield target
    finally:
        target.unlink(missing_ok=True)


def stored_chunks(name: str, *, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
    """The bytes of a stored file, chunk by chunk, without holding it all in memory.

    Opens the file at once, so a missing file raises FileNotFoundError here, before a response
    starts. An S3 file object would read the whole object into a buffer on its first read; its
    boto3 object's body is streamed instead when there is one.
    """
    handle = default_storage.open(name, "rb")
    return _chunks(handle, chunk_size)


def _chunks(handle, chunk_size: int) -> Iterator[bytes]:
    try:
        obj = getattr(handle, "obj", None)
        if obj is not None and hasattr(obj, "get"):
            body = obj.get()["Body"]
            try:
                yield from body.iter_chunks(chunk_size)
            finally:
                body.close()
            return
        while chunk := handle.read(chunk_size):
            yield chunk
    finally:
        handle.close()


def stored_size(name: str) -> int | None:
    try:
        return default_storage.size(name)
    except (OSError, NotImplementedError):
        return None


# --- reading, saving and listing stored names --------------------------------------------------


def stored_open(name: str, *, storage: Storage | None = None) -> IO[bytes]:
    """The stored file `name`, open for reading (FileNotFoundError when it is missing)."""
    return (storage or default_storage).open(name, "rb")


def stored_exists(name: str, *, storage: Storage | None = None) -> bool:
    return bool(name) and (storage or default_storage).exists(name)


def stored_save(name: str, content: Any, *, storage: Storage | None = None) -> str:
    """Save a file object under `name` (a fresh server-generated name); returns the name the
    storage used. For files made whole elsewhere (a report, a packet); uploads and imports are
    written in one pass with `stream_store` and then `file_publish`."""
    target = storage or default_storage
    return target.save(name, content if isinstance(content, File) else File(content, name=name))


def stored_local_path(name: str, *, storage: Storage | None = None) -> Path | None:
    """The file's path when the storage is a local folder, else None (object storage)."""
    target = storage or default_storage
    if not storage_is_local(target):
        return None
    return files.stored_path(root=Path(target.location), name=name)  # type: ignore[attr-defined]


def stored_digest(name: str, *, storage: Storage | None = None) -> tuple[str, int]:
    """SHA-256 (hex) and size of a stored file, read chunk by chunk."""
    with stored_open(name, storage=storage) as handle:
        return stream_digest(handle)


def stored_walk(prefix: str = "", *, storage: Storage | None = None) -> list[str]:
    """Every stored name under `prefix` ("" for all, else ending in "/"), folders walked."""
    target = storage or default_storage
    try:
        dirs, names = target.listdir(prefix)
    except FileNotFoundError:
        return []
    found = [f"{prefix}{name}" for name in names]
    for folder in dirs:
        found.extend(stored_walk(f"{prefix}{folder}/", storage=target))
    return found


def stored_folder_remove(prefix: str, *, storage: Storage | None = None) -> None:
    """Remove every stored file under a folder prefix ("disc/ab12/"), the folder too when local."""
    target = storage or default_storage
    local = stored_local_path(prefix.rstrip("/"), storage=target)
    if local is not None:
        shutil.rmtree(local, ignore_errors=True)
        return
    for name in stored_walk(prefix, storage=target):
        with suppress(FileNotFoundError):
            target.delete(name)
