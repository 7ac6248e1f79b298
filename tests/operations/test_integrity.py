"""The integrity check: missing, changed and orphan files, and the quarantine repair."""

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from secondopinion.core.models import Job
from secondopinion.operations.integrity import (
    RepairRefused,
    integrity_check,
    integrity_repair,
)
from secondopinion.opinions.models import PacketBuild
from secondopinion.records.models import DiscImport, Document
from tests.core.helpers import document_store, orphan_write, storage_root
from tests.providers.factories import make_service


def test_it_reports_clean_when_every_file_matches(case):
    document_store(case, b"one")
    document_store(case, b"two")
    report = integrity_check(min_age=0)
    assert report.ok
    assert report.checked == 2 and report.stored == 2


def test_it_finds_a_missing_file(case):
    doc = document_store(case)
    (storage_root() / doc.stored_name).unlink()
    report = integrity_check(min_age=0)
    assert [(p.kind, p.name, p.pk) for p in report.problems] == [
        ("missing", doc.stored_name, doc.pk)
    ]


def test_it_finds_a_changed_file_but_quick_mode_does_not_hash(case):
    doc = document_store(case, b"original bytes")
    (storage_root() / doc.stored_name).write_bytes(b"original bytez")
    assert [p.kind for p in integrity_check(min_age=0).problems] == ["changed"]
    assert integrity_check(quick=True, min_age=0).ok


def test_it_calls_unreferenced_files_orphans_only_once_they_are_old(case):
    orphan_write("ab/.upload-123")
    assert integrity_check(min_age=3600).ok  # an upload may be under way
    report = integrity_check(min_age=0)
    assert [(p.kind, p.name) for p in report.problems] == [("orphan", "ab/.upload-123")]
    assert "interrupted" in report.problems[0].detail


def test_it_repairs_by_quarantining_files_and_rows(case, settings):
    kept = document_store(case, b"fine")
    changed = document_store(case, b"will change")
    missing = document_store(case, b"will vanish")
    (storage_root() / changed.stored_name).write_bytes(b"tampered")
    (storage_root() / missing.stored_name).unlink()
    orphan_write("cd/orphan.dcm")

    report = integrity_repair(report=integrity_check(min_age=0))

    assert not report.unrepaired
    assert list(Document.objects.values_list("pk", flat=True)) == [kept.pk]
    folder = settings.QUARANTINE_DIR
    run = next(folder.iterdir())
    assert (run / "files" / "cd" / "orphan.dcm").read_bytes() == b"left behind"
    assert (run / "files" / changed.stored_name).read_bytes() == b"tampered"
    saved = json.loads((run / "rows" / f"records.document-{missing.pk}.json").read_text())
    assert saved[0]["fields"]["original_name"] == "report.pdf"
    assert json.loads((run / "report.json").read_text())["problems"]
    assert integrity_check(min_age=0).ok


def test_it_refuses_to_repair_when_every_file_is_missing(case):
    docs = [document_store(case, bytes([i])) for i in range(10)]
    for doc in docs:
        (storage_root() / doc.stored_name).unlink()
    with pytest.raises(RepairRefused):
        integrity_repair(report=integrity_check(min_age=0))
    assert Document.objects.count() == 10


def test_it_prints_json_and_exits_nonzero_on_problems(case, capsys):
    orphan_write("zz/stray")
    with pytest.raises(SystemExit) as exit_info:
        call_command("check-integrity", "--json", "--min-age-minutes", "0")
    assert exit_info.value.code == 1
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False and data["problems"][0]["kind"] == "orphan"


def test_it_exits_zero_after_repair(case, capsys):
    orphan_write("zz/stray")
    call_command("check-integrity", "--repair", "--min-age-minutes", "0")
    out = capsys.readouterr().out
    assert "moved to files/zz/stray" in out
    call_command("check-integrity", "--min-age-minutes", "0")


def test_setup_prints_a_warning_line_when_a_file_is_missing(case, capsys):
    doc = document_store(case)
    (storage_root() / doc.stored_name).unlink()
    call_command("setup")
    assert "Warning: 1 problem with stored files (1 missing)" in capsys.readouterr().out


def test_it_marks_a_job_left_running_by_a_dead_process_as_failed(case):
    old = DiscImport.objects.create(case=case, source_name="cd.zip", status="running")
    build = PacketBuild.objects.create(case=case, service=make_service(case), status="running")
    assert integrity_check(min_age=3600).ok  # just started: may well be running
    report = integrity_check(min_age=0)
    assert sorted(p.kind for p in report.problems) == ["interrupted", "interrupted"]
    integrity_repair(report=report)
    old.refresh_from_db()
    build.refresh_from_db()
    assert (old.status, build.status) == ("failed", "failed")
    assert "interrupted" in old.error and old.finished_at
    assert integrity_check(min_age=0).ok


def test_it_finishes_the_failure_of_a_job_left_stopping_by_a_dead_process(case):
    build = PacketBuild.objects.create(case=case, service=make_service(case), status="running")
    long_ago = timezone.now() - timedelta(minutes=10)
    Job.objects.create(
        kind="packet", key=build.pk, case_pk=case.pk, state="stopping", heartbeat_at=long_ago,
        started_at=long_ago, message="The packet could not be made.",
    )  # fmt: skip
    report = integrity_check(min_age=0)
    assert [p.model for p in report.problems if p.kind == "interrupted"] == ["core.Job"]
    integrity_repair(report=report)
    build.refresh_from_db()
    assert Job.objects.get(kind="packet", key=build.pk).state == "failed"
    assert (build.status, build.error) == ("failed", "The packet could not be made.")
    assert integrity_check(min_age=0).ok
