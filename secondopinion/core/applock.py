"""One lock file in the data folder says "the app is running here".

`serve` holds it for as long as it runs (its worker runs under it); `restore` takes it and so
refuses while the app runs, because replacing the database and files under a live app would mix
old and new. The lock is the operating system's own (flock on Linux and macOS, msvcrt on Windows),
so it goes away with the process, even after `kill -9`: a stale lock file never blocks anything.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = "app.lock"


class AppRunning(Exception):
    """Another process (the running app) holds the lock."""


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import msvcrt  # noqa: PLC0415 - exists on Windows only

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl  # noqa: PLC0415 - exists on POSIX only

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def lock_try(fd: int) -> bool:
    """Take the operating system's lock on an open file, without waiting; False when another
    process holds it. Other "this is under way" files (a backup's record) use it too."""
    return _try_lock(fd)


def lock_held(path: Path) -> bool:
    """True when another process holds the lock on the file at `path` (False when it is gone)."""
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return False
    try:
        return not _try_lock(fd)
    finally:
        os.close(fd)


def app_running(data_dir: Path) -> bool:
    """True when a process holds the app lock of `data_dir` (the app runs there)."""
    try:
        with app_lock(data_dir):
            return False
    except AppRunning:
        return True


@contextmanager
def app_lock(data_dir: Path) -> Iterator[None]:
    """Hold the app lock of `data_dir` for the block; raise AppRunning if someone else holds it."""
    path = Path(data_dir) / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if not _try_lock(fd):
            raise AppRunning(str(path))
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        os.close(fd)  # closing releases the lock
