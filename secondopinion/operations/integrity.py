"""Check that stored files and database rows agree, and set aside what does not.

Three kinds of problem:
- missing: a row points at a file that is not in storage;
- changed: the file is there but its size or SHA-256 differs from what was recorded on upload;
- orphan: a file in storage that no row points at (for example the temporary file of an upload
  that was cut off by a crash, or the files of a CD import that never committed its rows);
- interrupted: a background job whose heartbeat stopped (core/jobs.py; every one of them when
  the app is stopped), or a CD import or packet build still marked "running" although it started
  longer ago than `min_age` (its process died); repair marks it failed, removes what it had
  half-written, and its page offers Try again;
- staging: a file left in the local staging folder by a request or an import that died (with
  object storage, a copy on its way to the bucket; never the only copy); repair deletes it;
- multipart: with object storage, an upload to the bucket that was started and never finished
  (invisible, but stored and billed); repair aborts it;
- temporary: something left in the data folder's temp folder (DATA_DIR/tmp) by a process that
  died: a backup's database snapshot (`backup-*/`, not encrypted), a web request's upload temp
  file, a foreground job's lock file; repair deletes it (a scratch copy, never the only copy).
  What a live process uses there is left alone: anything younger than `min_age`, a backup's
  scratch while a backup runs, a job's lock while it is held, and the records of backups under
  way (`partial_backups_remove` sees to those).

Repair never deletes anything outright. It moves each bad or orphan file into a quarantine folder
in the data folder, and for a row whose file is missing or changed it writes the row (and every row
that would go with it) as JSON into the same folder before removing it, so a person can always
look at what was set aside. Each repair run leaves a `report.json` saying what it did.

Files younger than `min_age` seconds are not called orphans: an upload in progress writes its file
first and its row a moment later, and must not be swept away in between. When the app is stopped
(`check-integrity` holds the app lock), nothing can be in progress, and `min_age` is 0.

The quarantine is emptied after QUARANTINE_KEEP_DAYS (`quarantine_prune`).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models.deletion import Collector
from django.utils import timezone

from secondopinion.core import jobrules, vault
from secondopinion.core.applock import lock_held
from secondopinion.core.jobs import (
    FOREGROUND_DIR,
    INTERRUPTED,
    job_fail,
    job_fail_resume,
    job_held,
    rq_failed_feed,
)
from secondopinion.core.jobs import INTERRUPTED_MESSAGE as JOB_INTERRUPTED_MESSAGE
from secondopinion.core.models import Job
from secondopinion.core.vault import staging_root, storage_is_local
from secondopinion.core.words import count
from secondopinion.operations.backup import BACKUP_SCRATCH_PREFIX, UNDER_WAY_DIR, backup_running
from secondopinion.operations.filerefs import (
    INTERRUPTED_MESSAGE,
    JOB_TABLES,
    StoredRef,
    names_of_objects,
    stored_refs,
)

DEFAULT_MIN_AGE = 3600  # seconds


@dataclass
class Problem:
    kind: str  # missing, changed, orphan, interrupted
    name: str
    model: str = ""
    pk: int | None = None
    detail: str = ""
    action: str = ""  # what repair did, empty when nothing was done

    def line(self) -> str:
        where = f" ({self.model} #{self.pk})" if self.model else ""
        done = f" -> {self.action}" if self.action else ""
        return f"{self.kind}: {self.name}{where}{': ' + self.detail if self.detail else ''}{done}"


@dataclass
class IntegrityReport:
    checked: int = 0  # files that rows point at
    stored: int = 0  # files found in storage
    quick: bool = False
    problems: list[Problem] = field(default_factory=list)
    recent: list[str] = field(default_factory=list)  # unreferenced but too young to judge
    quarantine: str = ""  # folder of the repair run, when anything was moved

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def unrepaired(self) -> list[Problem]:
        return [p for p in self.problems if not p.action]

    def as_dict(self) -> dict:
        data = asdict(self)
        data["ok"] = self.ok
        return data

    def summary(self) -> str:
        if self.ok:
            return f"All {self.checked} stored files are in place and match their records."
        counts: dict[str, int] = {}
        for problem in self.problems:
            counts[problem.kind] = counts.get(problem.kind, 0) + 1
        parts = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
        n = len(self.problems)
        return f"{count(n, 'problem')} with stored files ({parts})."


# --- looking ---------------------------------------------------------------------------------


def _ref_check(
    storage: vault.Storage, ref: StoredRef, *, quick: bool, present: set[str]
) -> Problem | None:
    # The listing answers most rows without a request per file (S3: one HEAD each); a name
    # not in it is asked again, since a file may have arrived after the listing was taken.
    if ref.name not in present and not vault.stored_exists(ref.name, storage=storage):
        return Problem("missing", ref.name, ref.model, ref.pk, "the file is not in storage")
    if quick or (not ref.sha256 and ref.size is None):
        return None
    if ref.sha256:
        digest, size = vault.stored_digest(ref.name, storage=storage)
    else:
        digest, size = "", storage.size(ref.name)
    if ref.size is not None and size != ref.size:
        return Problem(
            "changed", ref.name, ref.model, ref.pk, f"size {size} bytes, recorded {ref.size}"
        )
    if ref.sha256 and digest != ref.sha256:
        return Problem("changed", ref.name, ref.model, ref.pk, "SHA-256 differs from the record")
    return None


def integrity_check(
    *,
    storage: vault.Storage | None = None,
    quick: bool = False,
    min_age: float = DEFAULT_MIN_AGE,
    stale_after: float | None = None,
    now: datetime | None = None,
) -> IntegrityReport:
    """Compare every row's file with storage. `quick` checks presence only (no hashing).
    `stale_after`: seconds without a heartbeat after which a running job is dead (default
    JOB_STALE_SECONDS; 0 when the app is stopped)."""
    storage = storage or vault.site_storage()
    now = now or datetime.now(UTC)
    report = IntegrityReport(quick=quick)
    names = vault.stored_walk(storage=storage)
    present = set(names)
    report.stored = len(names)
    referenced: set[str] = set()
    for ref in stored_refs():
        referenced.add(ref.name)
        report.checked += 1
        problem = _ref_check(storage, ref, quick=quick, present=present)
        if problem is not None:
            report.problems.append(problem)
    cutoff = now - timedelta(seconds=min_age)
    for name in names:
        if name in referenced:
            continue
        if min_age > 0 and _modified(storage, name) > cutoff:
            report.recent.append(name)
            continue
        kind = "a temporary file left by an interrupted write" if _is_temporary(name) else ""
        report.problems.append(Problem("orphan", name, detail=kind or "no record points at it"))
    dead = _dead_jobs(now, settings.JOB_STALE_SECONDS if stale_after is None else stale_after)
    report.problems.extend(dead)
    report.problems.extend(_interrupted_jobs(cutoff, covered={(p.detail, p.pk) for p in dead}))
    # Staging is used with object storage; on local storage it holds nothing for long either.
    report.problems.extend(_staging_leftovers(cutoff))
    if not storage_is_local():
        report.problems.extend(_multipart_leftovers(storage, cutoff))
    report.problems.extend(_tmp_leftovers(cutoff))
    return report


def tmp_root() -> Path:
    """The data folder's temp folder: Django's upload temp files, backup and export scratch."""
    return Path(settings.FILE_UPLOAD_TEMP_DIR)


def _newest_change(path: Path) -> datetime:
    """The latest modification of `path` or anything in it (a folder's own time does not move
    while a file in it grows)."""
    times = [path.lstat().st_mtime]
    if path.is_dir() and not path.is_symlink():
        times.extend(p.lstat().st_mtime for p in path.rglob("*"))
    return datetime.fromtimestamp(max(times), tz=UTC)


def _tmp_leftovers(cutoff: datetime) -> list[Problem]:
    root = tmp_root()
    if not root.is_dir():
        return []
    skip = {UNDER_WAY_DIR, FOREGROUND_DIR}
    if staging_root().parent == root:
        skip.add(staging_root().name)  # checked file by file (staging, above)
    backing_up = backup_running()
    problems = []
    entries = [p for p in sorted(root.iterdir()) if p.name not in skip]
    locks = root / FOREGROUND_DIR
    entries += sorted(locks.glob("*.lock")) if locks.is_dir() else []
    for path in entries:
        if backing_up and path.name.startswith(BACKUP_SCRATCH_PREFIX):
            continue  # a backup runs now: its snapshot may be this one
        if path.parent.name == FOREGROUND_DIR and lock_held(path):
            continue  # a foreground job (import-cd) runs now
        try:
            changed = _newest_change(path)
        except FileNotFoundError:
            continue  # gone meanwhile: its process finished
        if changed <= cutoff:
            name = path.relative_to(root).as_posix()
            problems.append(Problem("temporary", name, detail=_tmp_detail(path)))
    return problems


def _tmp_detail(path: Path) -> str:
    if path.name.startswith(BACKUP_SCRATCH_PREFIX):
        return "a database copy left by a backup that was cut off"
    if path.name.startswith("export-"):  # made by earlier versions of the web export
        return "a ZIP file left by an export that was cut off"
    if path.suffix == ".lock":
        return "the lock of a command that was cut off"
    return "a temporary file left by an interrupted request or command"


def _dead_jobs(now: datetime, stale_after: float) -> list[Problem]:
    """Background jobs marked running, or stopping after a failure, whose heartbeat stopped:
    the process running them, or failing them, died."""
    problems = []
    for job in Job.objects.filter(state__in=[Job.State.RUNNING, Job.State.STOPPING]):
        started = job.started_at or job.created_at
        if jobrules.heartbeat_stale(
            job.heartbeat_at, now=now, stale_after=stale_after, started_at=started
        ) and not job_held(job):
            problems.append(
                Problem("interrupted", f"{job.kind} job #{job.key}", "core.Job", job.pk, job.kind)
            )
    return problems


def _staging_leftovers(cutoff: datetime) -> list[Problem]:
    root = staging_root()
    problems = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        when = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
        if when <= cutoff:
            name = path.relative_to(root).as_posix()
            problems.append(Problem("staging", name, detail="a copy left in the staging folder"))
    return problems


def _multipart_leftovers(storage: vault.Storage, cutoff: datetime) -> list[Problem]:
    bucket = getattr(storage, "bucket", None)
    if bucket is None:
        return []
    return [
        Problem("multipart", upload.key, detail=f"an unfinished upload ({upload.id})")
        for upload in bucket.multipart_uploads.all()
        if upload.initiated <= cutoff
    ]


# The job kind of each JOB_TABLES model, so a row the job lifecycle reports is not named twice.
_TABLE_KINDS = {
    "records.DiscImport": "cd_import",
    "opinions.PacketBuild": "packet",
    "operations.CaseExport": "export",
}


def _interrupted_jobs(cutoff: datetime, *, covered: set[tuple[str, int | None]]) -> list[Problem]:
    covered_keys = {
        (kind, key)
        for kind, key in Job.objects.filter(pk__in=[pk for _, pk in covered]).values_list(
            "kind", "key"
        )
    }
    problems: list[Problem] = []
    for table in JOB_TABLES:
        try:
            model = apps.get_model(table.model)
        except LookupError:
            continue
        rows = model.objects.filter(
            **{table.status_field: table.running, f"{table.created_field}__lte": cutoff}
        ).values_list("pk", flat=True)
        kind = _TABLE_KINDS.get(table.model, "")
        problems.extend(
            Problem("interrupted", f"{table.model} #{pk}", table.model, pk, "still marked running")
            for pk in rows
            if (kind, pk) not in covered_keys
        )
    return problems


def _job_fail(problem: Problem) -> str:
    if problem.model == "core.Job":
        job = Job.objects.filter(pk=problem.pk).first() if problem.pk is not None else None
        if job is not None and job.state == Job.State.STOPPING:
            ended = job_fail_resume(job)
        else:
            ended = job is not None and job_fail(
                job, JOB_INTERRUPTED_MESSAGE, error_class=INTERRUPTED
            )
        if not ended:
            return "no longer running"
        return "marked failed; what it had half-written was removed"

    table = next(t for t in JOB_TABLES if t.model == problem.model)
    model = apps.get_model(table.model)
    updated = model.objects.filter(pk=problem.pk, **{table.status_field: table.running}).update(
        **{
            table.status_field: table.failed,
            table.error_field: INTERRUPTED_MESSAGE,
            table.finished_field: timezone.now(),
        }
    )
    if updated and table.discard is not None and problem.pk is not None:
        table.discard(problem.pk)
        return "marked failed; what it had written was removed"
    return "marked failed" if updated else "no longer running"


def _is_temporary(name: str) -> bool:
    leaf = PurePosixPath(name).name
    return leaf.startswith(".")  # .upload-* (records), .<packet>.part (opinions)


def _modified(storage: vault.Storage, name: str) -> datetime:
    try:
        when = storage.get_modified_time(name)
    except (NotImplementedError, OSError):
        return datetime.now(UTC)  # unknown age: treat as new, never sweep it
    return when if when.tzinfo else when.replace(tzinfo=UTC)


# --- repairing -------------------------------------------------------------------------------


def quarantine_root() -> Path:
    """Where repairs put what they set aside: QUARANTINE_DIR, else `quarantine/` in the data
    folder (outside the files folder, so quarantined files are not orphans themselves)."""
    configured = getattr(settings, "QUARANTINE_DIR", None)
    return Path(configured) if configured else Path(settings.DATA_DIR) / "quarantine"


def _file_quarantine(storage: vault.Storage, name: str, folder: Path) -> str:
    """Move one stored file into `folder/files/<name>`; returns where it went."""
    target = folder / "files" / PurePosixPath(name)
    target.parent.mkdir(parents=True, exist_ok=True)
    source = vault.stored_local_path(name, storage=storage)
    if source is not None:
        shutil.move(source, target)
    else:
        with vault.stored_open(name, storage=storage) as handle, target.open("wb") as out:
            shutil.copyfileobj(handle, out, vault.CHUNK_SIZE)
        storage.delete(name)
    return str(target.relative_to(folder))


def _rows_quarantine(model_label: str, pk: int, folder: Path) -> tuple[str, list[str]]:
    """Write the row and everything deleting it would take with it, then delete them.

    Returns the JSON file written and the storage names those rows held (to be set aside too).
    """
    model = apps.get_model(model_label)
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        return "", []
    collector = Collector(using=obj._state.db)
    collector.collect([obj])
    objects = [o for instances in collector.data.values() for o in instances]
    for queryset in collector.fast_deletes:
        objects.extend(queryset)
    rows_dir = folder / "rows"
    rows_dir.mkdir(parents=True, exist_ok=True)
    out = rows_dir / f"{model._meta.label_lower}-{pk}.json"
    out.write_text(serializers.serialize("json", objects, cls=DjangoJSONEncoder, indent=2))
    names = names_of_objects(objects)
    with transaction.atomic():
        obj.delete()
    return str(out.relative_to(folder)), names


def integrity_repair(
    *,
    report: IntegrityReport,
    storage: vault.Storage | None = None,
    when: datetime | None = None,
) -> IntegrityReport:
    """Set aside every problem in `report` (found by a full check). Fills each `action`."""
    storage = storage or vault.site_storage()
    if report.ok:
        return report
    _refuse_if_unmounted(report)
    when = when or datetime.now(UTC)
    folder = quarantine_root() / when.strftime("%Y%m%dT%H%M%S%fZ")
    folder.mkdir(parents=True, exist_ok=True)
    report.quarantine = str(folder)
    broken_rows = [p for p in report.problems if p.kind in ("missing", "changed")]
    for problem in report.problems:
        problem.action = _leftover_repair(storage, problem, folder)
    for problem in broken_rows:
        if problem.pk is None:  # pragma: no cover - a broken row is always found by its id
            continue
        moved = ""
        if problem.kind == "changed" and vault.stored_exists(problem.name, storage=storage):
            moved = _file_quarantine(storage, problem.name, folder)
        rows_file, names = _rows_quarantine(problem.model, problem.pk, folder)
        # Files of rows that went along (for example a series' images) must not become orphans.
        for name in names:
            if name != problem.name and vault.stored_exists(name, storage=storage):
                _file_quarantine(storage, name, folder)
        problem.action = "; ".join(
            part
            for part in (
                f"file moved to {moved}" if moved else "",
                f"record saved to {rows_file} and removed" if rows_file else "record already gone",
            )
            if part
        )
    (folder / "report.json").write_text(json.dumps(report.as_dict(), indent=2))
    return report


def _leftover_repair(storage: vault.Storage, problem: Problem, folder: Path) -> str:
    """Repair one problem that is a leftover (not a broken row); "" when it is not one."""
    if problem.kind == "orphan" and vault.stored_exists(problem.name, storage=storage):
        return "moved to " + _file_quarantine(storage, problem.name, folder)
    if problem.kind == "interrupted":
        return _job_fail(problem)
    if problem.kind == "staging":
        (staging_root() / problem.name).unlink(missing_ok=True)
        return "deleted (a copy, not the stored file)"
    if problem.kind == "temporary":
        path = tmp_root() / problem.name
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        return "deleted (a scratch copy, not a stored file)"
    if problem.kind == "multipart":
        return _multipart_abort(storage, problem)
    return ""


def _multipart_abort(storage: vault.Storage, problem: Problem) -> str:
    upload_id = problem.detail.rsplit("(", 1)[-1].rstrip(")")
    s3: Any = storage  # only reached with django-storages' S3 storage (a multipart upload)
    s3.connection.meta.client.abort_multipart_upload(
        Bucket=s3.bucket.name, Key=problem.name, UploadId=upload_id
    )
    return "aborted"


def rq_failures_feed() -> int:
    """rq's failed and abandoned runs, fed into the job lifecycle (hosted with rq)."""
    return len(rq_failed_feed())


