"""Back up and restore a whole installation: the database and every stored file.

A backup is a folder:
    database.sqlite3 | database.pgdump    the database, taken consistently (see below)
    files/<storage name>                  every stored file, byte for byte
    secret_key                            the installation's secret key (readable by its owner only)
    manifest.json                         format, engine, and size + SHA-256 of every file above
    SHA256SUMS                            the same digests, for `sha256sum -c` by hand

SQLite is copied through the sqlite3 online backup API on the app's own connection, which gives a
consistent snapshot even while the app runs (a plain file copy of a live WAL database can catch it
half-written). PostgreSQL goes through `pg_dump --format=custom`, the server's own consistent dump.

The folder is written under a temporary name and renamed when complete, so a folder called DIR is
always a finished backup. Files are copied after the database snapshot: a file uploaded in between
is carried as an extra (harmless); run backups when the app is quiet, or stopped, to be exact.

Restore checks everything first (every digest in the manifest, the database file's own integrity)
and refuses a damaged backup before anything on the installation is touched. Only then does it
replace the database (SQLite: the backup API again, into the live file, so the WAL stays coherent;
PostgreSQL: `pg_restore --clean --single-transaction`) and swap in the files folder.

The secret key travels with the backup, so after a restore the sessions, share links and invite
links that were valid still are (they are signed or hashed with it). The backup folder is
readable by its owner only (0700, the key file 0600): it holds everything. When the key comes from
the SECRET_KEY environment variable, restore cannot change it and says so if the two differ.

Restore refuses while the app runs (`serve` holds the lock in core/applock.py).

Encrypted at rest (BACKUP_ENCRYPT, on when hosted): every file in the folder (database, secret key,
stored files) is AES-256-GCM ciphertext made in 1 MiB pieces (core/streamcrypt.py), with the key
from BACKUP_KEY_FILE; the manifest keeps each file's plaintext size and SHA-256 (checked after
decryption) and its stored size and SHA-256 (what SHA256SUMS lists, so a copy can be checked
without the key). Everything is written readable by its owner only (folders 0700, files 0600).

Incremental: a stored file whose digest (recorded in the database when it was written), or for
files without one whose name and size, matches the previous backup's manifest is not read again:
it is hard-linked from the previous backup (copied when a link cannot be made). Every backup
folder stays complete on its own, so removing old ones (`backups_prune`, BACKUP_KEEP) never breaks
a newer one.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from django.conf import settings
from django.core.files.storage import Storage, default_storage
from django.db import connection

from secondopinion.core import streamcrypt
from secondopinion.core.applock import AppRunning, app_lock, lock_try
from secondopinion.core.health import PROBE_PREFIX
from secondopinion.operations.filerefs import stored_refs
from secondopinion.operations.integrity import storage_walk
from secondopinion.opinions.packet import SUMS_NAME, sums_line

BACKUP_FORMAT = "secondopinion-backup/1"
MANIFEST = "manifest.json"
CHUNK_SIZE = 1024 * 1024
SQLITE_NAME = "database.sqlite3"
PG_NAME = "database.pgdump"
KEY_NAME = "secret_key"


class BackupError(Exception):
    """The backup or restore could not be done; the message says why, in plain words."""


@dataclass
class BackupResult:
    path: Path
    engine: str
    files: int
    bytes: int
    reused: int = 0  # files linked from the previous backup instead of read again
    encrypted: bool = False


def backup_key(path: Path | None = None) -> bytes:
    """The backup key from `path` or settings.BACKUP_KEY_FILE; BackupError when there is none."""
    key_file = Path(path or settings.BACKUP_KEY_FILE)
    try:
        return streamcrypt.key_parse(key_file.read_text())
    except FileNotFoundError:
        raise BackupError(
            f"There is no backup key at {key_file}. Make one with `secondopinion backup "
            f"--new-key {key_file}`, keep a copy somewhere safe away from the backups, or set "
            "BACKUP_KEY_FILE to where yours is."
        ) from None
    except streamcrypt.BackupKeyError as exc:
        raise BackupError(f"{key_file}: {exc}.") from None


def backup_key_new(path: Path) -> Path:
    """Write a new backup key to `path` (readable by its owner only); never overwrites one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise BackupError(f"{path} already exists; a key is never overwritten.") from None
    with os.fdopen(fd, "w") as handle:
        handle.write(streamcrypt.key_new() + "\n")
    return path


