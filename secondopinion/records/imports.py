"""Import an imaging CD into a case: the one function both the CLI and the background task use.

Two phases, so a failure anywhere leaves nothing behind:
1. Scan (no database transaction held): files are streamed into storage, hashed on the way, and
   indexed (`disc.DiscScan`). Progress is saved on the `DiscImport` row as it goes, so a page can
   show it; holding a transaction here would lock SQLite for the whole import.
2. Write: new studies, with their series and images, are written in bounded batches
   (`CD_WRITE_BATCH` rows each), each batch its own short transaction with a pause after it, so
   nobody else waits on SQLite's write lock for long. The rows carry the import and the pages
   show only studies of finished imports (`ImagingStudy.objects.visible()`), so the whole import
   still appears at once, in the final short transaction that flips it to "done". Images added to
   studies the case already had are written in that final transaction too (so they cannot show
   early); that is rare (the same study on two discs) and small.
If either phase fails, every row of this import is deleted (in batches too) and every stored file
of this import is removed. A disc with more than `CD_MAX_STUDIES` studies is refused before any
row is written.

On object storage the scan writes into the local staging folder, and every kept file is moved
into the bucket (same names) after the scan and before the rows commit; a failure removes the
objects too (`vault.files_publish`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from secondopinion.core import vault
from secondopinion.core.jobs import LOCAL_PREFIX, job_scratch_add, job_scratch_keep
from secondopinion.core.vault import (
    files_publish,
    storage_is_local,
    storage_root,  # re-exported: other apps import it from here
    stored_delete,
)
from secondopinion.records import disc, safezip
from secondopinion.records.dicom.headers import PatientIdentity
from secondopinion.records.dicom.identity import patient_warnings
from secondopinion.records.dicom.previews import decoders_warm
from secondopinion.records.models import DiscImport, ImagingInstance, ImagingSeries, ImagingStudy

__all__ = ["disc_import_run", "disc_import_start", "storage_root", "upload_max_bytes"]

BATCH = 500
# The pause after each write batch, as a share of the time the batch held the write lock, so
# that others' requests (whose busy handler polls SQLite's lock) find it free between batches.
PAUSE_SHARE = 1.0
PAUSE_MIN_SECONDS = 0.005


class ImportRefused(Exception):
    """A disc this import will not take (too many studies); `message` is for the patient."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def max_studies() -> int:
    return getattr(settings, "CD_MAX_STUDIES", 2000)


def write_batch_rows() -> int:
    return max(1, getattr(settings, "CD_WRITE_BATCH", 1000))


def zip_limits() -> safezip.ZipLimits:
    """Archive limits, each one overridable in settings (RECORDS_ZIP_MAX_FILES, ...)."""
    base = safezip.ZipLimits()
    return safezip.ZipLimits(
        max_files=getattr(settings, "RECORDS_ZIP_MAX_FILES", base.max_files),
        max_total_bytes=getattr(settings, "RECORDS_ZIP_MAX_TOTAL_BYTES", base.max_total_bytes),
        max_entry_bytes=getattr(settings, "RECORDS_ZIP_MAX_ENTRY_BYTES", base.max_entry_bytes),
        max_ratio=getattr(settings, "RECORDS_ZIP_MAX_RATIO", base.max_ratio),
        max_depth=getattr(settings, "RECORDS_ZIP_MAX_DEPTH", base.max_depth),
    )


def upload_max_bytes() -> int:
    return getattr(settings, "UPLOAD_MAX_BYTES", 2 * 1024 * 1024 * 1024)


def case_patient(case) -> PatientIdentity:
    birth = case.date_of_birth.strftime("%Y%m%d") if case.date_of_birth else ""
    return PatientIdentity(name=case.patient_name or "", birth_date=birth)


def disc_import_start(*, case, source_name: str, upload_name: str = "") -> DiscImport:
    return DiscImport.objects.create(
        case=case, source_name=source_name[:255], upload_name=upload_name
    )


def _progress_saver(
    disc_import: DiscImport, on_progress: Callable[[int, int], None] | None
) -> Callable[[int, int], None]:
    """A progress callback that saves the byte counts at most twice a second."""
    last_saved = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last_saved[0] > 0.5:
            last_saved[0] = now
            DiscImport.objects.filter(pk=disc_import.pk).update(bytes_done=done, bytes_total=total)
        if on_progress is not None:
            on_progress(done, total)

    return progress


