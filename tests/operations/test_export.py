"""Export of one case: every record as JSON plus the files, verifiable by its manifest."""

import json
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from secondopinion.accounts.models import AuditEvent
from secondopinion.core.jobs import jobs_sweep
from secondopinion.core.models import Job
from secondopinion.operations.export import case_export, case_models_walk
from secondopinion.operations.models import CaseExport
from secondopinion.opinions.models import LinkEvent, PacketBuild, ShareLink
from secondopinion.opinions.packet import packet_verify
from secondopinion.providers.models import Service
from secondopinion.records.models import Document
from tests.core.helpers import document_store, orphan_write, storage_root
from tests.factories import make_case
from tests.providers.factories import make_service


@pytest.fixture
def full_case(case, owner):
    document_store(case, b"%PDF biopsy", title="biopsy.pdf")
    service = make_service(case)
    build = PacketBuild.objects.create(case=case, service=service, status="done")
    orphan_write(f"packets/{case.public_id}/p.zip", b"PK packet")
    PacketBuild.objects.filter(pk=build.pk).update(
        file_name=f"packets/{case.public_id}/p.zip", file_size=9
    )
    link = ShareLink.objects.create(
        case=case,
        service=service,
        token_hash="f" * 64,
        passcode_hash="argon2$secret",
        expires_at=timezone.now(),
        created_by=owner,
    )
    LinkEvent.objects.create(link=link, action="open")
    # Another person's case must not leak into this export.
    other = make_case(owner, patient_name="Someone Else")
    document_store(other, b"%PDF other")
    return case


def test_it_finds_every_model_of_the_case_by_walking_foreign_keys(full_case):
    walked = case_models_walk(full_case)
    assert walked[Document].count() == 1
    assert walked[Service].count() == 1
    assert walked[LinkEvent].count() == 1  # a grandchild, through ShareLink


def test_it_writes_a_zip_that_verifies_and_holds_records_and_files(full_case, tmp_path):
    result = case_export(case=full_case, out=tmp_path / "case.zip")
    assert result.files == 2 and not result.problems
    report = packet_verify(tmp_path / "case.zip")
    assert report.ok, report.problems
    with zipfile.ZipFile(tmp_path / "case.zip") as zf:
        names = set(zf.namelist())
        case_rows = json.loads(zf.read("records/case.json"))
        docs = json.loads(zf.read("records/records.document.json"))
        links = json.loads(zf.read("records/opinions.sharelink.json"))
        stored = docs[0]["fields"]["stored_name"]
        assert zf.read(f"files/{stored}") == b"%PDF biopsy"
    assert case_rows[0]["fields"]["patient_name"] == "Olive Owner"
    assert [d["fields"]["original_name"] for d in docs] == ["biopsy.pdf"]
    assert "token_hash" not in links[0]["fields"] and "passcode_hash" not in links[0]["fields"]
    assert {"manifest.json", "SHA256SUMS", "records/opinions.linkevent.json"} <= names


