"""check-integrity --repair after a crash: at once when the app is stopped, only old leftovers
while it runs (and it says so); the quarantine emptied after its retention; cut-off backups'
`.partial` folders removed; on object storage, staging copies, unfinished uploads and the objects
of a dead job."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from secondopinion.core.applock import app_lock, lock_try
from secondopinion.core.jobs import job_fail
from secondopinion.core.models import Job
from secondopinion.core.vault import staging_root
from secondopinion.operations import backup
from secondopinion.operations.backup import partial_backups_remove
from secondopinion.operations.integrity import (
    integrity_check,
    integrity_repair,
    quarantine_prune,
    quarantine_root,
)
from secondopinion.records.models import DiscImport
from tests.core.helpers import orphan_write, storage_root


def _repair(capsys) -> tuple[str, int]:
    try:
        call_command("check-integrity", "--repair")
        code = 0
    except SystemExit as exc:
        code = int(exc.code)
    return capsys.readouterr().out, code


@pytest.mark.django_db
def test_it_repairs_a_fresh_crash_leftover_at_once_when_the_app_is_stopped(capsys, settings):
    settings.HOSTED = False  # only a personal copy repairs at once (CI's PostgreSQL run is hosted)
    orphan_write("ab/.upload-123")  # seconds old: the age threshold would keep it
    now = timezone.now()
    job = Job.objects.create(
        kind="packet", key=99, state="running", started_at=now, heartbeat_at=now
    )
    out, code = _repair(capsys)
    assert code == 0
    assert "The app is stopped, so every leftover of a crash is looked at now." in out
    assert not (storage_root() / "ab" / ".upload-123").exists()
    assert any((quarantine_root()).rglob(".upload-123"))  # set aside, not deleted
    job.refresh_from_db()
    assert (job.state, job.error_class) == ("failed", "Interrupted")  # no worker can be alive


@pytest.mark.django_db
def test_it_keeps_the_age_threshold_while_the_app_runs_and_says_so(capsys):
    orphan_write("ab/.upload-123")
    now = timezone.now()
    job = Job.objects.create(
        kind="packet", key=99, state="running", started_at=now, heartbeat_at=now
    )
    with app_lock(django_settings.DATA_DIR):  # as `serve` holds it
        out, code = _repair(capsys)
    assert code == 0
    assert "The app may be running, so files younger than 60 minutes" in out
    assert "1 recent files without a record were left alone" in out
    assert (storage_root() / "ab" / ".upload-123").exists()
    job.refresh_from_db()
    assert job.state == "running"  # its heartbeat is fresh: a live worker may be on it


@pytest.mark.django_db
def test_while_the_app_runs_a_job_silent_past_the_threshold_is_repaired(capsys, case):
    long_ago = timezone.now() - timedelta(minutes=5)
    disc_import = DiscImport.objects.create(case=case, source_name="cd.zip", status="running")
    job = Job.objects.create(
        kind="cd_import",
        key=disc_import.pk,
        case_pk=case.pk,
        state="running",
        started_at=long_ago,
        heartbeat_at=long_ago,
    )
    with app_lock(django_settings.DATA_DIR):
        out, _ = _repair(capsys)
    job.refresh_from_db()
    disc_import.refresh_from_db()
    assert job.state == "failed" and disc_import.status == "failed"
    assert "interrupted" in disc_import.error
    assert out.count("interrupted:") == 1  # named once, not again as a DiscImport row


def test_it_empties_quarantine_folders_past_their_retention(settings, tmp_path):
    settings.QUARANTINE_KEEP_DAYS = 30
    now = datetime(2026, 12, 1, tzinfo=UTC)
    root = quarantine_root()
    old = root / (now - timedelta(days=31)).strftime("%Y%m%dT%H%M%S%fZ")
    recent = root / (now - timedelta(days=29)).strftime("%Y%m%dT%H%M%S%fZ")
    someone_elses = root / "my notes"
    for folder in (old, recent, someone_elses):
        (folder / "files").mkdir(parents=True)
        (folder / "files" / "x").write_bytes(b"x")
    assert quarantine_prune(now=now) == [str(old)]
    assert not old.exists() and recent.exists() and someone_elses.exists()


@pytest.mark.django_db
def test_repair_runs_the_quarantine_retention(settings, capsys):
    old = quarantine_root() / "20200101T000000000000Z"
    old.mkdir(parents=True)
    out, _ = _repair(capsys)
    assert not old.exists() and f"old quarantine emptied: {old}" in out


@pytest.mark.django_db
def test_it_removes_the_partial_folder_of_a_backup_that_was_cut_off(tmp_path, capsys):
    # What `backup` leaves when it is killed: its .partial folder and its unlocked record.
    partial = tmp_path / "backups" / ".monday.partial"
    (partial / "files").mkdir(parents=True)
    (partial / "db.sqlite3").write_bytes(b"x" * 1000)
    records = backup._under_way_dir()
    records.mkdir(parents=True, exist_ok=True)
    (records / "dead.json").write_text(json.dumps({"partial": str(partial)}))
    out, _ = _repair(capsys)
    assert not partial.exists() and not (records / "dead.json").exists()
    assert f"cut-off backup removed: {partial}" in out


@pytest.mark.django_db
def test_a_backup_under_way_keeps_its_partial_folder(tmp_path):
    partial = tmp_path / ".tuesday.partial"
    partial.mkdir()
    with backup._under_way(partial):
        assert partial_backups_remove() == []  # its record is locked: the backup runs
        assert partial.exists()
    assert list(backup._under_way_dir().glob("*.json")) == []  # a finished backup leaves none


@pytest.mark.django_db(transaction=True)
def test_a_real_backup_leaves_no_record_behind(tmp_path):
    backup.installation_backup(out=tmp_path / "b1")
    assert list(backup._under_way_dir().glob("*.json")) == []
    assert not (tmp_path / ".b1.partial").exists()


# --- object storage ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_on_object_storage_it_cleans_staging_copies_and_unfinished_uploads(s3):
    staged = staging_root() / "disc" / "0123" / "abc"
    staged.parent.mkdir(parents=True)
    staged.write_bytes(b"copy")
    old = (datetime.now(UTC) - timedelta(hours=2)).timestamp()
    os.utime(staged, (old, old))
    client = s3.connection.meta.client
    upload = client.create_multipart_upload(Bucket=s3.bucket.name, Key="packets/x/y.zip")
    report = integrity_check(min_age=0)
    kinds = sorted((p.kind, p.name) for p in report.problems)
    assert kinds == [("multipart", "packets/x/y.zip"), ("staging", "disc/0123/abc")]
    integrity_repair(report=report)
    assert not staged.exists()
    assert client.list_multipart_uploads(Bucket=s3.bucket.name).get("Uploads", []) == []
    assert upload["UploadId"] in report.problems[0].detail + report.problems[1].detail
    assert integrity_check(min_age=0).ok


@pytest.mark.django_db
def test_a_dead_import_on_object_storage_leaves_no_object_in_the_bucket(s3, case):
    kept = s3.save("disc/keep/one", ContentFile(b"another import's"))
    names = [s3.save(f"disc/dead/{i}", ContentFile(b"half")) for i in range(3)]
    staged = staging_root() / "disc" / "dead"
    staged.mkdir(parents=True)
    (staged / "3").write_bytes(b"not yet sent")
    disc_import = DiscImport.objects.create(case=case, source_name="cd.zip", status="running")
    job = Job.objects.create(
        kind="cd_import",
        key=disc_import.pk,
        state="running",
        scratch=["disc/dead/", f"local:{staged}"],
    )
    assert job_fail(job, "stopped", error_class="Interrupted")
    assert not any(s3.exists(n) for n in names) and s3.exists(kept)
    assert not staged.exists()


def _aged(path, hours: float):
    """Make `path` (and all in it) look `hours` old."""
    when = (datetime.now(UTC) - timedelta(hours=hours)).timestamp()
    for item in [path, *(path.rglob("*") if path.is_dir() else [])]:
        os.utime(item, (when, when))
    return path


def _killed_backup_scratch(root, hours: float = 2):
    folder = root / "backup-k1llm3"
    folder.mkdir()
    (folder / "db.sqlite3").write_bytes(b"SQLite format 3\x00 every case in plain text")
    return _aged(folder, hours)


@pytest.mark.django_db
def test_it_reports_and_repairs_what_killed_processes_left_in_the_temp_folder(settings):
    root = Path(settings.FILE_UPLOAD_TEMP_DIR)
    snapshot = _killed_backup_scratch(root)
    export = root / "export-abc123"
    export.mkdir()
    (export / ".case.zip.x1.part").write_bytes(b"PK half")
    _aged(export, 2)
    upload = root / "tmpa1b2c3.upload.pdf"  # Django's temp file of a killed request
    upload.write_bytes(b"%PDF half")
    _aged(upload, 2)
    fresh = root / "tmpz9y8x7.upload.pdf"  # an upload under way right now
    fresh.write_bytes(b"%PDF arriving")
    report = integrity_check(min_age=3600)
    found = {p.name: p.detail for p in report.problems if p.kind == "temporary"}
    assert set(found) == {"backup-k1llm3", "export-abc123", "tmpa1b2c3.upload.pdf"}
    assert "backup that was cut off" in found["backup-k1llm3"]
    integrity_repair(report=report)
    assert sorted(p.name for p in root.iterdir()) == ["tmpz9y8x7.upload.pdf"]
    assert not snapshot.exists() and fresh.exists()


@pytest.mark.django_db
def test_repair_with_the_app_stopped_clears_the_temp_folder_at_once(settings, capsys):
    settings.HOSTED = False
    root = Path(settings.FILE_UPLOAD_TEMP_DIR)
    (root / "tmpq1w2e3.upload").write_bytes(b"seconds old")
    out, code = _repair(capsys)
    assert code == 0 and "temporary: tmpq1w2e3.upload" in out
    assert list(root.iterdir()) == []


@pytest.mark.django_db
def test_it_leaves_alone_what_a_running_backup_or_command_holds_in_the_temp_folder(
    settings, tmp_path
):
    root = Path(settings.FILE_UPLOAD_TEMP_DIR)
    snapshot = _killed_backup_scratch(root, hours=0)  # looks just like a running backup's
    with backup._under_way(tmp_path / ".now.partial"):
        assert not [p for p in integrity_check(min_age=0).problems if p.kind == "temporary"]
    lock = root / "jobs" / "cd_import-7.lock"
    lock.parent.mkdir()
    fd = os.open(lock, os.O_RDWR | os.O_CREAT)
    try:
        lock_try(fd)  # an import-cd running now holds it
        problems = [p.name for p in integrity_check(min_age=0).problems if p.kind == "temporary"]
        assert problems == ["backup-k1llm3"]  # no backup runs any more: that one is dead
    finally:
        os.close(fd)
    problems = [p.name for p in integrity_check(min_age=0).problems if p.kind == "temporary"]
    assert problems == ["backup-k1llm3", "jobs/cd_import-7.lock"]
    assert snapshot.exists()  # a check alone changes nothing
