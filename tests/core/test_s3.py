"""Documents in S3-compatible object storage (django-storages), against moto's in-process S3."""

from __future__ import annotations

import hashlib
import zipfile

import boto3
import pytest
from django.core.files.base import ContentFile

from secondopinion.core import vault
from secondopinion.operations.backup import installation_backup
from secondopinion.operations.export import case_export
from secondopinion.operations.integrity import integrity_check, integrity_repair
from secondopinion.operations.restore import installation_restore
from secondopinion.opinions.packet import packet_verify
from secondopinion.records.models import Document
from tests.s3 import BUCKET


def _document(case, storage, data: bytes, name: str) -> Document:
    saved = storage.save(name, ContentFile(data))
    return Document.objects.create(
        case=case,
        doc_type="pathology",
        original_name="report.pdf",
        stored_name=saved,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content_type="application/pdf",
        kind="pdf",
    )


def test_it_keeps_documents_in_the_bucket_privately(case, s3):
    doc = _document(case, s3, b"%PDF in the cloud", "ab/abcdef")
    assert type(s3).__name__ == "S3Storage"
    assert s3.open(doc.stored_name).read() == b"%PDF in the cloud"
    head = boto3.client("s3").head_object(Bucket=BUCKET, Key=doc.stored_name)
    assert head["ServerSideEncryption"] == "AES256"


def test_the_integrity_check_and_repair_work_on_object_storage(case, s3):
    _document(case, s3, b"%PDF fine", "aa/fine")
    bad = _document(case, s3, b"%PDF original", "bb/bad")
    s3.delete(bad.stored_name)
    s3.save(bad.stored_name, ContentFile(b"%PDF tampered"))
    s3.save("cc/orphan", ContentFile(b"stray"))
    report = integrity_check(min_age=0)
    assert sorted((p.kind, p.name) for p in report.problems) == [
        ("changed", "bb/bad"),
        ("orphan", "cc/orphan"),
    ]
    integrity_repair(report=report)
    assert integrity_check(min_age=0).ok
    assert not s3.exists("cc/orphan")


def test_export_reads_files_from_object_storage(case, s3, tmp_path):
    doc = _document(case, s3, b"%PDF exported", "dd/exp")
    result = case_export(case=case, out=tmp_path / "case.zip")
    assert result.files == 1 and not result.problems
    assert packet_verify(tmp_path / "case.zip").ok
    with zipfile.ZipFile(tmp_path / "case.zip") as zf:
        assert zf.read(f"files/{doc.stored_name}") == b"%PDF exported"


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_bring_back_the_bucket(case, s3, tmp_path):
    doc = _document(case, s3, b"%PDF kept safe", "ee/kept")
    installation_backup(out=tmp_path / "backup")
    s3.delete(doc.stored_name)
    s3.save("ff/added-later", ContentFile(b"not in the backup"))
    installation_restore(path=tmp_path / "backup")
    assert sorted(vault.stored_walk(storage=s3)) == ["ee/kept"]
    assert s3.open("ee/kept").read() == b"%PDF kept safe"