def test_it_notes_a_changed_file_in_the_manifest_and_verification_catches_tampering(case, tmp_path):
    doc = document_store(case, b"original")
    (storage_root() / doc.stored_name).write_bytes(b"changed!")
    result = case_export(case=case, out=tmp_path / "case.zip")
    assert len(result.problems) == 1 and "changed" in result.problems[0]

    with zipfile.ZipFile(tmp_path / "case.zip") as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    members[f"files/{doc.stored_name}"] = b"tampered"
    with zipfile.ZipFile(tmp_path / "bad.zip", "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    assert not packet_verify(tmp_path / "bad.zip").ok


def test_the_command_writes_the_zip(full_case, tmp_path, capsys):
    call_command("export", "--case", str(full_case.public_id), "--out", str(tmp_path / "x.zip"))
    assert "2 files" in capsys.readouterr().out
    assert packet_verify(tmp_path / "x.zip").ok


def test_the_command_refuses_an_unknown_case(db, tmp_path):
    with pytest.raises(CommandError):
        call_command("export", "--case", "not-a-uuid", "--out", str(tmp_path / "x.zip"))


def _export_url(name, case, export=None):
    args = [case.public_id] if export is None else [case.public_id, export.public_id]
    return reverse(f"operations_case:{name}", args=args)


def test_it_makes_the_zip_in_the_background_and_lets_the_owner_download_it(
    full_case, owner_client, tmp_path, django_capture_on_commit_callbacks
):
    url = _export_url("export", full_case)
    assert "Make the ZIP file" in owner_client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(url)
    export = CaseExport.objects.get()
    assert response.url == _export_url("export_status", full_case, export)
    assert export.status == "done" and export.file_count == 2
    assert Job.objects.get(kind="export", key=export.pk).state == "done"
    page = owner_client.get(response.url).content.decode()
    assert "Ready" in page and _export_url("export_download", full_case, export) in page
    assert AuditEvent.objects.filter(action="case.exported").count() == 0
    download = owner_client.get(_export_url("export_download", full_case, export))
    assert download["Content-Disposition"].startswith("attachment")
    path = tmp_path / "down.zip"
    path.write_bytes(b"".join(download.streaming_content))
    assert packet_verify(path).ok
    assert AuditEvent.objects.filter(action="case.exported", case=full_case).count() == 1


def test_it_shows_progress_while_the_zip_is_being_made(full_case, owner_client):
    export = CaseExport.objects.create(
        case=full_case, status="running", files_done=1, files_total=4
    )
    page = owner_client.get(_export_url("export_status", full_case, export)).content.decode()
    assert "25% done" in page and 'data-status="running"' in page
    assert owner_client.get(_export_url("export_download", full_case, export)).status_code == 404


def test_a_newer_zip_replaces_the_older_one_and_never_holds_it(
    full_case, owner_client, django_capture_on_commit_callbacks
):
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            owner_client.post(_export_url("export", full_case))
    old, new = CaseExport.objects.order_by("created_at")
    assert old.file_name == "" and new.file_name and new.file_count == 2  # not the first ZIP
    assert owner_client.get(_export_url("export_download", full_case, old)).status_code == 404
    assert (
        b"replaced by a newer one"
        in owner_client.get(_export_url("export_status", full_case, old)).content
    )


def test_a_killed_export_is_failed_with_its_half_written_zip_removed_and_try_again_works(
    full_case, owner_client, django_capture_on_commit_callbacks
):
    export = CaseExport.objects.create(case=full_case, status="running")
    name = f"exports/{full_case.public_id}/dead.zip"
    half = orphan_write(f"exports/{full_case.public_id}/.dead.zip.x1.part", b"PK half")
    Job.objects.create(
        kind="export", key=export.pk, case_pk=full_case.pk, state="running", scratch=[name]
    )
    swept = jobs_sweep(stale_after=0)  # as at `serve` start-up: no worker can be alive
    assert [job.key for job in swept] == [export.pk]
    assert not half.exists()
    export.refresh_from_db()
    assert export.status == "failed" and "interrupted" in export.error
    page = owner_client.get(_export_url("export_status", full_case, export)).content.decode()
    assert "could not be made" in page and "Try again" in page
    job = Job.objects.get(kind="export", key=export.pk)
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(
            reverse("cases:job_retry", args=[full_case.public_id, job.public_id]),
            {"next": _export_url("export_status", full_case, export)},
        )
    export.refresh_from_db()
    assert export.status == "done" and export.file_name
    assert owner_client.get(_export_url("export_download", full_case, export)).status_code == 200


def test_a_failed_export_says_so_and_leaves_nothing_behind(
    case, owner_client, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(**kwargs):
        (kwargs["out"].parent / f".{kwargs['out'].name}.x1.part").write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr("secondopinion.operations.exporting.case_export", broken)
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(_export_url("export", case))
    export = CaseExport.objects.get()
    assert export.status == "failed" and Job.objects.get(key=export.pk).state == "failed"
    assert "Try again" in owner_client.get(response.url).content.decode()
    assert not list((storage_root() / "exports").rglob("*"))


def test_it_answers_404_to_a_caregiver_and_a_stranger(case, caregiver, stranger, client):
    export = CaseExport.objects.create(case=case, status="done", file_name="exports/x.zip")
    urls = [_export_url(n, case, export) for n in ("export_status", "export_download")]
    for person in (caregiver, stranger):
        client.force_login(person)
        for url in [_export_url("export", case), *urls]:
            assert client.get(url).status_code == 404
            assert client.post(url).status_code == 404


def test_it_answers_404_for_another_cases_export(case, owner, owner_client):
    other = make_case(owner, patient_name="Someone Else")
    export = CaseExport.objects.create(case=other, status="done", file_name="exports/x.zip")
    url = reverse("operations_case:export_download", args=[case.public_id, export.public_id])
    assert owner_client.get(url).status_code == 404


def test_the_dashboard_offers_the_download_to_the_owner_only(case, owner_client, caregiver, client):
    url = reverse("cases:detail", args=[case.public_id])
    export = reverse("operations_case:export", args=[case.public_id])
    assert export in owner_client.get(url).content.decode()
    client.force_login(caregiver)
    assert export not in client.get(url).content.decode()
