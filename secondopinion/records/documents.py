"""Writes for documents: add a stored upload to a case, change its details, delete it.

On object storage the upload is checked in the staging folder, then moved into the bucket
(`vault.file_publish`) before its row commits; if the row fails, the object is removed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q

from secondopinion.core import vault
from secondopinion.core.vault import file_publish, storage_root, stored_delete
from secondopinion.records import detect
from secondopinion.records.disarm import DisarmedPdf, PdfRefused, removed_words, stored_pdf_disarm
from secondopinion.records.imports import disc_import_start
from secondopinion.records.models import DiscImport, Document, TextStatus
from secondopinion.records.tasks import (
    disc_import_enqueue,
    document_text_enqueue,
    text_ready_notify,
)
from secondopinion.records.uploads import StoredUpload


@dataclass
class UploadResult:
    name: str
    outcome: str  # added, duplicate, import, refused
    message: str
    document: Document | None = None
    disc_import: DiscImport | None = None

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "outcome": self.outcome,
            "message": self.message,
            "document": str(self.document.public_id) if self.document else None,
            "import": str(self.disc_import.public_id) if self.disc_import else None,
        }


def document_add(*, case, upload: StoredUpload) -> UploadResult:
    """Turn one stored upload into a document (or a CD import). The file is removed if refused."""
    stored, name = upload.stored, upload.safe_name
    root = storage_root()
    try:
        detected = detect.file_check(stored.path, name=name)
    except detect.UnsupportedFile as exc:
        vault.stored_remove(root=root, name=stored.name)
        return UploadResult(name, "refused", f"{name}: {exc.message}")
    if detected.kind == "zip":
        return _disc_import_add(case=case, stored_name=stored.name, name=name, root=root)
    existing = Document.objects.filter(
        Q(sha256=stored.sha256) | Q(kept_original_sha256=stored.sha256), case=case
    ).first()
    if existing is not None:
        vault.stored_remove(root=root, name=stored.name)
        return UploadResult(
            name,
            "duplicate",
            f"{name}: you already have this exact file in your records, as "
            f"\u201c{existing.original_name}\u201d. We did not save it twice.",
            document=existing,
        )
    disarmed = DisarmedPdf()
    if detected.kind == "pdf":
        try:
            disarmed = stored_pdf_disarm(root=root, stored=stored)
        except PdfRefused as exc:
            vault.stored_remove(root=root, name=stored.name)
            return UploadResult(name, "refused", f"{name}: {exc}")
    opened = disarmed.copy or stored  # what everybody opens; the upload is kept aside if changed
    kept = stored if disarmed.copy else None
    names = [opened.name] + ([kept.name] if kept else [])
    reads_text = detected.kind in ("pdf", "text", "image")  # images: OCR
    try:
        for each in names:
            file_publish(name=each, root=root)
        with transaction.atomic():
            document = Document.objects.create(
                case=case,
                doc_type=detected.suggested_type,
                suggested_type=detected.suggested_type,
                document_date=detected.suggested_date,
                suggested_date=detected.suggested_date,
                institution=detected.institution[:200],
                original_name=name[:255],
                stored_name=opened.name,
                size=opened.size,
                sha256=opened.sha256,
                kept_original_name=kept.name if kept else "",
                kept_original_sha256=kept.sha256 if kept else "",
                kept_original_size=kept.size if kept else 0,
                active_removed=removed_words(disarmed.removed),
                content_type=detected.content_type,
                kind=detected.kind,
                text_status=TextStatus.PENDING if reads_text else TextStatus.NONE,
            )
            if reads_text:
                document_text_enqueue(document)
    except IntegrityError:
        # The same bytes arrived twice at once (two tabs): keep the first one.
        for each in names:
            stored_delete(name=each)
        return UploadResult(name, "duplicate", f"{name}: already in your records.")
    except BaseException:
        for each in names:
            stored_delete(name=each)
        raise
    message = f"{name}: added. Please check its type and date."
    if kept:
        message += f" We removed {document.active_removed} from this PDF; the original is kept."
    return UploadResult(name, "added", message, document=document)


def _disc_import_add(*, case, stored_name: str, name: str, root) -> UploadResult:
    """Start a CD import of a stored ZIP. It may run in another process (a worker), so the ZIP
    goes into storage first."""
    try:
        file_publish(name=stored_name, root=root)
        with transaction.atomic():
            disc_import = disc_import_start(case=case, source_name=name, upload_name=stored_name)
            disc_import_enqueue(disc_import)
    except BaseException:
        stored_delete(name=stored_name)
        raise
    return UploadResult(
        name,
        "import",
        f"{name}: received. We are looking for scans in it; this can take a few minutes.",
        disc_import=disc_import,
    )


def document_update(
    *, document: Document, doc_type: str, document_date, institution: str, notes: str
) -> Document:
    """Save what the patient confirmed; the type counts as confirmed from now on."""
    type_changed = document.doc_type != doc_type
    document.doc_type = doc_type
    document.document_date = document_date
    document.institution = institution
    document.notes = notes
    document.type_confirmed = True
    document.save(
        update_fields=["doc_type", "document_date", "institution", "notes", "type_confirmed"]
    )
    if type_changed and document.text_status == TextStatus.DONE:
        pk = document.pk
        transaction.on_commit(lambda: text_ready_notify(pk))
    return document


def document_delete(*, document: Document) -> None:
    names = [n for n in (document.stored_name, document.kept_original_name) if n]
    document.delete()
    transaction.on_commit(lambda: _stored_remove(names))


def _stored_remove(names: list[str]) -> None:
    for name in names:
        stored_delete(name=name)