class _Hashing:
    """A file wrapper that hashes what is written through it."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw, self.digest, self.size = raw, hashlib.sha256(), 0

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        self.size += len(data)
        return self.raw.write(data)


def _private_dirs(root: Path, relative: PurePosixPath) -> None:
    folder = root
    for part in relative.parent.parts:
        folder = folder / part
        if not folder.exists():
            folder.mkdir(mode=0o700)


def _store(root: Path, relative: str, source: BinaryIO, key: bytes | None) -> dict[str, Any]:
    """Write one file into the backup (encrypted when there is a key); its manifest entry."""
    target = root / PurePosixPath(relative)
    _private_dirs(root, PurePosixPath(relative))
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as raw:
        stored = _Hashing(raw)
        plain = hashlib.sha256()
        if key is None:
            size = 0
            while chunk := source.read(CHUNK_SIZE):
                plain.update(chunk)
                stored.write(chunk)
                size += len(chunk)
        else:
            size = streamcrypt.encrypt_stream(source, stored, key, seen=plain.update)
        raw.flush()
        os.fsync(raw.fileno())
    entry: dict[str, Any] = {"path": relative, "size": size, "sha256": plain.hexdigest()}
    if key is not None:
        entry["stored_size"], entry["stored_sha256"] = stored.size, stored.digest.hexdigest()
    return entry


def _reuse(previous: Path, entry: dict[str, Any], root: Path) -> dict[str, Any]:
    """Take a file unchanged from the previous backup: a hard link, or a copy across disks."""
    relative = PurePosixPath(entry["path"])
    _private_dirs(root, relative)
    try:
        os.link(previous / relative, root / relative)
    except OSError:
        shutil.copyfile(previous / relative, root / relative)
        os.chmod(root / relative, 0o600)
    return {**entry, "reused_from": previous.name}


def _previous_manifest(previous: Path | None, key: bytes | None) -> dict[str, dict[str, Any]]:
    """name -> entry of the previous backup's files, when it can be built upon (finished, same
    format, same encryption key); empty otherwise, and the backup is then a full one."""
    if previous is None:
        return {}
    try:
        manifest = json.loads((Path(previous) / MANIFEST).read_text())
    except (OSError, ValueError):
        return {}
    wanted = {"scheme": streamcrypt.SCHEME, "key_id": streamcrypt.key_id(key)} if key else None
    if manifest.get("format") != BACKUP_FORMAT or manifest.get("encryption") != wanted:
        return {}
    return {e["path"].removeprefix("files/"): e for e in manifest.get("files", [])}


def _unchanged(
    entry: dict[str, Any] | None,
    known: dict[str, tuple[str, int | None]],
    name: str,
    storage: Storage,
) -> bool:
    if entry is None:
        return False
    digest, size = known.get(name, ("", None))
    if digest:
        return entry["sha256"] == digest
    # No digest recorded for this kind of file (previews, packets): names are made by the server
    # and never reused for other bytes, so the same name and size is the same file.
    return entry["size"] == (size if size is not None else storage.size(name))


def backups_in(root: Path) -> list[Path]:
    """The finished backups in `root`, oldest first."""
    found = []
    for child in Path(root).iterdir() if Path(root).is_dir() else []:
        try:
            manifest = json.loads((child / MANIFEST).read_text())
        except (OSError, ValueError):
            continue
        if manifest.get("format") == BACKUP_FORMAT:
            found.append((manifest.get("created", ""), child.name, child))
    return [path for _, _, path in sorted(found)]


def backups_prune(root: Path, *, keep: int) -> list[Path]:
    """Remove all but the `keep` newest finished backups in `root`; returns those removed.
    Only folders holding a backup manifest are touched."""
    removed = backups_in(root)[:-keep] if keep > 0 else []
    for path in removed:
        shutil.rmtree(path)
    return removed


# --- helpers ---------------------------------------------------------------------------------


def _sha256_path(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_SIZE):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def database_engine() -> str:
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


def pg_tool(name: str) -> str:
    """Path of pg_dump / pg_restore, matching the server's major version when several are
    installed (a pg_dump older than the server refuses to run)."""
    override = os.environ.get(f"{name.upper()}_PATH")
    if override:
        return override
    connection.ensure_connection()
    major = connection.pg_version // 10000  # type: ignore[attr-defined]  # PostgreSQL only
    candidate = Path(f"/usr/lib/postgresql/{major}/bin/{name}")
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"{name} was not found. Install the PostgreSQL client tools (Debian/Ubuntu: "
            f"apt-get install postgresql-client), or set {name.upper()}_PATH to the program."
        )
    return found


def _pg_env_and_args() -> tuple[dict[str, str], list[str]]:
    settings_dict = connection.settings_dict
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    args = []
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    args += ["--no-password", "--dbname", str(settings_dict["NAME"])]
    return env, args


def _run(cmd: list[str], env: dict[str, str], what: str) -> str:
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{what} failed: {result.stderr.strip()[:500]}")
    return result.stdout


# --- backup ----------------------------------------------------------------------------------


def _sqlite_snapshot(target: Path) -> None:
    connection.ensure_connection()
    source: sqlite3.Connection = connection.connection
    dest = sqlite3.connect(target)
    try:
        with dest:
            source.backup(dest)
        # The copy inherits WAL mode from the live database; switch it back to a plain rollback
        # journal so the backup is one self-contained file (no -wal/-shm beside it).
        dest.execute("PRAGMA journal_mode=DELETE").fetchone()
    finally:
        dest.close()
    for leftover in (
        target.with_name(target.name + "-wal"),
        target.with_name(target.name + "-shm"),
    ):
        if leftover.exists():
            raise BackupError(f"The database copy left {leftover.name} behind; backup stopped.")


def _pg_snapshot(target: Path) -> None:
    env, args = _pg_env_and_args()
    cmd = [pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges"]
    _run([*cmd, "--file", str(target), *args], env, "pg_dump")


@contextmanager
def _scratch() -> Iterator[Path]:
    """A private temporary folder in the data folder (plaintext never goes to the backup disk)."""
    base = Path(settings.FILE_UPLOAD_TEMP_DIR)
    base.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="backup-", dir=base))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _database_store(work: Path, engine: str, key: bytes | None) -> dict[str, Any]:
    db_name = SQLITE_NAME if engine == "sqlite" else PG_NAME
    with _scratch() as scratch:
        snapshot = scratch / db_name
        if engine == "sqlite":
            _sqlite_snapshot(snapshot)
        else:
            _pg_snapshot(snapshot)
        with snapshot.open("rb") as handle:
            return _store(work, db_name, handle, key)


def _files_store(
    work: Path, storage: Storage, key: bytes | None, previous: Path | None
) -> tuple[list[dict[str, Any]], int]:
    before = _previous_manifest(previous, key)
    known = {ref.name: (ref.sha256, ref.size) for ref in stored_refs()} if before else {}
    files, reused = [], 0
    for name in sorted(storage_walk(storage)):
        if PurePosixPath(name).name.startswith(".") or name.startswith(PROBE_PREFIX):
            continue  # a write under way, or the health check's probe: not data
        entry = before.get(name)
        if previous is not None and _unchanged(entry, known, name, storage):
            files.append(_reuse(Path(previous), entry, work))
            reused += 1
            continue
        with storage.open(name, "rb") as source:
            files.append(_store(work, f"files/{name}", source, key))
    return files, reused


def installation_backup(
    *,
    out: Path,
    storage: Storage | None = None,
    previous: Path | None = None,
    encrypt: bool | None = None,
    key_file: Path | None = None,
) -> BackupResult:
    """Write a complete backup folder at `out`, which must not exist yet.

    `previous`: an earlier backup whose unchanged files are linked instead of read again.
    `encrypt`: settings.BACKUP_ENCRYPT unless given; the key comes from `key_file` or
    settings.BACKUP_KEY_FILE.
    """
    storage = storage or default_storage
    out = Path(out)
    if out.exists():
        raise BackupError(f"{out} already exists. Choose a new folder name for the backup.")
    engine = database_engine()
    encrypt = settings.BACKUP_ENCRYPT if encrypt is None else encrypt
    key = backup_key(key_file) if encrypt else None
    out.parent.mkdir(parents=True, exist_ok=True)
    work = out.parent / f".{out.name}.partial"
    if work.exists():
        shutil.rmtree(work)  # left by an interrupted earlier run of this same backup
    work.mkdir(mode=0o700)
    with _under_way(work):
        return _backup_write(
            out=out, work=work, engine=engine, storage=storage, key=key, previous=previous
        )


def _backup_write(
    *, out: Path, work: Path, engine: str, storage: Storage, key: Any, previous: Path | None
) -> BackupResult:
    try:
        database = _database_store(work, engine, key)
        files, reused = _files_store(work, storage, key, previous)
        secret_key = _store(work, KEY_NAME, io.BytesIO(settings.SECRET_KEY.encode()), key)
        manifest = {
            "format": BACKUP_FORMAT,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "engine": engine,
            "encryption": {"scheme": streamcrypt.SCHEME, "key_id": streamcrypt.key_id(key)}
            if key
            else None,
            "incremental_from": Path(previous).name if reused else None,
            "database": database,
            "secret_key": secret_key,
            "files": files,
        }
        entries = [database, secret_key, *files]
        _private_write(work / MANIFEST, json.dumps(manifest, indent=2))
        sums = [sums_line(e.get("stored_sha256", e["sha256"]), e["path"]) for e in entries]
        _private_write(work / SUMS_NAME, "".join(sums))
        os.replace(work, out)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    total = sum(e["size"] for e in entries if e is not secret_key)
    return BackupResult(
        path=out,
        engine=engine,
        files=len(files),
        bytes=total,
        reused=reused,
        encrypted=key is not None,
    )


def _private_write(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)


# --- backups cut off half way ----------------------------------------------------------------

UNDER_WAY_DIR = "backups-under-way"  # in the data folder's tmp/: one record per running backup


def _under_way_dir() -> Path:
    return Path(settings.DATA_DIR) / "tmp" / UNDER_WAY_DIR


@contextmanager
def _under_way(work: Path) -> Iterator[None]:
    """A record of this backup's `.partial` folder, locked while the backup runs. A backup that
    was killed leaves the record unlocked, so `partial_backups_remove` knows its folder is dead."""
    folder = _under_way_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    record = folder / f"{secrets.token_hex(8)}.json"
    fd = os.open(record, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        lock_try(fd)  # a fresh file: always ours
        os.write(fd, json.dumps({"partial": str(work)}).encode())
        yield
    finally:
        os.close(fd)
        record.unlink(missing_ok=True)


def partial_backups_remove() -> list[str]:
    """Remove the `.partial` folders of backups that were cut off (their process is gone).
    Returns the folders removed; a backup still running is left alone."""
    removed = []
    folder = _under_way_dir()
    for record in sorted(folder.glob("*.json")) if folder.exists() else []:
        fd = os.open(record, os.O_RDWR)
        try:
            if not lock_try(fd):
                continue  # that backup is running now
            partial = Path(json.loads(record.read_text() or "{}").get("partial", ""))
            if partial.name.endswith(".partial") and partial.is_dir():
                shutil.rmtree(partial, ignore_errors=True)
                removed.append(str(partial))
            record.unlink(missing_ok=True)
        except ValueError:
            record.unlink(missing_ok=True)  # not a record we wrote completely
        finally:
            os.close(fd)
    return removed


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
    digest, size = _sha256_path(file)
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


def _files_restore(backup: Path, manifest: dict, storage: Storage, key: bytes | None) -> None:
    location = getattr(storage, "location", None)
    entries = manifest.get("files", [])
    if location:
        live = Path(location)
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
    for name in storage_walk(storage):
        if name not in wanted:
            storage.delete(name)
    with _scratch() as scratch:
        for name, entry in zip(names, entries, strict=True):
            if storage.exists(name):
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
        shutil.copyfileobj(source, dest, CHUNK_SIZE)
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
    *, path: Path, storage: Storage | None = None, key_file: Path | None = None
) -> dict:
    """Replace this installation's database and files with the backup at `path`.

    Everything is verified first; a damaged backup raises BackupError with nothing changed, and so
    does a running app (the lock `serve` holds). The manifest is returned with "key_note" added.
    """
    try:
        with app_lock(settings.DATA_DIR):
            return _restore(Path(path), storage or default_storage, key_file)
    except AppRunning:
        raise BackupError(
            "The app is running (it holds the lock in the data folder). Stop it (Ctrl+C where "
            "it runs, and any worker), then restore again. Nothing was changed."
        ) from None


def _restore(path: Path, storage: Storage, key_file: Path | None) -> dict:
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
