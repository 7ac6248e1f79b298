"""The data folder is private to the computer's user: folders 0700, files 0600.

It holds the database (every case's text, password hashes, the audit trail), the documents and the
secret key. `PRIVATE_UMASK` is set by the command line and the WSGI entry point before anything is
written, so new files are private from the first run; `make_private()` fixes an existing folder
(`secondopinion setup` runs it on every start).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE_UMASK = 0o077
DIR_MODE = 0o700
FILE_MODE = 0o600


def use_private_umask() -> None:
    if os.name == "posix":
        os.umask(PRIVATE_UMASK)


def make_private(root: Path) -> int:
    """Make every folder under `root` (and root) 0700 and every file 0600; returns how many paths
    were changed. Symbolic links are left alone (their targets may be outside the folder)."""
    if os.name != "posix" or not root.exists():
        return 0
    changed = 0
    for path in [root, *root.rglob("*")]:
        try:
            info = path.lstat()
        except FileNotFoundError:  # removed while we walked (a finished upload, a worker's temp)
            continue
        if stat.S_ISLNK(info.st_mode):
            continue
        want = DIR_MODE if stat.S_ISDIR(info.st_mode) else FILE_MODE
        if stat.S_IMODE(info.st_mode) != want:
            os.chmod(path, want)
            changed += 1
    return changed
