"""Import a patient-portal download into a case: the one function the CLI and the task both use.

1. Read (no transaction held): the pure `records.portal` reader turns the download into plain
   items, spooling attached documents to temporary files beside the vault. It is bounded
   (PORTAL_MAX_MB, PORTAL_MAX_RESOURCES) and refuses harmful files with a plain message.
2. Check whose records they are (`portal.patient_warnings`, like the CD import's name check). A
   download naming someone else stops here, status `check`, until the patient decides; nothing
   is written.
3. Write, in one transaction: each document through `document_add` (the same path as any upload:
   the same type checks, the same dedupe by digest, the text read in the background and a
   pathology report read by the pathology reader), then every new item. Items the case already
   has (same resource identity) are counted as skipped. If anything fails, the transaction rolls
   back and every file this import stored is removed: nothing half-imported.
"""

from __future__ import annotations

import datetime
import itertools
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from secondopinion.cases.cancer_types import CANCER_TYPES
from secondopinion.core import vault
from secondopinion.core.jobs import LOCAL_PREFIX, job_scratch_add, job_scratch_keep
from secondopinion.core.vault import stored_delete
from secondopinion.records import portal
from secondopinion.records.documents import document_add
from secondopinion.records.imports import storage_root, upload_max_bytes, zip_limits
from secondopinion.records.models import Document, PortalImport, PortalItem
from secondopinion.records.portal_history import accepted_items
from secondopinion.records.uploads import StoredUpload

PORTAL_IMPORT = "portal_import"  # its job kind (records/jobs.py)
EXTENSIONS = {"pdf": ".pdf", "text": ".txt", "image": ".jpg", "office": ".docx"}


def limits() -> portal.Limits:
    return portal.Limits(
        max_bytes=settings.PORTAL_MAX_BYTES, max_resources=settings.PORTAL_MAX_RESOURCES
    )


def file_digest(path: Path) -> str:
    return vault.path_digest(path)[0]


def portal_import_start(
    *, case, source_name: str, upload_name: str = "", sha256: str = ""
) -> PortalImport:
    return PortalImport.objects.create(
        case=case, source_name=source_name[:255], upload_name=upload_name, sha256=sha256
    )


def portal_import_run(
    *, portal_import: PortalImport, source: Path, confirm_patient: bool = False
) -> PortalImport:
    """Read `source` (a file or a folder) into `portal_import.case`. Never leaves half an import.

    Returns the import with status done, check (another person's records: waiting for a
    decision) or failed (with a plain `error`). Unexpected errors are re-raised after cleanup.
    """
    case = portal_import.case
    confirmed = confirm_patient or portal_import.patient_confirmed
    PortalImport.objects.filter(pk=portal_import.pk).update(status=PortalImport.Status.RUNNING)
    earlier = _same_file_imported(portal_import)
    if earlier is not None:
        _upload_remove(portal_import)
        summary = _summary([], [], {}, [])
        summary["skipped"] = [
            f"this exact file, imported before on {earlier.created_at:%B %-d, %Y}: nothing new "
            "was added"
        ]
        return _finish(portal_import, PortalImport.Status.DONE, summary=summary)
    root = storage_root()
    spool = Path(tempfile.mkdtemp(dir=root, prefix=".portal-"))
    folder = vault.folder_new("portal")
    # Where this run writes: removed by the job lifecycle if the process dies half way (the
    # rows are written in one transaction, so a dead run leaves only files).
    job_scratch_add(PORTAL_IMPORT, portal_import.pk, f"{LOCAL_PREFIX}{spool}", f"{folder}/")
    if not vault.storage_is_local():
        job_scratch_add(PORTAL_IMPORT, portal_import.pk, f"{LOCAL_PREFIX}{root / folder}")
    stored: list[str] = []
    keep_upload = False  # the download stays for Try again unless the file itself was the problem
    try:
        read = portal.portal_read(
            source,
            name=portal_import.source_name,
            spool_dir=spool,
            limits=limits(),
            zip_limits=zip_limits(),
        )
        warnings = portal.patient_warnings(
            read, name=case.patient_name, birth_date=case.date_of_birth
        )
        if warnings and not confirmed:
            keep_upload = True
            return _finish(portal_import, PortalImport.Status.CHECK, warnings=warnings)
        with transaction.atomic():
            summary = _write(portal_import, read, stored, warnings=warnings, folder=folder)
            # The documents now belong to the import: a death after this commit keeps them.
            job_scratch_keep(PORTAL_IMPORT, portal_import.pk, f"{folder}/")
            return _finish(
                portal_import, PortalImport.Status.DONE, warnings=warnings, summary=summary
            )
    except portal.PortalRefused as exc:
        _files_remove(stored)
        return _finish(portal_import, PortalImport.Status.FAILED, error=exc.message)
    except BaseException:
        keep_upload = True  # a bug, a busy database, a timeout: the same file may yet import
        _files_remove(stored)
        _finish(
            portal_import,
            PortalImport.Status.FAILED,
            error="The import stopped because of an unexpected problem. Nothing was kept.",
        )
        raise
    finally:
        shutil.rmtree(spool, ignore_errors=True)
        if not keep_upload:
            _upload_remove(portal_import)


