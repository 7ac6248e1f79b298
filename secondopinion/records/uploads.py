"""Uploads go straight from the request into storage: hashed on the way, stopped at the limit.

Django's own handlers would first write each file to a temporary file (or memory) and only then
let us copy it. `VaultUploadHandler` instead streams every chunk into a `vault.StreamWriter`,
so the bytes are written once, hashed once, and a file over the size limit is cut off the moment
it crosses the limit (`SkipFile`), without touching the other files of the same request.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Self

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile

from secondopinion.core import vault
from secondopinion.records.detect import display_name_safe


class StoredUpload(UploadedFile):
    """An uploaded file already in storage; `stored` says where and what it hashed to."""

    def __init__(self, stored: vault.StoredFile, *, name: str, content_type: str | None) -> None:
        self.safe_name = display_name_safe(name)
        # The name must be set: Django drops an uploaded file whose name is empty (falsy).
        super().__init__(
            file=None, name=self.safe_name, content_type=content_type, size=stored.size
        )
        self.stored = stored

    def open(  # pragma: no cover - the view reads `stored.path` directly
        self, mode: str | None = None, *args: Any, **kwargs: Any
    ) -> Self:
        raise NotImplementedError

    def close(self) -> None:
        """Nothing is held open: the bytes are already in storage."""


class VaultUploadHandler(FileUploadHandler):
    def __init__(self, request, *, root: Path, max_bytes: int) -> None:
        super().__init__(request)
        self.root = root
        self.max_bytes = max_bytes
        self.writer: vault.StreamWriter | None = None
        self.completed: list[vault.StoredFile] = []
        self.too_large: list[str] = []

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.writer = vault.StreamWriter(root=self.root, max_bytes=self.max_bytes, allow_empty=True)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        if self.writer is None:
            return
        try:
            self.writer.write(raw_data)
        except vault.FileTooLarge:
            self.writer = None  # the writer already removed its temporary file
            self.too_large.append(display_name_safe(self.file_name or ""))
            raise SkipFile() from None
        return

    def file_complete(self, file_size: int) -> StoredUpload | None:
        if self.writer is None:
            return None
        stored = self.writer.commit()
        self.writer = None
        self.completed.append(stored)
        return StoredUpload(stored, name=self.file_name or "", content_type=self.content_type)

    def upload_interrupted(self) -> None:
        if self.writer is not None:
            self.writer.abort()
            self.writer = None

    def cleanup(self) -> None:
        """Remove every file this request stored (the request failed as a whole)."""
        self.upload_interrupted()
        for stored in self.completed:
            vault.stored_remove(root=self.root, name=stored.name)
        self.completed.clear()
