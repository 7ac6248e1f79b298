"""Import an imaging CD into a case: the one function both the CLI and the background task use.

Two phases, so a failure anywhere leaves nothing behind:
1. Scan (no database transaction held): files are streamed into storage, hashed on the way, and
   indexed (`disc.DiscScan`). Progress is saved on the `DiscImport` row as it goes, so a page can
   show it; holding a transaction here would lock SQLite for the whole import.
2. Write: every study, series and instance row is created in one transaction of a fixed
   handful of bulk queries (each covering up to `BATCH` rows), whatever the number of studies,
   so the write lock is held for well under a second; a disc over `RECORDS_IMPORT_MAX_STUDIES`
   is refused before any row is written.
If either phase fails, the transaction rolls back and every stored file of this import is removed.

On object storage the scan writes into the local staging folder, and every kept file is moved
into the bucket (same names) after the scan and before the rows commit; a failure removes the
objects too (`storage.files_publish`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from secondopinion.records import dicom, disc, safezip, storage_io
from secondopinion.records.models import DiscImport, ImagingInstance, ImagingSeries, ImagingStudy
from secondopinion.records.storage import (
    files_publish,
    storage_is_local,
    storage_root,  # re-exported: other apps import it from here
    stored_delete,
)

__all__ = ["disc_import_run", "disc_import_start", "storage_root", "upload_max_bytes"]

BATCH = 500


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


class TooManyStudies(Exception):
    """The disc holds more studies than one import may add (`RECORDS_IMPORT_MAX_STUDIES`)."""

    def __init__(self, found: int, cap: int) -> None:
        self.message = (
            f"This disc holds {found:,} studies; one import can add at most {cap:,}. "
            "Nothing was kept. Ask the hospital for a disc with only the scans you need."
        )
        super().__init__(self.message)


def import_max_studies() -> int:
    """Most studies one disc import may add: a real disc holds a few; thousands is an attack."""
    return getattr(settings, "RECORDS_IMPORT_MAX_STUDIES", 500)


def upload_max_bytes() -> int:
    return getattr(settings, "UPLOAD_MAX_BYTES", 2 * 1024 * 1024 * 1024)


def case_patient(case) -> dicom.PatientIdentity:
    birth = case.date_of_birth.strftime("%Y%m%d") if case.date_of_birth else ""
    return dicom.PatientIdentity(name=case.patient_name or "", birth_date=birth)


def disc_import_start(*, case, source_name: str, upload_name: str = "") -> DiscImport:
    return DiscImport.objects.create(
        case=case, source_name=source_name[:255], upload_name=upload_name
    )


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
    last_saved = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last_saved[0] > 0.5:
            last_saved[0] = now
            DiscImport.objects.filter(pk=disc_import.pk).update(bytes_done=done, bytes_total=total)
        if on_progress is not None:
            on_progress(done, total)

    # Files are written without a per-file fsync and flushed all at once before the rows
    # commit (`durable_make`): as durable, far fewer disc commits.
    scan = disc.DiscScan(
        root=root,
        max_file_bytes=upload_max_bytes(),
        zip_limits=zip_limits(),
        fsync=False,
        on_progress=progress,
    )
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
        if len(scan.index.studies) > import_max_studies():
            raise TooManyStudies(len(scan.index.studies), import_max_studies())
        # Staged files (object storage) are copies on their way to the bucket: no fsync.
        _flush_while_warming(scan, fsync=fsync and local)
        clock.lap("flush")
        scan.previews_make(fsync=fsync and local)  # a handful of files: each fsynced on its own
        clock.lap("previews")
        if not local:
            files_publish(names=scan.stored, root=root, published=published)
            clock.lap("publish")
        warnings = dicom.patient_warnings(
            scan.index.studies.values(), case_patient=case_patient(disc_import.case)
        )
        with transaction.atomic():
            _rows_write(disc_import=disc_import, scan=scan)
            clock.lap("rows")
            disc_import.status = DiscImport.Status.DONE
            disc_import.summary = {**scan.index.summary(), "seconds": clock.laps}
            disc_import.warnings = warnings
            disc_import.bytes_done = disc_import.bytes_total = scan.bytes_done
            disc_import.finished_at = timezone.now()
            disc_import.error = ""
            disc_import.save()
    except (safezip.ZipProblem, storage_io.StorageError, TooManyStudies) as exc:
        _published_remove(published)
        scan.cleanup()
        _failed(disc_import, exc.message)
    except BaseException:
        _published_remove(published)
        scan.cleanup()
        _failed(
            disc_import, "The import stopped because of an unexpected problem. Nothing was kept."
        )
        raise
    else:
        if not local:
            scan.cleanup()  # only the empty staging folder is left: the files are in the bucket
    finally:
        _upload_remove(disc_import)
    return disc_import


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
    dicom.decoders_warm()
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


def _rows_write(*, disc_import: DiscImport, scan: disc.DiscScan) -> None:
    """Write the studies, series and instances of a scan with a fixed handful of bulk queries.

    The number of queries does not grow with the number of studies (each query covers up to
    `BATCH` rows), so the write lock is held briefly even for a disc at the studies cap.
    """
    studies = _studies_write(disc_import=disc_import, scan=scan)
    series = _series_write(studies=studies, scan=scan)
    ImagingInstance.objects.bulk_create(
        [
            ImagingInstance(
                case=disc_import.case,
                series=series[(entry.uid, series_entry.uid)],
                sop_instance_uid=i.sop_instance_uid,
                instance_number=i.instance_number,
                original_path=i.path[:500],
                stored_name=i.stored_name,
                size=i.size,
                sha256=i.sha256,
            )
            for entry in scan.index.studies.values()
            for series_entry in entry.series.values()
            for i in series_entry.instances
        ],
        batch_size=BATCH,
    )
    _counts_update(studies=list(studies.values()), series=list(series.values()))


def _studies_write(*, disc_import: DiscImport, scan: disc.DiscScan) -> dict[str, ImagingStudy]:
    """Every study of the scan by UID: the case's existing ones, and new ones created in bulk."""
    case = disc_import.case
    entries = scan.index.studies
    studies = {
        s.study_uid: s for s in ImagingStudy.objects.filter(case=case, study_uid__in=list(entries))
    }
    ImagingStudy.objects.bulk_create(
        [
            ImagingStudy(
                case=case,
                study_uid=entry.uid,
                disc_import=disc_import,
                study_date=entry.date_value(),
                description=entry.description,
                institution=entry.institution,
                accession_number=entry.accession_number,
                patient_name=entry.patient.display_name() if entry.patient.name else "",
                patient_id=entry.patient.patient_id,
                patient_birth_date=entry.patient.birth_date,
            )
            for entry in entries.values()
            if entry.uid not in studies
        ],
        batch_size=BATCH,
    )
    return {
        s.study_uid: s for s in ImagingStudy.objects.filter(case=case, study_uid__in=list(entries))
    }


