"""Back up a whole installation: the database and every stored file.

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

Checking a backup and restoring it are in `operations/restore.py`.

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
from django.db import connection

from secondopinion.core import streamcrypt, vault
from secondopinion.core.applock import lock_held, lock_try
from secondopinion.core.health import PROBE_PREFIX
from secondopinion.operations.filerefs import stored_refs
from secondopinion.opinions.packet import SUMS_NAME, sums_line

BACKUP_FORMAT = "secondopinion-backup/1"
MANIFEST = "manifest.json"
CHUNK_SIZE = vault.CHUNK_SIZE
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


def _store(
    root: Path, relative: str, source: streamcrypt.Reader, key: bytes | None
) -> dict[str, Any]:
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
    storage: vault.Storage,
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
    folder = Path(tempfile.mkdtemp(prefix=BACKUP_SCRATCH_PREFIX, dir=base))
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
    work: Path, storage: vault.Storage, key: bytes | None, previous: Path | None
) -> tuple[list[dict[str, Any]], int]:
    before = _previous_manifest(previous, key)
    known = {ref.name: (ref.sha256, ref.size) for ref in stored_refs()} if before else {}
    files, reused = [], 0
    for name in sorted(vault.stored_walk(storage=storage)):
        if PurePosixPath(name).name.startswith(".") or name.startswith(PROBE_PREFIX):
            continue  # a write under way, or the health check's probe: not data
        entry = before.get(name)
        if previous is not None and entry is not None and _unchanged(entry, known, name, storage):
            files.append(_reuse(Path(previous), entry, work))
            reused += 1
            continue
        with vault.stored_open(name, storage=storage) as source:
            files.append(_store(work, f"files/{name}", source, key))
    return files, reused


def installation_backup(
    *,
    out: Path,
    storage: vault.Storage | None = None,
    previous: Path | None = None,
    encrypt: bool | None = None,
    key_file: Path | None = None,
) -> BackupResult:
    """Write a complete backup folder at `out`, which must not exist yet.

    `previous`: an earlier backup whose unchanged files are linked instead of read again.
    `encrypt`: settings.BACKUP_ENCRYPT unless given; the key comes from `key_file` or
    settings.BACKUP_KEY_FILE.
    """
    storage = storage or vault.site_storage()
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
    *, out: Path, work: Path, engine: str, storage: vault.Storage, key: Any, previous: Path | None
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
            "incremental_from": previous.name if reused and previous else None,
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
BACKUP_SCRATCH_PREFIX = "backup-"  # the database snapshot's folder in tmp/ (`_scratch`)


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


def backup_running() -> bool:
    """True when a backup of this data folder runs now (its record is locked)."""
    folder = _under_way_dir()
    return any(lock_held(r) for r in folder.glob("*.json")) if folder.exists() else False


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
