"""Walk an imaging CD (a folder or a ZIP), keep the DICOM files, and index them. No Django.

One pass over the bytes: each candidate file is streamed into storage while its SHA-256 is
computed (`vault_files.stream_store`), then its header alone is read back from the fresh copy,
which is still in the page cache. Everything that is not DICOM (viewer programs, autorun files,
the DICOMDIR table of contents, readme files) is skipped without being copied, and counted.

`DiscScan.stored` lists every file written so far, so a caller can remove them all if anything
fails later (the Django side deletes them when its transaction rolls back). Memory stays flat:
only small per-image records are kept, never pixel data or file contents.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from secondopinion.core.vault import files as vault_files
from secondopinion.records import safezip
from secondopinion.records.dicom.headers import (
    FAST_BYTES,
    DicomProblem,
    InstanceHeader,
    header_from_head,
    header_read,
)
from secondopinion.records.dicom.index import DiscIndex
from secondopinion.records.dicom.previews import DEFAULT_MAX_PIXELS, preview_png
from secondopinion.records.dicom.sniff import HEAD_BYTES, dicom_sniff

ProgressFn = Callable[[int, int], None]  # (bytes done, bytes total)


@dataclass
class _Outcome:
    """What happened to one file; exactly one of skip / problem / header is the verdict."""

    name: str
    size: int
    skip: str = ""
    problem: str = ""
    header: InstanceHeader | None = None
    stored: vault_files.StoredFile | None = None


@dataclass
class DiscScan:
    """One import of one disc into the storage folder `root`."""

    root: Path
    max_file_bytes: int | None = None
    zip_limits: safezip.ZipLimits = field(default_factory=safezip.ZipLimits)
    fsync: bool = True
    on_progress: ProgressFn | None = None
    index: DiscIndex = field(default_factory=DiscIndex)
    stored: list[str] = field(default_factory=list)
    previews: dict[str, str] = field(default_factory=dict)  # series uid -> stored PNG name
    bytes_total: int = 0
    bytes_done: int = 0
    # Threads overlap one file's hashing with another's disc waits (fsync, reads): even on two
    # cores, four keep the disc busy. The GIL is released by hashing, reads, writes and fsync.
    workers: int = 4
    # All files of one disc go into one fresh folder (see vault_files.name_new).
    folder: str = field(default_factory=vault_files.folder_new)
    _folder_ready: bool = False

    # -- sources --------------------------------------------------------------------------

    def _folder_make(self) -> None:
        (self.root / self.folder).mkdir(parents=True, exist_ok=True)
        self._folder_ready = True

    def folder_scan(self, folder: Path) -> DiscIndex:
        """Import every DICOM file under `folder`. Symbolic links are never followed."""
        self._folder_make()
        files: list[tuple[Path, str, int]] = []
        for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
            dirnames.sort()
            for filename in sorted(filenames):
                path = Path(dirpath) / filename
                rel = path.relative_to(folder).as_posix()
                if path.is_symlink() or not path.is_file():
                    self.index.skip(path=rel, size=0, reason="a shortcut, not a file")
                    continue
                files.append((path, rel, path.stat().st_size))
        self.bytes_total = sum(size for _, _, size in files)

        def work(item: tuple[Path, str, int]) -> _Outcome:
            path, rel, size = item
            with open(path, "rb", buffering=0) as source:
                return self._work(source, name=rel, size=size)

        # Hashing and writing release the GIL, so a second thread overlaps one file's hashing
        # with another's disc access. Outcomes are applied in order, in this thread.
        if self.workers <= 1:
            for item in files:
                self._apply(work(item))
            return self.index
        pool = ThreadPoolExecutor(max_workers=self.workers)
        try:
            for outcome in pool.map(work, files):
                self._apply(outcome)
        finally:
            # On failure, stop queued files at once; running ones finish and are listed in
            # `stored`, so `cleanup()` removes them too.
            pool.shutdown(wait=True, cancel_futures=True)
        return self.index

    def zip_scan(self, archive: Path | BinaryIO, *, tmp_dir: Path | None = None) -> DiscIndex:
        """Import every DICOM file inside a ZIP, with all the checks of `safezip`."""
        self._folder_make()
        for item in safezip.zip_walk(archive, limits=self.zip_limits, tmp_dir=tmp_dir):
            self._take(item.stream, name=item.name, size=item.declared_size)  # type: ignore[arg-type]
        return self.index

    def source_scan(self, source: Path, *, tmp_dir: Path | None = None) -> DiscIndex:
        """A folder or a ZIP file, decided by content."""
        if source.is_dir():
            return self.folder_scan(source)
        with open(source, "rb") as fh:
            head = fh.read(4)
        if head not in safezip.ZIP_MAGIC:
            raise safezip.NotAZip("This is neither a folder nor a ZIP file.")
        # Progress is measured against what the ZIP says it holds (checked again while reading).
        self.bytes_total = safezip.zip_declared_total(source)
        with open(source, "rb") as archive:
            return self.zip_scan(archive, tmp_dir=tmp_dir)

    # -- one file -------------------------------------------------------------------------

    def _take(self, source: BinaryIO, *, name: str, size: int) -> None:
        self._apply(self._work(source, name=name, size=size))

    def _work(self, source: BinaryIO, *, name: str, size: int) -> _Outcome:
        """Everything for one file that can run in a worker thread (no shared index writes)."""
        head = _read_up_to(source, HEAD_BYTES)
        kind = dicom_sniff(head)
        if kind == "executable":
            return _Outcome(
                name,
                size,
                problem="looks like a scan, but its first bytes hold a computer program; "
                "for safety it was not imported",
            )
        if kind == "other":
            return _Outcome(name, size, skip="not a DICOM image")
        # The header is read from bytes we hold anyway, so the file is read from disc once.
        head += _read_up_to(source, FAST_BYTES - len(head))
        header = None
        if kind == "dicom":
            try:
                header = header_from_head(head, complete=len(head) < FAST_BYTES, size=size)
            except DicomProblem as exc:
                return _Outcome(name, size, problem=exc.message)
            if header is not None and (
                header.is_directory or self.index.has_instance(header.sop_instance_uid)
            ):
                return _Outcome(name, size, header=header)
        stored = vault_files.stream_store(
            source,
            root=self.root,
            max_bytes=self.max_file_bytes,
            head=head,
            fsync=self.fsync,
            allow_empty=True,
            folder=self.folder,
            folder_ready=self._folder_ready,
        )
        self.stored.append(stored.name)  # at once, so a failure later still cleans it up
        if header is None:
            return self._stored_read(stored, name=name, kind=kind)
        return _Outcome(name, stored.size, header=header, stored=stored)

    def _stored_read(self, stored: vault_files.StoredFile, *, name: str, kind: str) -> _Outcome:
        """The header read from the stored copy: one too long for the first bytes, or bare."""
        try:
            header = header_read(stored.path, kind=kind)
        except DicomProblem as exc:
            self._unstore(stored.name)
            if kind == "bare":
                return _Outcome(name, stored.size, skip="not a DICOM image")
            return _Outcome(name, stored.size, problem=exc.message)
        return _Outcome(name, stored.size, header=header, stored=stored)

    def _apply(self, outcome: _Outcome) -> None:
        """Record one file's outcome in the index (main thread only)."""
        self._progress(outcome.size)
        name, size, header, stored = outcome.name, outcome.size, outcome.header, outcome.stored
        if outcome.problem:
            self.index.problem(path=name, size=size, reason=outcome.problem)
            return
        if outcome.skip or header is None:
            self.index.skip(path=name, size=size, reason=outcome.skip or "not a DICOM image")
            return
        if header.is_directory:
            self.index.directory_files += 1
            self.index.skip(path=name, size=size, reason="the disc's table of contents")
        elif self.index.has_instance(header.sop_instance_uid):
            self.index.duplicates += 1
            self.index.skip(path=name, size=size, reason="the same image appears twice on the disc")
        elif stored is not None:
            self.index.add(
                header, path=name, size=size, sha256=stored.sha256, stored_name=stored.name
            )
            return
        if stored is not None:
            self._unstore(stored.name)

    def _unstore(self, name: str) -> None:
        vault_files.stored_remove(root=self.root, name=name)
        self.stored.remove(name)

    def _progress(self, n: int) -> None:
        self.bytes_done += n
        if self.on_progress is not None:
            self.on_progress(self.bytes_done, max(self.bytes_total, self.bytes_done))

    # -- afterwards -----------------------------------------------------------------------

    def previews_make(
        self, *, max_pixels: int = DEFAULT_MAX_PIXELS, fsync: bool | None = None
    ) -> dict[str, str]:
        """A PNG of each series' middle slice; a series that cannot be shown simply has none."""
        fsync = self.fsync if fsync is None else fsync
        for study in self.index.studies.values():
            for series in study.series.values():
                middle = series.middle_instance()
                if middle is None or not middle.stored_name:
                    continue
                png = preview_png(self.root / middle.stored_name, max_pixels=max_pixels)
                if png is None:
                    continue
                stored = vault_files.stream_store(
                    [png], root=self.root, suffix=".png", fsync=fsync, folder=self.folder
                )
                self.stored.append(stored.name)
                self.previews[series.uid] = stored.name
        return self.previews

    def durable_make(self) -> None:
        """Flush every stored file to the disc in one go (used when files were written with
        fsync=False, so the disc commits once for the whole import, not once per file)."""
        vault_files.files_sync(root=self.root, names=self.stored)

    def cleanup(self) -> None:
        """Remove every file this scan stored (used when the import as a whole fails)."""
        for name in list(self.stored):
            vault_files.stored_remove(root=self.root, name=name)
        self.stored.clear()
        with contextlib.suppress(OSError):
            (self.root / self.folder).rmdir()  # only if empty: never anyone else's files


def _read_up_to(source: BinaryIO, n: int) -> bytes:
    """Read exactly n bytes unless the stream ends first (raw reads may return less)."""
    parts = []
    while n > 0:
        chunk = source.read(n)
        if not chunk:
            break
        parts.append(chunk)
        n -= len(chunk)
    return b"".join(parts)