def quarantine_prune(*, keep_days: int | None = None, now: datetime | None = None) -> list[str]:
    """Delete quarantine folders older than `keep_days` (QUARANTINE_KEEP_DAYS). Each repair run
    has its own folder named by its time; returns the folders deleted."""
    keep_days = settings.QUARANTINE_KEEP_DAYS if keep_days is None else keep_days
    now = now or datetime.now(UTC)
    root = quarantine_root()
    removed = []
    for folder in sorted(root.iterdir()) if root.is_dir() else []:
        try:
            made = datetime.strptime(folder.name, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
        except ValueError:
            continue  # not a repair run's folder: someone put it there; leave it
        if folder.is_dir() and now - made > timedelta(days=keep_days):
            shutil.rmtree(folder)
            removed.append(str(folder))
    return removed


class RepairRefused(RuntimeError):
    """Repair would remove many records at once; storage is probably not mounted."""


def _refuse_if_unmounted(report: IntegrityReport) -> None:
    missing = sum(1 for p in report.problems if p.kind == "missing")
    if report.checked >= 10 and missing == report.checked:
        raise RepairRefused(
            f"Every one of the {missing} stored files is missing. The files folder is probably "
            "not mounted or was moved; nothing was changed. Fix the folder and check again."
        )


def check_line(report: IntegrityReport) -> str:
    """The one line `secondopinion setup` prints when something is wrong (else empty)."""
    if report.ok:
        return ""
    return f"Warning: {report.summary()} Run `secondopinion check-integrity` to see them."
