"""Importing a CD into a case: the real path of the CLI and the background task."""

import importlib
import json
import zipfile
from pathlib import Path

import pydicom
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from secondopinion.core.jobs import jobs_sweep
from secondopinion.core.models import Job
from secondopinion.records import imports
from secondopinion.records.models import (
    DiscImport,
    Document,
    ImagingInstance,
    ImagingSeries,
    ImagingStudy,
)
from tests.records.helpers import small_cd, zip_of

DICOMDIR_TREE = Path(pydicom.__file__).parent / "data" / "test_files" / "dicomdirtests"


def _stored(settings):
    root = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _run(case, source, **kwargs):
    disc_import = imports.disc_import_start(case=case, source_name=source.name)
    return imports.disc_import_run(disc_import=disc_import, source=source, **kwargs)


def test_it_imports_a_cd_folder_into_studies_series_and_instances(case, tmp_path):
    small_cd(tmp_path / "cd", studies=1, series=2, images=3, patient_name="OWNER^OLIVE")
    result = _run(case, tmp_path / "cd")
    assert result.status == "done"
    assert result.warnings == []
    study = ImagingStudy.objects.get(case=case)
    assert (study.image_count, study.modalities, study.institution) == (
        6,
        "CT",
        "Example General Hospital",
    )
    assert [s.image_count for s in study.series.all()] == [3, 3]
    assert all(s.preview_name for s in study.series.all())
    assert result.summary["skipped_files"] == 3


def test_it_counts_an_imported_disc_again_as_duplicates(case, tmp_path, settings):
    small_cd(tmp_path / "cd", series=1, images=2, patient_name="OWNER^OLIVE")
    _run(case, tmp_path / "cd")
    files_before = _stored(settings)
    again = _run(case, tmp_path / "cd")
    assert again.status == "done"
    assert again.summary["duplicates"] == 2
    assert ImagingInstance.objects.filter(case=case).count() == 2
    assert _stored(settings) == files_before


def test_it_warns_loudly_when_the_disc_is_someone_elses(case, tmp_path):
    small_cd(tmp_path / "cd", series=1, images=1, patient_name="SMITH^JOHN")
    result = _run(case, tmp_path / "cd")
    assert len(result.warnings) == 1
    assert "John Smith" in result.warnings[0]


def test_it_warns_when_a_disc_mixes_patients(case, tmp_path):
    small_cd(tmp_path / "cd" / "a", series=1, images=1, patient_name="OWNER^OLIVE", patient_id="1")
    small_cd(tmp_path / "cd" / "b", series=1, images=1, patient_name="OWNER^OLIVE", patient_id="2")
    result = _run(case, tmp_path / "cd")
    assert any("2 different people" in w for w in result.warnings)


def test_a_failure_part_way_through_the_scan_leaves_no_rows_and_no_files(case, tmp_path, settings):
    small_cd(tmp_path / "cd", studies=2, series=2, images=4)

    def kill(done, total):
        if done > 3000:
            raise RuntimeError("injected failure")

    with pytest.raises(RuntimeError):
        _run(case, tmp_path / "cd", on_progress=kill)
    assert ImagingStudy.objects.count() == ImagingSeries.objects.count() == 0
    assert ImagingInstance.objects.count() == Document.objects.count() == 0
    assert _stored(settings) == []
    assert DiscImport.objects.get().status == "failed"


