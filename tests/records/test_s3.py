"""The records vault on S3-compatible object storage (django-storages), against moto's in-process S3.

Uploads and CD imports are still written and hashed in one pass, in a local staging folder, then
moved into the bucket under the same names before their rows commit.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from secondopinion.cases.lifecycle import case_delete
from secondopinion.core import vault
from secondopinion.operations.integrity import integrity_check
from secondopinion.records import imports
from secondopinion.records.models import (
    DiscImport,
    Document,
    ImagingInstance,
    ImagingSeries,
    ImagingStudy,
)
from tests.records.helpers import pdf_bytes, small_cd, zip_of
from tests.s3 import BUCKET


def _objects() -> list[str]:
    listing = boto3.client("s3", region_name="us-east-1").list_objects_v2(Bucket=BUCKET)
    return sorted(item["Key"] for item in listing.get("Contents", []))


def _object_bytes(name: str) -> bytes:
    body = boto3.client("s3", region_name="us-east-1").get_object(Bucket=BUCKET, Key=name)
    return body["Body"].read()


def _staged(settings) -> list:
    root = Path(settings.RECORDS_STAGING_DIR)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _upload(client, case, upload):
    return client.post(reverse("records:upload", args=[case.public_id]), {"files": [upload]})


def test_it_keeps_an_upload_in_the_bucket_and_gives_it_back_byte_for_byte(
    owner_client, case, s3, settings, django_capture_on_commit_callbacks
):
    data = pdf_bytes()
    assert not vault.storage_is_local()
    with django_capture_on_commit_callbacks(execute=True):
        _upload(owner_client, case, SimpleUploadedFile("report.pdf", data, "application/pdf"))
    document = Document.objects.get(case=case)
    assert _objects() == [document.stored_name]
    assert _object_bytes(document.stored_name) == data
    assert document.sha256 == hashlib.sha256(data).hexdigest() and document.size == len(data)
    # Text was read from a temporary copy of the object, and the copy is gone.
    assert document.text_status == "done" and "SURGICAL PATHOLOGY" in document.text
    assert _staged(settings) == []
    response = owner_client.get(
        reverse("records:document_download", args=[case.public_id, document.public_id])
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Content-Length"] == str(len(data))
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert integrity_check(min_age=0).ok


def test_deleting_a_document_removes_its_object(
    owner_client, case, s3, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _upload(owner_client, case, SimpleUploadedFile("notes.txt", b"Medication: tamoxifen"))
    document = Document.objects.get(case=case)
    assert _objects() == [document.stored_name]
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(
            reverse("records:document_delete", args=[case.public_id, document.public_id])
        )
    assert not Document.objects.exists()
    assert _objects() == []


def test_a_refused_or_duplicate_upload_never_reaches_the_bucket(
    owner_client, case, s3, settings, django_capture_on_commit_callbacks
):
    data = pdf_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        _upload(owner_client, case, SimpleUploadedFile("a.pdf", data))
        _upload(owner_client, case, SimpleUploadedFile("copy.pdf", data))
        _upload(owner_client, case, SimpleUploadedFile("fake.pdf", b"<html>not a pdf"))
    assert len(_objects()) == Document.objects.count() == 1
    assert _staged(settings) == []


def test_it_imports_a_cd_zip_into_the_bucket_with_previews(
    owner_client, case, s3, settings, tmp_path, django_capture_on_commit_callbacks
):
    counts = small_cd(tmp_path / "cd", studies=1, series=2, images=3)
    archive = zip_of(tmp_path / "cd", tmp_path / "cd.zip")
    with django_capture_on_commit_callbacks(execute=True):
        _upload(owner_client, case, SimpleUploadedFile("cd.zip", archive.read_bytes()))
    disc_import = DiscImport.objects.get(case=case)
    assert disc_import.status == "done", disc_import.error
    assert disc_import.upload_name == ""  # the uploaded ZIP was removed from the bucket
    instances = list(ImagingInstance.objects.filter(case=case))
    assert len(instances) == counts["images"]
    previews = [s.preview_name for s in ImagingSeries.objects.filter(study__case=case)]
    assert len(previews) == counts["series"] and all(previews)
    assert _objects() == sorted([i.stored_name for i in instances] + previews)
    for instance in instances:
        assert hashlib.sha256(_object_bytes(instance.stored_name)).hexdigest() == instance.sha256
    series = ImagingSeries.objects.filter(study__case=case).first()
    response = owner_client.get(
        reverse("records:series_preview", args=[case.public_id, series.public_id])
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert _staged(settings) == []
    assert integrity_check(min_age=0).ok
    # Deleting the case removes every object it held.
    with django_capture_on_commit_callbacks(execute=True):
        case_delete(case=case)
    assert _objects() == []


def test_a_failure_during_a_cd_import_leaves_no_object_and_no_rows(
    case, s3, settings, tmp_path, monkeypatch
):
    settings.CD_WRITE_BATCH = 1  # one study per transaction: two commit, the third fails
    small_cd(tmp_path / "cd", studies=4, series=2, images=2)
    real_bulk_create = ImagingInstance.objects.bulk_create
    calls = []

    def failing_bulk_create(objs, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("database went away")
        return real_bulk_create(objs, **kwargs)

    monkeypatch.setattr(ImagingInstance.objects, "bulk_create", failing_bulk_create)
    disc_import = imports.disc_import_start(case=case, source_name="cd")
    with pytest.raises(RuntimeError):
        imports.disc_import_run(disc_import=disc_import, source=tmp_path / "cd")
    assert len(calls) == 3  # the files were in the bucket when the rows failed
    assert ImagingStudy.objects.count() == ImagingSeries.objects.count() == 0
    assert ImagingInstance.objects.count() == 0
    assert DiscImport.objects.get().status == "failed"
    assert _objects() == []
    assert _staged(settings) == []


def test_a_failure_while_moving_files_into_the_bucket_leaves_nothing(
    case, s3, settings, tmp_path, monkeypatch
):
    small_cd(tmp_path / "cd", studies=1, series=2, images=4)
    real_publish = vault.file_publish
    calls = []

    def failing_publish(*, name, root):
        calls.append(name)
        if len(calls) == 5:
            raise OSError("connection reset")
        real_publish(name=name, root=root)

    monkeypatch.setattr(vault, "file_publish", failing_publish)
    disc_import = imports.disc_import_start(case=case, source_name="cd")
    with pytest.raises(OSError):
        imports.disc_import_run(disc_import=disc_import, source=tmp_path / "cd")
    assert ImagingInstance.objects.count() == ImagingStudy.objects.count() == 0
    assert _objects() == []
    assert _staged(settings) == []


def test_a_storage_that_would_rename_a_file_is_refused_and_cleaned_up(
    case, s3, settings, monkeypatch
):
    root = vault.staging_root()
    (root / "ab").mkdir()
    (root / "ab" / "cafe").write_bytes(b"bytes")
    monkeypatch.setattr(type(s3), "get_available_name", lambda self, name, max_length=None: "x/y")
    with pytest.raises(vault.NameChanged):
        vault.file_publish(name="ab/cafe", root=root)
    assert _objects() == []
    assert _staged(settings) == []


def test_a_missing_object_is_a_plain_not_found(owner_client, case, s3):
    document = Document.objects.create(
        case=case,
        doc_type="other",
        original_name="gone.pdf",
        stored_name="ab/" + "0" * 32,
        size=3,
        sha256="0" * 64,
        content_type="application/pdf",
        kind="pdf",
    )
    response = owner_client.get(
        reverse("records:document_download", args=[case.public_id, document.public_id])
    )
    assert response.status_code == 404