def _undo(disc_import: DiscImport, *, published: list[str], scan: disc.DiscScan) -> None:
    """Remove what a failed import wrote: its rows, its published objects, its stored files."""
    _rows_remove(disc_import)
    _published_remove(published)
    scan.cleanup()


def disc_import_run(
    *,
    disc_import: DiscImport,
    source: Path,
    on_progress: Callable[[int, int], None] | None = None,
    fsync: bool = True,
) -> DiscImport:
    """Import `source` (a folder or a ZIP) for `disc_import.case`. Never leaves partial results.

    Returns the finished `DiscImport` (status done or failed, with a plain `error`). Unexpected
    errors are re-raised after cleanup, so a bug is not mistaken for bad input.
    """
    root = storage_root()
    local = storage_is_local()
    published: list[str] = []  # objects already in object storage (never on local storage)
    DiscImport.objects.filter(pk=disc_import.pk).update(status=DiscImport.Status.RUNNING)
    progress = _progress_saver(disc_import, on_progress)
    # Files are written without a per-file fsync and flushed all at once before the rows
    # commit (`durable_make`): as durable, far fewer disc commits.
    scan = disc.DiscScan(
        root=root,
        max_file_bytes=upload_max_bytes(),
        zip_limits=zip_limits(),
        fsync=False,
        on_progress=progress,
    )
    # Where this run writes: removed by the job lifecycle if the process dies half way.
    _scratch_note(disc_import, scan, root=root, local=local)
    keep_upload = False  # the ZIP stays for Try again unless the disc itself was the problem
    # Images already in this case's vault are counted as duplicates instead of stored again.
    scan.index.known_add(
        ImagingInstance.objects.filter(case=disc_import.case).values_list(
            "sop_instance_uid", flat=True
        )
    )
    try:
        clock = _Clock()
        scan.source_scan(source, tmp_dir=root)
        clock.lap("scan")
        _studies_cap(len(scan.index.studies))
        # Staged files (object storage) are copies on their way to the bucket: no fsync.
        _flush_while_warming(scan, fsync=fsync and local)
        clock.lap("flush")
        scan.previews_make(fsync=fsync and local)  # a handful of files: each fsynced on its own
        clock.lap("previews")
        if not local:
            files_publish(names=scan.stored, root=root, published=published)
            clock.lap("publish")
        warnings = patient_warnings(
            scan.index.studies.values(), case_patient=case_patient(disc_import.case)
        )
        merge = _rows_write_batched(disc_import=disc_import, scan=scan)
        _done(disc_import, scan=scan, merge=merge, clock=clock, warnings=warnings)
    except (safezip.ZipProblem, vault.StorageError, ImportRefused) as exc:
        _undo(disc_import, published=published, scan=scan)
        _failed(disc_import, exc.message)
    except BaseException:
        keep_upload = True  # a bug, a busy database, a timeout: the same disc may yet import
        _undo(disc_import, published=published, scan=scan)
        _failed(
            disc_import, "The import stopped because of an unexpected problem. Nothing was kept."
        )
        raise
    else:
        if not local:
            scan.cleanup()  # only the empty staging folder is left: the files are in the bucket
    finally:
        if not keep_upload:
            _upload_remove(disc_import)
    return disc_import


def _done(
    disc_import: DiscImport, *, scan: disc.DiscScan, merge: list, clock: _Clock, warnings: list
) -> None:
    """The final flip, in one transaction: the hidden rows become the case's, the import is done,
    and its files leave the job's scratch (a death after this commit keeps them)."""
    with transaction.atomic():
        _rows_merge(disc_import=disc_import, scan=scan, entries=merge)
        clock.lap("rows")
        job_scratch_keep("cd_import", disc_import.pk, f"{scan.folder}/")
        disc_import.status = DiscImport.Status.DONE
        disc_import.summary = {**scan.index.summary(), "seconds": clock.laps}
        disc_import.warnings = warnings
        disc_import.bytes_done = disc_import.bytes_total = scan.bytes_done
        disc_import.finished_at = timezone.now()
        disc_import.error = ""
        disc_import.save()


