"""PDFs from outside are disarmed where they come in: the patient's upload to the vault and the
reviewer's report through a share link (and a report the patient adds). The copy everybody opens
has no scripts; the untouched original is kept aside, private, and known to the integrity check,
the export and case deletion."""

from __future__ import annotations

import io
import json
import zipfile

import pikepdf
import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from secondopinion.cases.models import Case
from secondopinion.core import vault
from secondopinion.operations.backup import installation_backup
from secondopinion.operations.export import case_export
from secondopinion.operations.filerefs import stored_refs
from secondopinion.operations.integrity import integrity_check
from secondopinion.operations.restore import installation_restore
from secondopinion.opinions.models import Opinion
from secondopinion.opinions.services.sources import vault_items
from secondopinion.records.models import Document
from tests.factories import make_case, make_user
from tests.opinions.factories import make_build, make_link, tiny_pdf
from tests.providers.factories import make_service
from tests.records.helpers import armed, pdf_bytes


def active(data: bytes) -> bool:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        names = pdf.Root.get("/Names")
        return "/OpenAction" in pdf.Root or (names is not None and "/JavaScript" in names)


def stored(name: str) -> bytes:
    with default_storage.open(name, "rb") as fh:
        return fh.read()


def upload(owner_client, case, data: bytes, name: str = "report.pdf"):
    return owner_client.post(
        reverse("records:upload", args=[case.public_id]),
        {"files": [SimpleUploadedFile(name, data, content_type="application/pdf")]},
        follow=True,
    )


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def test_it_disarms_a_patient_upload_and_keeps_the_original_aside(owner_client, case):
    original = armed(pdf_bytes())
    response = upload(owner_client, case, original)
    assert "We removed an action run on opening; scripts from this PDF" in response.content.decode()
    document = Document.objects.get(case=case)
    assert document.kept_original_name and document.kept_original_name != document.stored_name
    assert stored(document.kept_original_name) == original
    assert document.kept_original_size == len(original)
    safe = stored(document.stored_name)
    assert not active(safe) and active(original)
    assert document.size == len(safe) and document.active_removed

    page = owner_client.get(
        reverse("records:document_detail", args=[case.public_id, document.public_id])
    )
    assert "We removed an action run on opening; scripts from this PDF" in page.content.decode()
    assert "the original is kept" in page.content.decode()
    download = owner_client.get(
        reverse("records:document_download", args=[case.public_id, document.public_id])
    )
    assert b"".join(download.streaming_content) == safe
    # The packet takes the disarmed copy, never the original.
    (item,) = vault_items(case)
    assert [f.source.read_bytes() for f in item.files] == [safe]


def test_it_leaves_a_plain_pdf_as_it_came(owner_client, case):
    data = pdf_bytes()
    upload(owner_client, case, data)
    document = Document.objects.get(case=case)
    assert (document.kept_original_name, document.active_removed) == ("", "")
    assert stored(document.stored_name) == data


def test_it_knows_the_same_armed_file_when_it_comes_again(owner_client, case):
    original = armed(pdf_bytes())
    upload(owner_client, case, original)
    again = upload(owner_client, case, original, name="again.pdf")
    assert "already have this exact file" in again.content.decode()
    assert Document.objects.filter(case=case).count() == 1


def test_the_original_is_checked_exported_and_deleted_with_the_document(
    owner_client, case, tmp_path, django_capture_on_commit_callbacks
):
    upload(owner_client, case, armed(pdf_bytes()))
    document = Document.objects.get(case=case)
    names = {document.stored_name, document.kept_original_name}
    assert {ref.name for ref in stored_refs(case=case)} == names
    assert integrity_check(min_age=0).ok

    result = case_export(case=case, out=tmp_path / "case.zip")
    assert result.problems == []
    with zipfile.ZipFile(tmp_path / "case.zip") as zf:
        manifest = json.loads(zf.read("manifest.json"))
        fields = {f["field"] for f in manifest["files"] if f["type"] == "file"}
        assert fields == {"stored_name", "kept_original_name"}
        assert zf.read(f"files/{document.kept_original_name}") == stored(
            document.kept_original_name
        )

    # A changed original is found by the integrity check like any other file.
    with default_storage.open(document.kept_original_name, "wb") as fh:
        fh.write(b"%PDF-1.4 changed")
    assert not integrity_check(min_age=0).ok

    delete = reverse("records:document_delete", args=[case.public_id, document.public_id])
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(delete)
    assert not any(default_storage.exists(name) for name in names)


