"""Export of one case: every record as JSON plus the files, verifiable by its manifest."""

import json
import zipfile
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from secondopinion.operations.export import case_export, case_models_walk
from secondopinion.operations.views_case import export_open
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


def test_it_lets_the_owner_download_the_zip(full_case, owner_client, tmp_path):
    url = reverse("operations_case:export", args=[full_case.public_id])
    assert "Download the ZIP file" in owner_client.get(url).content.decode()
    response = owner_client.post(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    path = tmp_path / "down.zip"
    path.write_bytes(b"".join(response.streaming_content))
    assert packet_verify(path).ok


def test_it_answers_404_to_a_caregiver_and_a_stranger(case, caregiver, stranger, client):
    url = reverse("operations_case:export", args=[case.public_id])
    for person in (caregiver, stranger):
        client.force_login(person)
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404


def test_the_dashboard_offers_the_download_to_the_owner_only(case, owner_client, caregiver, client):
    url = reverse("cases:detail", args=[case.public_id])
    export = reverse("operations_case:export", args=[case.public_id])
    assert export in owner_client.get(url).content.decode()
    client.force_login(caregiver)
    assert export not in client.get(url).content.decode()


@pytest.mark.django_db(transaction=True)
def test_it_builds_several_exports_of_one_case_at_once(owner, settings, tmp_path):
    """Each export has its own temporary name: parallel builds never collide (it was a 500)."""

    case = make_case(owner)
    document_store(case, b"%PDF biopsy", title="biopsy.pdf")
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "tmp")

    def build(_: int) -> bytes:
        try:
            with export_open(case) as handle:
                return handle.read()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=6) as pool:
        bodies = list(pool.map(build, range(12)))
    for index, body in enumerate(bodies):
        path = tmp_path / f"down-{index}.zip"
        path.write_bytes(body)
        assert packet_verify(path).ok
    assert list((tmp_path / "tmp").iterdir()) == []


def test_a_failed_export_leaves_nothing_in_the_temp_folder(
    case, owner_client, settings, tmp_path, monkeypatch
):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "tmp")
    url = reverse("operations_case:export", args=[case.public_id])

    def broken(**kwargs):
        (kwargs["out"].parent / ".case.zip.part").write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr("secondopinion.operations.views_case.case_export", broken)
    with pytest.raises(OSError, match="disk full"):
        owner_client.post(url)
    assert list((tmp_path / "tmp").iterdir()) == []