def _scratch_note(disc_import: DiscImport, scan: disc.DiscScan, *, root: Path, local: bool) -> None:
    job_scratch_add("cd_import", disc_import.pk, f"{scan.folder}/")
    if not local:
        job_scratch_add("cd_import", disc_import.pk, f"{LOCAL_PREFIX}{root / scan.folder}")


def _published_remove(names: list[str]) -> None:
    for name in names:
        stored_delete(name=name)
    names.clear()


def _flush_while_warming(scan: disc.DiscScan, *, fsync: bool) -> None:
    """Flush the images to disc while pydicom's decoders load for the previews.

    The flush mostly waits on the disc (no GIL held), the import mostly needs the CPU: together
    they take the time of the longer one.
    """
    errors: list[BaseException] = []

    def flush() -> None:
        try:
            scan.durable_make()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the calling thread below
            errors.append(exc)

    flusher = threading.Thread(target=flush) if fsync else None
    if flusher is not None:
        flusher.start()
    decoders_warm()
    if flusher is not None:
        flusher.join()
    if errors:
        raise errors[0]


class _Clock:
    """Seconds spent in each phase, kept in the summary (for the benchmark and for support)."""

    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = round(now - self._last, 3)
        self._last = now


def _failed(disc_import: DiscImport, message: str) -> None:
    disc_import.status = DiscImport.Status.FAILED
    disc_import.error = message
    disc_import.finished_at = timezone.now()
    DiscImport.objects.filter(pk=disc_import.pk).update(
        status=disc_import.status, error=message, finished_at=disc_import.finished_at
    )


def _upload_remove(disc_import: DiscImport) -> None:
    if disc_import.upload_name:
        stored_delete(name=disc_import.upload_name)
        DiscImport.objects.filter(pk=disc_import.pk).update(upload_name="")
        disc_import.upload_name = ""


def _studies_cap(count: int) -> None:
    cap = max_studies()
    if count > cap:
        raise ImportRefused(
            f"This disc holds {count:,} imaging studies; one import takes at most {cap:,}. "
            "Nothing was kept. Please import the disc in parts (for example one ZIP file per "
            "folder of the disc), or ask the imaging center for a disc of the studies you need."
        )


def _rows_write_batched(*, disc_import: DiscImport, scan: disc.DiscScan) -> list:
    """Write the studies the case does not have yet, in short transactions of bounded size.

    Returns the study entries the case already has: their new series and images are written in
    the final transaction (`_rows_merge`), so nothing shows before the import is done.
    """
    case = disc_import.case
    entries = list(scan.index.studies.values())
    existing = set(ImagingStudy.objects.filter(case=case).values_list("study_uid", flat=True))
    merge = [e for e in entries if e.uid in existing]
    held = 0.0
    for n, batch in enumerate(_batches(entries, existing, limit=write_batch_rows())):
        if n:  # let other writers in between two batches, as long as the last one held the lock
            time.sleep(max(PAUSE_MIN_SECONDS, held * PAUSE_SHARE))
        started = time.monotonic()
        _batch_write(disc_import, scan, batch)
        held = time.monotonic() - started
    return merge


def _batches(entries: list, existing: set[str], *, limit: int) -> Iterator[list]:
    """The new studies in groups of about `limit` rows (a study, its series and its images)."""
    batch: list = []
    rows = 0
    for entry in entries:
        if entry.uid in existing:
            continue
        batch.append(entry)
        rows += 1 + len(entry.series) + entry.image_count
        if rows >= limit:
            yield batch
            batch, rows = [], 0
    if batch:
        yield batch


def _batch_write(disc_import: DiscImport, scan: disc.DiscScan, entries: list) -> None:
    """One short transaction: these new studies, their series and their images."""
    case = disc_import.case
    with transaction.atomic():
        studies = ImagingStudy.objects.bulk_create(
            [_study_row(disc_import, entry) for entry in entries], batch_size=BATCH
        )
        series_rows: list[ImagingSeries] = []
        series_entries = []
        for study, entry in zip(studies, entries, strict=True):
            for series_entry in entry.series.values():
                series_rows.append(
                    ImagingSeries(
                        study=study,
                        series_uid=series_entry.uid,
                        description=series_entry.description,
                        modality=series_entry.modality,
                        body_part=series_entry.body_part,
                        number=series_entry.number,
                        image_count=series_entry.image_count,
                        preview_name=scan.previews.get(series_entry.uid, ""),
                    )
                )
                series_entries.append(series_entry)
        series_rows = ImagingSeries.objects.bulk_create(series_rows, batch_size=BATCH)
        ImagingInstance.objects.bulk_create(
            [
                _instance_row(case, series, i)
                for series, series_entry in zip(series_rows, series_entries, strict=True)
                for i in series_entry.instances
            ],
            batch_size=BATCH,
        )