def _same_file_imported(portal_import: PortalImport) -> PortalImport | None:
    if not portal_import.sha256:
        return None
    return (
        PortalImport.objects.filter(
            case=portal_import.case, sha256=portal_import.sha256, status=PortalImport.Status.DONE
        )
        .exclude(pk=portal_import.pk)
        .order_by("created_at")
        .first()
    )


def portal_import_decide(*, portal_import: PortalImport, mine: bool) -> None:
    """The patient's answer to "these records may be someone else's"."""
    if mine:
        PortalImport.objects.filter(pk=portal_import.pk).update(
            patient_confirmed=True, status=PortalImport.Status.QUEUED
        )
        portal_import.patient_confirmed = True
        portal_import.status = PortalImport.Status.QUEUED
        return
    _upload_remove(portal_import)
    _finish(
        portal_import,
        PortalImport.Status.FAILED,
        error="You said these records are not yours. Nothing was imported, and the file was "
        "deleted.",
    )


def _finish(
    portal_import: PortalImport,
    status: str,
    *,
    warnings: list[str] | None = None,
    summary: dict | None = None,
    error: str = "",
) -> PortalImport:
    portal_import.status = status
    portal_import.warnings = warnings or []
    portal_import.summary = summary or {}
    portal_import.error = error
    portal_import.finished_at = timezone.now()
    portal_import.save(update_fields=["status", "warnings", "summary", "error", "finished_at"])
    return portal_import


def _upload_remove(portal_import: PortalImport) -> None:
    if portal_import.upload_name:
        stored_delete(name=portal_import.upload_name)
        PortalImport.objects.filter(pk=portal_import.pk).update(upload_name="")
        portal_import.upload_name = ""


def _files_remove(names: list[str]) -> None:
    for name in names:
        stored_delete(name=name)
    names.clear()


# --- the write, inside one transaction -----------------------------------------------------


def _write(
    portal_import: PortalImport,
    read: portal.PortalRead,
    stored: list[str],
    *,
    warnings: list[str],
    folder: str,
) -> dict:
    skipped = dict(read.skipped)
    documents = [
        _document(portal_import, doc, stored, skipped, folder=folder) for doc in read.documents
    ]
    rows = [
        *(_condition_row(c) for c in read.conditions),
        *(_medication_row(m) for m in read.medications),
        *(_procedure_row(p) for p in read.procedures),
        *(_observation_row(o) for o in read.observations),
    ]
    case = portal_import.case
    known = set(PortalItem.objects.filter(case=case).values_list("kind", "identity").iterator())
    new = []
    for row in rows:
        if (row.kind, row.identity) in known:
            label = f"{row.get_kind_display().lower()}s already in your records"
            skipped[label] = skipped.get(label, 0) + 1
            continue
        known.add((row.kind, row.identity))
        row.case = case
        row.portal_import = portal_import
        new.append(row)
    PortalItem.objects.bulk_create(new, batch_size=500)
    found = [d for d in documents if d is not None]
    return _summary(found, new, skipped, [*warnings, *read.warnings])