def _series_write(
    *, studies: dict[str, ImagingStudy], scan: disc.DiscScan
) -> dict[tuple[str, str], ImagingSeries]:
    """Every series of the scan by (study UID, series UID), created in bulk where new; a new
    preview goes to a series without one, and is dropped for a series that has one."""

    def existing() -> dict[tuple[str, str], ImagingSeries]:
        found = ImagingSeries.objects.filter(study__in=list(studies.values())).select_related(
            "study"
        )
        return {(s.study.study_uid, s.series_uid): s for s in found}

    series = existing()
    new = [
        ImagingSeries(
            study=studies[entry.uid],
            series_uid=series_entry.uid,
            description=series_entry.description,
            modality=series_entry.modality,
            body_part=series_entry.body_part,
            number=series_entry.number,
        )
        for entry in scan.index.studies.values()
        for series_entry in entry.series.values()
        if (entry.uid, series_entry.uid) not in series
    ]
    ImagingSeries.objects.bulk_create(new, batch_size=BATCH)
    series = existing()
    for (_study_uid, series_uid), one in series.items():
        preview = scan.previews.get(series_uid, "")
        if preview and not one.preview_name:
            one.preview_name = preview
        elif preview:
            scan_preview_drop(scan, preview)
    return series


def _counts_update(*, studies: list[ImagingStudy], series: list[ImagingSeries]) -> None:
    """Image counts and modality lists, counted in the database, written back in bulk."""
    per_series = dict(
        ImagingInstance.objects.filter(series__in=series)
        .values_list("series_id")
        .annotate(n=Count("id"))
    )
    modalities: dict[int, set[str]] = {}
    per_study: dict[int, int] = {}
    for one in series:
        one.image_count = per_series.get(one.pk, 0)
        per_study[one.study_id] = per_study.get(one.study_id, 0) + one.image_count
        if one.modality:
            modalities.setdefault(one.study_id, set()).add(one.modality)
    ImagingSeries.objects.bulk_update(series, ["image_count", "preview_name"], batch_size=BATCH)
    for study in studies:
        study.image_count = per_study.get(study.pk, 0)
        study.modalities = ", ".join(sorted(modalities.get(study.pk, set())))
    ImagingStudy.objects.bulk_update(studies, ["image_count", "modalities"], batch_size=BATCH)


def scan_preview_drop(scan: disc.DiscScan, name: str) -> None:
    """A series that already had a preview keeps it; the new one is not needed."""
    if storage_is_local():
        storage_io.stored_remove(root=scan.root, name=name)
    else:
        stored_delete(name=name)  # already published; the staged copy is gone
    if name in scan.stored:
        scan.stored.remove(name)
