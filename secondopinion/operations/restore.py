"""Check and restore a backup made by `operations.backup` (the folder's layout is described there).

Restore checks everything first (every digest in the manifest, the database file's own integrity)
and refuses a damaged backup before anything on the installation is touched. Only then does it
replace the database (SQLite: the backup API again, into the live file, so the WAL stays coherent;
PostgreSQL: `pg_restore --clean --single-transaction`) and swap in the files folder. An encrypted
backup is decrypted with the key from BACKUP_KEY_FILE (or the one given).

The secret key travels with the backup, so after a restore the sessions, share links and invite
links that were valid still are. When the key comes from the SECRET_KEY environment variable,
restore cannot change it and says so if the two differ. Restore refuses while the app runs
(`serve` holds the lock in core/applock.py).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from django.conf import settings
from django.db import connection

from secondopinion.core import streamcrypt, vault
from secondopinion.core.applock import AppRunning, app_lock
from secondopinion.operations.backup import (
    BACKUP_FORMAT,
    KEY_NAME,
    MANIFEST,
    BackupError,
    _Hashing,
    _pg_env_and_args,
    _private_dirs,
    _run,
    _scratch,
    backup_key,
    database_engine,
    pg_tool,
)

# --- checking a backup -----------------------------------------------------------------------


def backup_verify(path: Path, *, key_file: Path | None = None) -> dict:
    """Check a backup folder completely; returns its manifest or raises BackupError naming the
    first problem. Reads (and for an encrypted backup, decrypts) every byte; touches nothing
    outside the folder but a private scratch folder."""
    path = Path(path)
    manifest = _manifest_read(path)
    key = _key_for(manifest, key_file)
    # Backups made before the key was carried have no "secret_key" entry; they still restore.
    key_entry = [manifest["secret_key"]] if manifest.get("secret_key") else []
    for entry in [manifest["database"], *key_entry, *manifest.get("files", [])]:
        _entry_check(path, entry, key)
    with _scratch() as scratch:
        database = _plain_file(path, manifest["database"], key, scratch)
        if manifest["engine"] == "sqlite":
            _sqlite_verify(database)
        else:
            _pg_verify(database)
    return manifest


def _manifest_read(path: Path) -> dict:
    try:
        manifest = json.loads((path / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(f"{path} has no {MANIFEST}: it is not a finished backup.") from None
    except ValueError:
        raise BackupError(f"{MANIFEST} in {path} is damaged.") from None
    if manifest.get("format") != BACKUP_FORMAT:
        raise BackupError(f"{path} is not a backup this version can read.")
    return manifest


def _key_for(manifest: dict, key_file: Path | None) -> bytes | None:
    encryption = manifest.get("encryption")
    if not encryption:
        return None
    if encryption.get("scheme") != streamcrypt.SCHEME:
        raise BackupError("This backup is encrypted in a way this version cannot read.")
    key = backup_key(key_file)
    if streamcrypt.key_id(key) != encryption.get("key_id"):
        raise BackupError(
            "This backup was encrypted with another key (its key id is "
            f"{encryption.get('key_id')}). Set BACKUP_KEY_FILE to the key it was made with."
        )
    return key


def _entry_check(path: Path, entry: dict, key: bytes | None) -> None:
    root = path.resolve()
    file = (path / entry["path"]).resolve()
    if root not in file.parents:
        raise BackupError(f"{MANIFEST} names a file outside the backup: {entry['path']}")
    if not file.is_file():
        raise BackupError(f"{entry['path']} is missing from the backup.")
    stored_size = entry.get("stored_size", entry["size"])
    digest, size = vault.path_digest(file)
    if size != stored_size:
        raise BackupError(f"{entry['path']} is {size} bytes but was {stored_size} (cut short?).")
    if digest != entry.get("stored_sha256", entry["sha256"]):
        raise BackupError(f"{entry['path']} has changed since the backup was made.")
    if key is None:
        return
    plain = _Hashing(_Discard())  # type: ignore[arg-type]
    with file.open("rb") as handle:
        try:
            streamcrypt.decrypt_stream(handle, plain, key)
        except streamcrypt.DecryptError as exc:
            raise BackupError(f"{entry['path']} cannot be decrypted: {exc}.") from None
    if (plain.size, plain.digest.hexdigest()) != (entry["size"], entry["sha256"]):
        raise BackupError(f"{entry['path']} does not decrypt to what was backed up.")


class _Discard:
    def write(self, data: bytes) -> int:
        return len(data)


def _plain_file(path: Path, entry: dict, key: bytes | None, scratch: Path) -> Path:
    """The plaintext of one backup file: the file itself, or decrypted into `scratch`."""
    source = path / entry["path"]
    if key is None:
        return source
    target = scratch / PurePosixPath(entry["path"]).name
    target.unlink(missing_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with source.open("rb") as handle, os.fdopen(fd, "wb") as dest:
        try:
            streamcrypt.decrypt_stream(handle, dest, key)
        except streamcrypt.DecryptError as exc:
            raise BackupError(f"{entry['path']} cannot be decrypted: {exc}.") from None
    return target


def _sqlite_verify(database: Path) -> None:
    try:
        check = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
        try:
            result = check.execute("PRAGMA integrity_check").fetchone()
        finally:
            check.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"The database in the backup cannot be read ({exc}).") from None
    if not result or result[0] != "ok":
        raise BackupError("The database in the backup is damaged (SQLite integrity check).")


def _pg_verify(database: Path) -> None:
    _run([pg_tool("pg_restore"), "--list", str(database)], dict(os.environ), "Reading the dump")


# --- restore ---------------------------------------------------------------------------------


def _sqlite_restore(database: Path) -> None:
    connection.ensure_connection()
    if connection.in_atomic_block:
        raise BackupError("Restore cannot run inside a database transaction.")
    dest: sqlite3.Connection = connection.connection
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        source.backup(dest)
    finally:
        source.close()


def _pg_restore(database: Path) -> None:
    env, args = _pg_env_and_args()
    connection.close()  # our own session must not hold locks on the tables being replaced
    cmd = [
        pg_tool("pg_restore"),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
    ]
    _run([*cmd, *args, str(database)], env, "pg_restore")


def _files_restore(backup: Path, manifest: dict, storage: vault.Storage, key: bytes | None) -> None:
    entries = manifest.get("files", [])
    if vault.storage_is_local(storage):
        live = Path(storage.location)  # type: ignore[attr-defined]  # a FileSystemStorage
        staged = live.parent / f".{live.name}.restoring"
        shutil.rmtree(staged, ignore_errors=True)
        staged.mkdir(parents=True, mode=0o700)
        for entry in entries:
            relative = PurePosixPath(entry["path"].removeprefix("files/"))
            _private_dirs(staged, relative)
            with (backup / entry["path"]).open("rb") as source:
                fd = os.open(staged / relative, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as dest:
                    _plain_copy(source, dest, key)
        old = live.parent / f".{live.name}.before-restore"
        shutil.rmtree(old, ignore_errors=True)
        if live.exists():
            os.replace(live, old)
        os.replace(staged, live)
        shutil.rmtree(old, ignore_errors=True)
        return
    # Object storage: make the bucket hold exactly the backup's files.
    names = [entry["path"].removeprefix("files/") for entry in entries]
    wanted = set(names)
    for name in vault.stored_walk(storage=storage):
        if name not in wanted:
            storage.delete(name)
    with _scratch() as scratch:
        for name, entry in zip(names, entries, strict=True):
            if vault.stored_exists(name, storage=storage):
                storage.delete(name)
            plain = _plain_file(backup, entry, key, scratch)
            with plain.open("rb") as handle:
                saved = storage.save(name, handle)
            if plain.parent == scratch:
                plain.unlink()
            if saved != name:
                raise BackupError(f"The storage renamed {name} to {saved}; restore stopped.")


def _plain_copy(source: BinaryIO, dest: BinaryIO, key: bytes | None) -> None:
    if key is None:
        shutil.copyfileobj(source, dest, vault.CHUNK_SIZE)
    else:
        streamcrypt.decrypt_stream(source, dest, key)


def _secret_key_restore(
    backup: Path, manifest: dict, data_dir: Path, backup_key_: bytes | None
) -> str:
    """Put the backup's secret key in place; returns a plain note on what happened to the key."""
    if not manifest.get("secret_key"):
        return "The backup holds no secret key (an older backup): everyone signs in again."
    with _scratch() as scratch:
        key = _plain_file(backup, manifest["secret_key"], backup_key_, scratch).read_text().strip()
    if os.environ.get("SECRET_KEY"):
        if key == os.environ["SECRET_KEY"]:
            return "The secret key matches SECRET_KEY: sessions and links stay valid."
        return (
            "The backup's secret key differs from the SECRET_KEY environment variable. Set "
            f"SECRET_KEY to the key in {backup / KEY_NAME} to keep sessions and links valid"
            + (" (it is encrypted: decrypt it with the backup key)." if backup_key_ else ".")
        )
    target = Path(data_dir) / KEY_NAME
    staged = target.with_name(f".{KEY_NAME}.restoring")
    staged.unlink(missing_ok=True)
    staged.touch(mode=0o600)
    staged.write_text(key)
    os.replace(staged, target)
    return "The secret key was restored: sessions and links stay valid after the next start."


