"""A bounded, private folder of rendered slices, so each slice is drawn once.

Entries live in `<root>/<group>/<key>.png` with a `<key>.json` beside it (position, window, size).
A group is one case, so deleting a case removes its folder at once (`group_remove`). Folders are
0700 and files 0600: rendered slices are health data. Writes go to a temporary name and are renamed
into place, so a reader never sees half a file. After each write, the oldest entries (by last use)
are removed until the whole cache is under `max_bytes`. No Django here.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_SAFE = re.compile(r"^[A-Za-z0-9_-]{1,80}$")


@dataclass(frozen=True)
class Cached:
    png_path: Path
    meta: dict[str, Any]


class SliceCache:
    def __init__(self, root: Path, *, max_bytes: int) -> None:
        self.root = Path(root)
        self.max_bytes = max_bytes

    def _paths(self, group: str, key: str) -> tuple[Path, Path]:
        if not _SAFE.match(group) or not _SAFE.match(key):
            raise ValueError("cache names are letters, digits, - and _ only")
        folder = self.root / group
        return folder / f"{key}.png", folder / f"{key}.json"

    def get(self, group: str, key: str) -> Cached | None:
        png, meta = self._paths(group, key)
        try:
            data = json.loads(meta.read_text())
            if not png.is_file():
                return None
            os.utime(meta)  # last use, for eviction
        except (OSError, ValueError):
            return None
        return Cached(png_path=png, meta=data)

    def put(self, group: str, key: str, *, png: bytes, meta: dict[str, Any]) -> Path:
        png_path, meta_path = self._paths(group, key)
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        png_path.parent.mkdir(mode=0o700, exist_ok=True)
        _write_private(png_path, png)
        _write_private(meta_path, json.dumps(meta).encode())  # written last: marks it complete
        self.trim()
        return png_path

    def group_remove(self, group: str) -> None:
        if _SAFE.match(group):
            shutil.rmtree(self.root / group, ignore_errors=True)

    def size(self) -> int:
        return sum(size for _, size, _ in self._entries())

    def _entries(self) -> list[tuple[float, int, Path]]:
        """(last use, bytes, meta path) of every entry."""
        entries = []
        try:
            groups = list(os.scandir(self.root))
        except OSError:
            return []
        for group in groups:
            if not group.is_dir(follow_symlinks=False):
                continue
            with os.scandir(group.path) as files:
                sizes: dict[str, int] = {}
                used: dict[str, float] = {}
                for entry in files:
                    stem, _, suffix = entry.name.rpartition(".")
                    try:
                        stat = entry.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    sizes[stem] = sizes.get(stem, 0) + stat.st_size
                    if suffix == "json":
                        used[stem] = stat.st_mtime
            entries += [
                (used.get(stem, 0.0), size, Path(group.path) / f"{stem}.json")
                for stem, size in sizes.items()
            ]
        return entries

    def trim(self) -> None:
        """Remove the least recently used entries until the cache fits in `max_bytes`."""
        entries = self._entries()
        total = sum(size for _, size, _ in entries)
        if total <= self.max_bytes:
            return
        for _, size, meta in sorted(entries):
            meta.unlink(missing_ok=True)
            meta.with_suffix(".png").unlink(missing_ok=True)
            total -= size
            if total <= self.max_bytes:
                return


def _write_private(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{secrets.token_hex(8)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