def _document(
    portal_import, doc: portal.PortalDocument, stored: list[str], skipped: dict, *, folder: str
):
    """One document through the upload path, stored in this run's folder; None when skipped
    (counted in `skipped`)."""
    root = storage_root()
    with open(doc.path, "rb") as fh:
        stored_file = vault.stream_store(fh, root=root, max_bytes=upload_max_bytes(), folder=folder)
    kind_guess = "pdf" if doc.content_type == "application/pdf" else "text"
    name = f"{doc.title or 'Portal document'}{EXTENSIONS.get(kind_guess, '')}"
    upload = StoredUpload(stored_file, name=name, content_type=doc.content_type)
    result = document_add(case=portal_import.case, upload=upload)
    if result.outcome != "added" or result.document is None:
        reason = (
            "documents already in your records"
            if result.outcome == "duplicate"
            else f"documents refused by the file checks ({result.message})"
        )
        skipped[reason] = skipped.get(reason, 0) + 1
        return None
    document = result.document
    stored.extend(n for n in (document.stored_name, document.kept_original_name) if n)
    document.doc_type = document.suggested_type = doc.doc_type
    document.type_source = "code" if doc.doc_type != "other" else ""
    document.document_date = document.suggested_date = _date(doc.date) or document.document_date
    document.institution = document.institution or "Patient portal"
    document.save(
        update_fields=[
            "doc_type",
            "suggested_type",
            "type_source",
            "document_date",
            "suggested_date",
            "institution",
        ]
    )
    PortalItem.objects.create(
        case=portal_import.case,
        portal_import=portal_import,
        document=document,
        kind=PortalItem.Kind.DOCUMENT,
        name=doc.title[:300],
        code=doc.code,
        system="LOINC" if doc.code else "",
        category=doc.doc_type,
        date=_date(doc.date),
        source_file=doc.source.file[:300],
        source_ref=doc.source.ref[:300],
        identity=doc.identity[:300],
    )
    return document


def _date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _base(item, *, kind: str, name: str) -> PortalItem:
    return PortalItem(
        kind=kind,
        name=name[:300],
        code=item.code[:64],
        date=_date(item.date),
        source_file=item.source.file[:300],
        source_ref=item.source.ref[:300],
        identity=item.identity[:300],
    )


def _condition_row(item: portal.PortalCondition) -> PortalItem:
    row = _base(item, kind=PortalItem.Kind.CONDITION, name=item.text)
    row.system = item.system[:60]
    row.cancer = item.cancer
    row.cancer_type = item.cancer_type or (cancer_type_from_words(item.text) if item.cancer else "")
    return row


def cancer_type_from_words(text: str) -> str:
    """The case cancer type whose plain words the condition's name contains ("" if none)."""
    lowered = text.lower()
    for cancer in CANCER_TYPES:
        if any(word in lowered for word in cancer.search_words if len(word) > 3):
            return cancer.code
    return ""


def _medication_row(item: portal.PortalMedication) -> PortalItem:
    row = _base(item, kind=PortalItem.Kind.MEDICATION, name=item.name)
    row.system = item.system[:60]
    row.cancer_drug = item.cancer_drug[:100]
    row.category = item.modality[:30]
    return row


def _procedure_row(item: portal.PortalProcedure) -> PortalItem:
    row = _base(item, kind=PortalItem.Kind.PROCEDURE, name=item.name)
    row.system = item.system[:60]
    row.category = item.category
    return row