def installation_restore(
    *, path: Path, storage: vault.Storage | None = None, key_file: Path | None = None
) -> dict:
    """Replace this installation's database and files with the backup at `path`.

    Everything is verified first; a damaged backup raises BackupError with nothing changed, and so
    does a running app (the lock `serve` holds). The manifest is returned with "key_note" added.
    """
    try:
        with app_lock(settings.DATA_DIR):
            return _restore(Path(path), storage or vault.site_storage(), key_file)
    except AppRunning:
        raise BackupError(
            "The app is running (it holds the lock in the data folder). Stop it (Ctrl+C where "
            "it runs, and any worker), then restore again. Nothing was changed."
        ) from None


def _restore(path: Path, storage: vault.Storage, key_file: Path | None) -> dict:
    try:
        manifest = backup_verify(path, key_file=key_file)
    except BackupError as exc:
        raise BackupError(f"{exc} Nothing was changed.") from None
    engine = database_engine()
    if manifest["engine"] != engine:
        raise BackupError(
            f"This backup holds a {manifest['engine']} database, but this installation uses "
            f"{engine}. Nothing was changed."
        )
    key = _key_for(manifest, key_file)
    with _scratch() as scratch:
        database = _plain_file(path, manifest["database"], key, scratch)
        if engine == "sqlite":
            _sqlite_restore(database)
        else:
            _pg_restore(database)
    _files_restore(path, manifest, storage, key)
    manifest["key_note"] = _secret_key_restore(path, manifest, settings.DATA_DIR, key)
    return manifest