def test_it_refuses_a_password_protected_pdf_in_the_vault(owner_client, case):
    response = upload(owner_client, case, pdf_bytes(password="secret"))
    assert "password" in response.content.decode()
    assert not Document.objects.filter(case=case).exists()


def test_the_reviewers_report_is_disarmed_and_the_patient_is_told(client, owner_client, case):
    service = make_service(case, doctor_name="Ada Moreau")
    make_build(case, service)
    _, token = make_link(case, service)
    original = armed(tiny_pdf("Opinion"))
    response = client.post(
        reverse("share:report", args=[token]),
        {"report": SimpleUploadedFile("opinion.pdf", original, content_type="application/pdf")},
    )
    assert response.status_code == 200
    opinion = Opinion.objects.get(case=case)
    assert stored(opinion.report_kept_name) == original
    assert opinion.report_kept_sha256 and opinion.report_kept_size == len(original)
    safe = stored(opinion.report_name)
    assert not active(safe) and opinion.report_size == len(safe)
    assert {ref.name for ref in stored_refs(case=case)} >= {
        opinion.report_name,
        opinion.report_kept_name,
    }
    page = owner_client.get(
        reverse("opinions:opinion_detail", args=[case.public_id, opinion.public_id])
    )
    assert "We removed an action run on opening; scripts from this PDF" in page.content.decode()
    download = owner_client.get(
        reverse("opinions:opinion_report", args=[case.public_id, opinion.public_id])
    )
    assert b"".join(download.streaming_content) == safe


def test_a_plain_report_keeps_no_second_copy(client, case):
    service = make_service(case, doctor_name="Ada Moreau")
    make_build(case, service)
    _, token = make_link(case, service)
    data = tiny_pdf("Opinion")
    client.post(
        reverse("share:report", args=[token]),
        {"report": SimpleUploadedFile("opinion.pdf", data, content_type="application/pdf")},
    )
    opinion = Opinion.objects.get(case=case)
    assert (opinion.report_kept_name, opinion.report_removed) == ("", "")
    assert stored(opinion.report_name) == data


def add_opinion(owner_client, case, data: bytes):
    """The patient records an opinion themselves and attaches the report they were sent."""
    return owner_client.post(
        reverse("opinions:opinion_new", args=[case.public_id]),
        {
            "doctor_name": "Ada Moreau",
            "received_on": "2026-05-01",
            "stance": "confirms",
            "report": SimpleUploadedFile("opinion.pdf", data, content_type="application/pdf"),
        },
    )


def test_the_report_the_patient_adds_is_disarmed_and_the_original_kept(owner_client, case):
    original = armed(tiny_pdf("Opinion"))
    response = add_opinion(owner_client, case, original)
    opinion = Opinion.objects.get(case=case)
    assert response.status_code == 302
    assert stored(opinion.report_kept_name) == original
    assert opinion.report_kept_size == len(original) and opinion.report_kept_sha256
    safe = stored(opinion.report_name)
    assert not active(safe) and opinion.report_size == len(safe)
    page = owner_client.get(
        reverse("opinions:opinion_detail", args=[case.public_id, opinion.public_id])
    ).content.decode()
    assert "We removed an action run on opening; scripts from this PDF" in page
    assert "the original is kept" in page
    download = owner_client.get(
        reverse("opinions:opinion_report", args=[case.public_id, opinion.public_id])
    )
    assert b"".join(download.streaming_content) == safe


def test_a_password_protected_report_the_patient_adds_is_refused_and_nothing_kept(
    owner_client, case
):
    response = add_opinion(owner_client, case, pdf_bytes(password="secret"))
    assert response.status_code == 200
    assert "protected by a password" in response.content.decode()
    assert not Opinion.objects.filter(case=case).exists()
    assert list(vault.stored_walk(storage=default_storage)) == []


@pytest.mark.django_db(transaction=True)
def test_a_backup_carries_the_original_and_a_restore_brings_both_back(client, tmp_path):
    owner = make_user("owner@example.org")
    case = make_case(owner, patient_name="Olive Owner")
    client.force_login(owner)
    original = armed(pdf_bytes())
    upload(client, case, original)
    document = Document.objects.get(case=case)
    safe = stored(document.stored_name)
    installation_backup(out=tmp_path / "backup")

    Case.objects.all().delete()
    for name in vault.stored_walk(storage=default_storage):
        default_storage.delete(name)
    installation_restore(path=tmp_path / "backup")

    document = Document.objects.get(pk=document.pk)
    assert stored(document.kept_original_name) == original
    assert stored(document.stored_name) == safe
    assert integrity_check(min_age=0).ok
