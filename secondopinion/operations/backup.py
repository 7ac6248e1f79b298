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
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files.storage import Storage, default_storage
from django.db import connection

from secondopinion.core.applock import AppRunning, app_lock
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


# --- helpers ---------------------------------------------------------------------------------


def _sha256_path(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_SIZE):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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
    major = connection.pg_version // 10000
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


def _stored_copy(storage: Storage, name: str, target: Path) -> dict:
    """Copy one stored file to `target` (synced to disk); its manifest entry."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    with storage.open(name, "rb") as source, target.open("wb") as dest:
        while chunk := source.read(CHUNK_SIZE):
            digest.update(chunk)
            dest.write(chunk)
            size += len(chunk)
        dest.flush()
        os.fsync(dest.fileno())
    return {"path": f"files/{name}", "size": size, "sha256": digest.hexdigest()}


def installation_backup(*, out: Path, storage: Storage | None = None) -> BackupResult:
    """Write a complete backup folder at `out`, which must not exist yet."""
    storage = storage or default_storage
    out = Path(out)
    if out.exists():
        raise BackupError(f"{out} already exists. Choose a new folder name for the backup.")
    engine = database_engine()
    out.parent.mkdir(parents=True, exist_ok=True)
    work = out.parent / f".{out.name}.partial"
    if work.exists():
        shutil.rmtree(work)  # left by an interrupted earlier run of this same backup
    work.mkdir(mode=0o700)
    try:
        db_name = SQLITE_NAME if engine == "sqlite" else PG_NAME
        if engine == "sqlite":
            _sqlite_snapshot(work / db_name)
        else:
            _pg_snapshot(work / db_name)
        _fsync_file(work / db_name)
        digest, size = _sha256_path(work / db_name)
        database = {"path": db_name, "size": size, "sha256": digest}
        files = []
        total = size
        for name in sorted(storage_walk(storage)):
            if PurePosixPath(name).name.startswith("."):
                continue  # a temporary file of a write under way is not data
            entry = _stored_copy(storage, name, work / "files" / PurePosixPath(name))
            files.append(entry)
            total += entry["size"]
        key_file = work / KEY_NAME
        key_file.touch(mode=0o600)
        key_file.write_text(settings.SECRET_KEY)
        key_digest, key_size = _sha256_path(key_file)
        secret_key = {"path": KEY_NAME, "size": key_size, "sha256": key_digest}
        manifest = {
            "format": BACKUP_FORMAT,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "engine": engine,
            "database": database,
            "secret_key": secret_key,
            "files": files,
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2))
        sums = [sums_line(database["sha256"], database["path"])]
        sums.append(sums_line(secret_key["sha256"], secret_key["path"]))
        sums += [sums_line(f["sha256"], f["path"]) for f in files]
        (work / SUMS_NAME).write_text("".join(sums))
        os.replace(work, out)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return BackupResult(path=out, engine=engine, files=len(files), bytes=total)


# --- checking a backup -----------------------------------------------------------------------


def backup_verify(path: Path) -> dict:
    """Check a backup folder completely; returns its manifest or raises BackupError naming the
    first problem. Reads every byte; touches nothing outside the folder."""
    path = Path(path)
    try:
        manifest = json.loads((path / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(f"{path} has no {MANIFEST}: it is not a finished backup.") from None
    except ValueError:
        raise BackupError(f"{MANIFEST} in {path} is damaged.") from None
    if manifest.get("format") != BACKUP_FORMAT:
        raise BackupError(f"{path} is not a backup this version can read.")
    # Backups made before the key was carried have no "secret_key" entry; they still restore.
    key_entry = [manifest["secret_key"]] if manifest.get("secret_key") else []
    entries = [manifest["database"], *key_entry, *manifest.get("files", [])]
    root = path.resolve()
    for entry in entries:
        file = (path / entry["path"]).resolve()
        if root not in file.parents:
            raise BackupError(f"{MANIFEST} names a file outside the backup: {entry['path']}")
        if not file.is_file():
            raise BackupError(f"{entry['path']} is missing from the backup.")
        digest, size = _sha256_path(file)
        if size != entry["size"]:
            raise BackupError(
                f"{entry['path']} is {size} bytes but was {entry['size']} (cut short?)."
            )
        if digest != entry["sha256"]:
            raise BackupError(f"{entry['path']} has changed since the backup was made.")
    database = path / manifest["database"]["path"]
    if manifest["engine"] == "sqlite":
        _sqlite_verify(database)
    else:
        _pg_verify(database)
    return manifest


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


def _files_restore(backup: Path, manifest: dict, storage: Storage) -> None:
    location = getattr(storage, "location", None)
    names = [entry["path"].removeprefix("files/") for entry in manifest.get("files", [])]
    if location:
        live = Path(location)
        staged = live.parent / f".{live.name}.restoring"
        shutil.rmtree(staged, ignore_errors=True)
        if (backup / "files").exists():
            shutil.copytree(backup / "files", staged)
        else:
            staged.mkdir(parents=True)
        old = live.parent / f".{live.name}.before-restore"
        shutil.rmtree(old, ignore_errors=True)
        if live.exists():
            os.replace(live, old)
        os.replace(staged, live)
        shutil.rmtree(old, ignore_errors=True)
        return
    # Object storage: make the bucket hold exactly the backup's files.
    wanted = set(names)
    for name in storage_walk(storage):
        if name not in wanted:
            storage.delete(name)
    for name in names:
        if storage.exists(name):
            storage.delete(name)
        with (backup / "files" / PurePosixPath(name)).open("rb") as handle:
            saved = storage.save(name, handle)
        if saved != name:
            raise BackupError(f"The storage renamed {name} to {saved}; restore stopped.")


def _secret_key_restore(backup: Path, manifest: dict, data_dir: Path) -> str:
    """Put the backup's secret key in place; returns a plain note on what happened to the key."""
    if not manifest.get("secret_key"):
        return "The backup holds no secret key (an older backup): everyone signs in again."
    key = (backup / manifest["secret_key"]["path"]).read_text().strip()
    if os.environ.get("SECRET_KEY"):
        if key == os.environ["SECRET_KEY"]:
            return "The secret key matches SECRET_KEY: sessions and links stay valid."
        return (
            "The backup's secret key differs from the SECRET_KEY environment variable. Set "
            f"SECRET_KEY to the key in {backup / KEY_NAME} to keep sessions and links valid."
        )
    target = Path(data_dir) / KEY_NAME
    staged = target.with_name(f".{KEY_NAME}.restoring")
    staged.unlink(missing_ok=True)
    staged.touch(mode=0o600)
    staged.write_text(key)
    os.replace(staged, target)
    return "The secret key was restored: sessions and links stay valid after the next start."