def _study_row(disc_import: DiscImport, entry) -> ImagingStudy:
    return ImagingStudy(
        case=disc_import.case,
        disc_import=disc_import,
        study_uid=entry.uid,
        study_date=entry.date_value(),
        description=entry.description,
        institution=entry.institution,
        accession_number=entry.accession_number,
        patient_name=entry.patient.display_name() if entry.patient.name else "",
        patient_id=entry.patient.patient_id,
        patient_birth_date=entry.patient.birth_date,
        image_count=entry.image_count,
        modalities=", ".join(entry.modalities),
    )


def _instance_row(case, series: ImagingSeries, i) -> ImagingInstance:
    return ImagingInstance(
        case=case,
        series=series,
        sop_instance_uid=i.sop_instance_uid,
        instance_number=i.instance_number,
        original_path=i.path[:500],
        stored_name=i.stored_name,
        size=i.size,
        sha256=i.sha256,
    )


def disc_import_rows_discard(disc_import_pk: int) -> None:
    """The rows an interrupted import wrote before it died (hidden, never finished), and their
    files: removed when the integrity repair marks the import failed."""
    disc_import = DiscImport.objects.filter(pk=disc_import_pk).first()
    if disc_import is None or disc_import.status == DiscImport.Status.DONE:
        return  # a finished import's rows are the patient's records, whatever happened after
    studies = ImagingStudy.objects.filter(disc_import=disc_import)
    names = [
        *ImagingInstance.objects.filter(series__study__in=studies).values_list(
            "stored_name", flat=True
        ),
        *ImagingSeries.objects.filter(study__in=studies)
        .exclude(preview_name="")
        .values_list("preview_name", flat=True),
    ]
    _rows_remove(disc_import)
    _published_remove(names)


def _rows_remove(disc_import: DiscImport) -> None:
    """Delete every row this import wrote, a batch of studies per short transaction."""
    while True:
        ids = list(
            ImagingStudy.objects.filter(disc_import=disc_import).values_list("pk", flat=True)[
                :BATCH
            ]
        )
        if not ids:
            return
        with transaction.atomic():
            ImagingInstance.objects.filter(series__study_id__in=ids).delete()
            ImagingSeries.objects.filter(study_id__in=ids).delete()
            ImagingStudy.objects.filter(pk__in=ids).delete()


def _rows_merge(*, disc_import: DiscImport, scan: disc.DiscScan, entries: list) -> None:
    """New series and images of studies the case already had (inside the final transaction)."""
    case = disc_import.case
    for entry in entries:
        study = ImagingStudy.objects.get(case=case, study_uid=entry.uid)
        for series_entry in entry.series.values():
            series, _ = ImagingSeries.objects.get_or_create(
                study=study,
                series_uid=series_entry.uid,
                defaults={
                    "description": series_entry.description,
                    "modality": series_entry.modality,
                    "body_part": series_entry.body_part,
                    "number": series_entry.number,
                },
            )
            ImagingInstance.objects.bulk_create(
                [_instance_row(case, series, i) for i in series_entry.instances],
                batch_size=BATCH,
            )
            series.image_count = series.instances.count()
            preview = scan.previews.get(series_entry.uid, "")
            if preview and not series.preview_name:
                series.preview_name = preview
            elif preview:
                scan_preview_drop(scan, preview)
            series.save()
        study.image_count = ImagingInstance.objects.filter(series__study=study).count()
        study.modalities = ", ".join(
            sorted({m for m in study.series.values_list("modality", flat=True) if m})
        )
        study.save()


def scan_preview_drop(scan: disc.DiscScan, name: str) -> None:
    """A series that already had a preview keeps it; the new one is not needed."""
    if storage_is_local():
        vault.stored_remove(root=scan.root, name=name)
    else:
        stored_delete(name=name)  # already published; the staged copy is gone
    if name in scan.stored:
        scan.stored.remove(name)
