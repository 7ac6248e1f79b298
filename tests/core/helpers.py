"""Stored files for the core tests, made the way the records app makes them; Redis for each test."""

from __future__ import annotations

import io
from pathlib import Path

from django.core.files.storage import default_storage

from secondopinion.core.vault import stream_store
from secondopinion.records.models import Document


def storage_root() -> Path:
    root = Path(default_storage.location)
    root.mkdir(parents=True, exist_ok=True)
    return root


def document_store(case, data: bytes = b"%PDF-1.4 report", *, title: str = "report.pdf"):
    stored = stream_store(io.BytesIO(data), root=storage_root(), fsync=False)
    return Document.objects.create(
        case=case,
        doc_type="pathology",
        original_name=title,
        stored_name=stored.name,
        size=stored.size,
        sha256=stored.sha256,
        content_type="application/pdf",
        kind="pdf",
    )


def orphan_write(name: str, data: bytes = b"left behind") -> Path:
    path = storage_root() / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