def _observation_row(item: portal.PortalObservation) -> PortalItem:
    row = _base(item, kind=PortalItem.Kind.OBSERVATION, name=item.name)
    row.system = "LOINC"
    row.field = item.field
    row.value = item.value[:200]
    return row


def _summary(documents: list[Document], items: list[PortalItem], skipped: dict, warnings) -> dict:
    """What this run added, in the shape `import-records --json` prints."""
    by_kind: dict[str, list[PortalItem]] = {}
    for item in items:
        by_kind.setdefault(item.kind, []).append(item)
    return {
        "documents": [
            {"id": str(d.public_id), "type": d.doc_type, "title": d.original_name}
            for d in documents
        ],
        "conditions": [
            {"text": i.name, "code": i.code, "system": i.system, "cancer": i.cancer}
            for i in by_kind.get(PortalItem.Kind.CONDITION, [])
        ],
        "medications": [
            {"name": i.name, "code": i.code} for i in by_kind.get(PortalItem.Kind.MEDICATION, [])
        ],
        "procedures": [
            {"name": i.name, "code": i.code} for i in by_kind.get(PortalItem.Kind.PROCEDURE, [])
        ],
        "observations": [
            {"name": i.name, "code": i.code, "value": i.value}
            for i in by_kind.get(PortalItem.Kind.OBSERVATION, [])
        ],
        "skipped": [f"{reason} ({count:,})" for reason, count in sorted(skipped.items())],
        "warnings": list(warnings),
    }


# --- what the pages offer ------------------------------------------------------------------


def cancer_offer(case) -> PortalItem | None:
    """A cancer condition from the portal whose type differs from the case's, to offer."""
    for item in accepted_items(case).filter(kind=PortalItem.Kind.CONDITION, cancer=True):
        if item.cancer_type and item.cancer_type != case.cancer_type:
            return item
    return None


def plan_offer(case) -> list[PortalItem]:
    """Cancer medicines and cancer-related surgery and radiation from the portal that the first
    plan does not mention yet."""
    items = accepted_items(case).filter(
        kind__in=[PortalItem.Kind.MEDICATION, PortalItem.Kind.PROCEDURE]
    )
    plan = (case.first_plan or "").lower()
    offer = []
    for item in items:
        if item.kind == PortalItem.Kind.MEDICATION and not item.cancer_drug:
            continue
        if item.kind == PortalItem.Kind.PROCEDURE and item.category not in ("surgery", "radiation"):
            continue
        if plan_words(item).lower() in plan:
            continue
        offer.append(item)
    return offer


def plan_words(item: PortalItem) -> str:
    if item.kind == PortalItem.Kind.MEDICATION:
        return item.cancer_drug
    return item.name.replace(" (procedure)", "").replace(" (regime/therapy)", "")


def plan_line(items: list[PortalItem]) -> str:
    """The chosen treatments in the order the portal dates them, joined with "then" so the plan
    reader reads them as steps (surgery, then radiation, then the hormone pill), not as one step
    given together. Treatments of the same day are one step; undated ones say so, in no order."""
    dated = sorted((i.date, n, i) for n, i in enumerate(items) if i.date)
    steps = [
        " and ".join(plan_words(i) for _, _, i in same_day)
        for _day, same_day in itertools.groupby(dated, key=lambda entry: entry[0])
    ]
    line = f"From my patient portal: {', then '.join(steps)}." if steps else ""
    undated = [plan_words(i) for i in items if not i.date]
    if undated:
        line += f" Also in my portal records, with no date: {'; '.join(undated)}."
    return line.strip()


def plan_add(*, case, items: list[PortalItem]) -> None:
    """Add the chosen portal treatments to the first plan's words, for the plan reader to read
    like anything the patient types (it is read again because the text changed)."""
    if not items:
        return
    case.first_plan = (case.first_plan.rstrip() + "\n" + plan_line(items)).strip()[:4000]
    case.save(update_fields=["first_plan", "updated_at"])