def installation_restore(*, path: Path, storage: Storage | None = None) -> dict:
    """Replace this installation's database and files with the backup at `path`.

    Everything is verified first; a damaged backup raises BackupError with nothing changed, and so
    does a running app (the lock `serve` holds). The manifest is returned with "key_note" added.
    """
    try:
        with app_lock(settings.DATA_DIR):
            return _restore(Path(path), storage or default_storage)
    except AppRunning:
        raise BackupError(
            "The app is running (it holds the lock in the data folder). Stop it (Ctrl+C where "
            "it runs, and any worker), then restore again. Nothing was changed."
        ) from None


def _restore(path: Path, storage: Storage) -> dict:
    try:
        manifest = backup_verify(path)
    except BackupError as exc:
        raise BackupError(f"{exc} Nothing was changed.") from None
    engine = database_engine()
    if manifest["engine"] != engine:
        raise BackupError(
            f"This backup holds a {manifest['engine']} database, but this installation uses "
            f"{engine}. Nothing was changed."
        )
    database = path / manifest["database"]["path"]
    if engine == "sqlite":
        _sqlite_restore(database)
    else:
        _pg_restore(database)
    _files_restore(path, manifest, storage)
    manifest["key_note"] = _secret_key_restore(path, manifest, settings.DATA_DIR)
    return manifest