def test_a_failure_while_writing_rows_leaves_no_rows_and_no_files(
    case, tmp_path, settings, monkeypatch
):
    settings.CD_WRITE_BATCH = 1  # one study per transaction: two batches commit, then one fails
    small_cd(tmp_path / "cd", studies=4, series=2, images=2)
    real_bulk_create = ImagingInstance.objects.bulk_create
    calls = []
    seen = []

    def failing_bulk_create(objs, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            seen.append((ImagingStudy.objects.count(), ImagingStudy.objects.visible().count()))
            raise RuntimeError("database went away")
        return real_bulk_create(objs, **kwargs)

    monkeypatch.setattr(ImagingInstance.objects, "bulk_create", failing_bulk_create)
    with pytest.raises(RuntimeError):
        _run(case, tmp_path / "cd")
    assert len(calls) == 3
    assert seen == [(3, 0)]  # two batches written and the third begun, none of them shown
    assert ImagingStudy.objects.count() == ImagingSeries.objects.count() == 0
    assert ImagingInstance.objects.count() == 0
    assert _stored(settings) == []
    assert DiscImport.objects.get().status == "failed"


def test_it_shows_no_study_of_an_import_until_it_is_done(case, tmp_path, settings, monkeypatch):
    settings.CD_WRITE_BATCH = 1
    small_cd(tmp_path / "cd", studies=3, series=1, images=1)
    shown = []
    real_batch_write = imports._batch_write

    def watching(*args):
        real_batch_write(*args)
        shown.append(ImagingStudy.objects.visible().filter(case=case).count())

    monkeypatch.setattr(imports, "_batch_write", watching)
    result = _run(case, tmp_path / "cd")
    assert result.status == "done"
    assert shown == [0, 0, 0]
    assert ImagingStudy.objects.visible().filter(case=case).count() == 3


def test_it_refuses_a_disc_with_more_studies_than_the_cap(case, tmp_path, settings):
    settings.CD_MAX_STUDIES = 2
    small_cd(tmp_path / "cd", studies=3, series=1, images=1)
    result = _run(case, tmp_path / "cd")
    assert result.status == "failed"
    assert "holds 3 imaging studies; one import takes at most 2" in result.error
    assert ImagingStudy.objects.count() == ImagingInstance.objects.count() == 0
    assert _stored(settings) == []


def test_a_refused_zip_leaves_nothing_and_says_why(case, tmp_path, settings):
    archive = tmp_path / "cd.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("DICOM/IM1", b"x")
        zf.writestr("../../evil", b"x")
    result = _run(case, archive)
    assert result.status == "failed"
    assert "climb out" in result.error
    assert _stored(settings) == []


def test_the_command_imports_pydicoms_dicomdir_tree_with_the_right_counts(case, capsys):
    call_command("import-cd", str(DICOMDIR_TREE), "--case", str(case.public_id), "--json")
    result = json.loads(capsys.readouterr().out)
    assert (result["studies"], result["series"], result["images"]) == (7, 14, 81)
    assert result["status"] == "done"
    # Three people's scans on one disc: the warning must fire.
    assert any("3 different people" in w for w in result["warnings"])
    by_study = {
        s["study_uid"][-12:]: [se["images"] for se in s["series"]] for s in result["studies_found"]
    }
    assert sum(sum(v) for v in by_study.values()) == 81


def test_the_command_reads_a_zip_and_prints_a_plain_summary(case, tmp_path, capsys):
    small_cd(tmp_path / "cd", series=2, images=2, patient_name="OWNER^OLIVE")
    archive = zip_of(tmp_path / "cd", tmp_path / "cd.zip")
    call_command("import-cd", str(archive), "--case", str(case.public_id))
    out = capsys.readouterr().out
    assert "Imported 1 study, 2 series, 4 images" in out
    assert "Skipped 3 other files" in out


def test_the_command_refuses_an_unknown_case(db, tmp_path):
    with pytest.raises(CommandError):
        call_command("import-cd", str(tmp_path), "--case", "00000000-0000-0000-0000-000000000000")


def test_the_command_fails_loudly_on_a_bad_zip(case, tmp_path):
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(CommandError):
        call_command("import-cd", str(bad), "--case", str(case.public_id), "--json")


def _killed_half_way(monkeypatch, *, while_running=None):
    """The command's import stops as if killed (kill -9): rows hidden, images written, the
    import still "running", nothing cleaned up. `while_running()` is called just before."""
    real_run = imports.disc_import_run
    command = importlib.import_module("secondopinion.records.management.commands.import-cd")

    def dies(*, disc_import, source, **kwargs):
        def stop(done, total):
            if while_running is not None:
                while_running(disc_import)
            raise KeyboardInterrupt  # the nearest a test gets to SIGKILL: nothing catches it

        monkeypatch.setattr(imports, "_undo", lambda *a, **k: None)  # a killed run cleans nothing
        monkeypatch.setattr(imports, "_failed", lambda *a, **k: None)
        monkeypatch.setattr(imports, "_upload_remove", lambda *a, **k: None)
        monkeypatch.setattr(imports, "_flush_while_warming", lambda scan, **k: stop(0, 0))
        return real_run(disc_import=disc_import, source=source, **kwargs)

    monkeypatch.setattr(command, "disc_import_run", dies)


def test_a_killed_command_line_import_is_failed_by_the_next_sweep(
    case, tmp_path, settings, monkeypatch
):
    small_cd(tmp_path / "cd", series=1, images=3, patient_name="OWNER^OLIVE")
    _killed_half_way(monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        call_command("import-cd", str(tmp_path / "cd"), "--case", str(case.public_id))
    disc_import = DiscImport.objects.get()
    assert disc_import.status == "running" and _stored(settings)  # as a kill leaves it
    # `serve` starting: the heartbeat is silent and no worker can be alive.
    assert [job.key for job in jobs_sweep(stale_after=0)] == [disc_import.pk]
    disc_import.refresh_from_db()
    assert disc_import.status == "failed" and "interrupted" in disc_import.error
    assert _stored(settings) == [] and ImagingStudy.objects.count() == 0


def test_a_command_line_import_still_running_is_left_alone_by_the_sweep(
    case, tmp_path, monkeypatch
):
    small_cd(tmp_path / "cd", series=1, images=2, patient_name="OWNER^OLIVE")
    seen = {}

    def sweep_now(disc_import):
        seen["swept"] = jobs_sweep(stale_after=0)
        seen["job"] = Job.objects.get(kind="cd_import", key=disc_import.pk).state

    _killed_half_way(monkeypatch, while_running=sweep_now)
    with pytest.raises(KeyboardInterrupt):
        call_command("import-cd", str(tmp_path / "cd"), "--case", str(case.public_id))
    assert seen == {"swept": [], "job": "running"}  # its lock was held: it is alive


def test_the_command_runs_its_import_as_a_job(case, tmp_path):
    small_cd(tmp_path / "cd", series=1, images=2, patient_name="OWNER^OLIVE")
    call_command("import-cd", str(tmp_path / "cd"), "--case", str(case.public_id), "--json")
    job = Job.objects.get(kind="cd_import", key=DiscImport.objects.get().pk)
    assert (job.state, job.attempts, job.case_pk) == ("done", 1, case.pk)


def test_a_damaged_zip_fails_plainly_and_leaves_nothing(case, tmp_path, settings):
    small_cd(tmp_path / "cd", series=1, images=3, patient_name="OWNER^OLIVE")
    archive = zip_of(tmp_path / "cd", tmp_path / "cd.zip")
    raw = bytearray(archive.read_bytes())
    raw[len(raw) // 3] ^= 0xFF
    archive.write_bytes(bytes(raw))
    result = _run(case, archive)
    assert result.status == "failed" and "damaged" in result.error
    assert _stored(settings) == []
    assert ImagingInstance.objects.count() == 0


def test_a_job_failed_after_the_import_finished_keeps_its_rows_and_files(
    case, tmp_path, settings, monkeypatch
):
    """The worker dies after the final flip (say while removing the uploaded ZIP): the import is
    the patient's, so the lifecycle failing its job must remove none of its studies or files."""
    from secondopinion.core.jobs import INTERRUPTED, INTERRUPTED_MESSAGE, job_fail  # noqa: PLC0415
    from secondopinion.core.models import Job  # noqa: PLC0415

    small_cd(tmp_path / "cd", studies=1, series=2, images=3)
    disc_import = imports.disc_import_start(case=case, source_name="cd")
    job = Job.objects.create(kind="cd_import", key=disc_import.pk, case_pk=case.pk, state="running")

    def die(_disc_import):
        raise KeyboardInterrupt  # stands for the kill: none of the run's own clean-up follows

    monkeypatch.setattr(imports, "_upload_remove", die)
    with pytest.raises(KeyboardInterrupt):
        imports.disc_import_run(disc_import=disc_import, source=tmp_path / "cd")
    disc_import.refresh_from_db()
    assert disc_import.status == DiscImport.Status.DONE
    stored = _stored(settings)
    assert ImagingInstance.objects.count() == 6 and len(stored) >= 6

    job.refresh_from_db()
    job_fail(job, INTERRUPTED_MESSAGE, error_class=INTERRUPTED)

    disc_import.refresh_from_db()
    assert disc_import.status == DiscImport.Status.DONE
    assert ImagingInstance.objects.count() == 6
    assert _stored(settings) == stored
