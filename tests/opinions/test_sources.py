"""Vault items come from the records app's rows, digests and all, and make a verified packet."""

import datetime
import hashlib
import zipfile

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from secondopinion.opinions.models import PacketBuild
from secondopinion.opinions.packet import packet_verify
from secondopinion.opinions.services import packet_build
from secondopinion.opinions.services.packets import packet_request
from secondopinion.opinions.services.sources import vault_items
from secondopinion.records.models import Document, ImagingInstance, ImagingSeries, ImagingStudy
from tests.providers.factories import make_service
from tests.records.helpers import make_study


def stored(data: bytes, name: str) -> dict:
    saved = default_storage.save(name, ContentFile(data))
    return {"stored_name": saved, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


@pytest.fixture
def vault(case):
    Document.objects.create(
        case=case,
        doc_type="pathology_report",
        document_date=datetime.date(2026, 3, 1),
        institution="City Lab",
        original_name="biopsy.pdf",
        content_type="application/pdf",
        kind="pdf",
        **stored(b"%PDF-1.4 biopsy", "vault/a"),
    )
    Document.objects.create(
        case=case,
        doc_type="agreement",
        original_name="contract.pdf",
        content_type="application/pdf",
        kind="pdf",
        **stored(b"%PDF-1.4 contract", "vault/b"),
    )
    study = ImagingStudy.objects.create(
        case=case,
        study_uid="1.2",
        study_date=datetime.date(2026, 3, 2),
        modalities="CT",
        description="Chest",
    )
    series = ImagingSeries.objects.create(
        study=study, series_uid="1.2.3", number=2, description="Axial"
    )
    for n in (2, 1):
        ImagingInstance.objects.create(
            case=case,
            series=series,
            sop_instance_uid=f"1.2.3.{n}",
            instance_number=n,
            original_path=f"DICOM/ST1/SE2/IM{n}",
            **stored(b"DICM" * 100 + bytes([n]), f"vault/im{n}"),
        )


def test_it_lists_documents_then_one_item_per_series(case, vault):
    items = vault_items(case)
    assert [i.kind for i in items] == ["pathology_report", "agreement", "imaging"]
    assert items[1].default_included is False
    assert [f.title for f in items[2].files] == ["IM1", "IM2"]
    assert items[2].label == "Scan images: 2026-03-02 CT Chest, Series 2 Axial (2 images)"


def test_it_builds_a_verified_packet_from_the_vault(
    case, vault, django_capture_on_commit_callbacks
):
    service = make_service(case)
    with django_capture_on_commit_callbacks(execute=True):
        packet_request(case=case, service=service)
    build = PacketBuild.objects.get()
    assert build.status == "done", build.error
    path = default_storage.path(build.file_name)
    assert packet_verify(path).ok
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
    assert "documents/03 Pathology reports/2026-03-01 biopsy.pdf" in names
    assert "imaging/2026-03-02 CT Chest/Series 2 Axial/IM1.dcm" in names
    assert not any("contract" in n for n in names)


def test_it_builds_from_object_storage_too(
    case, settings, monkeypatch, tmp_path, django_capture_on_commit_callbacks
):
    """Hosted: records and packets live in S3 (moto's in-process fake); the copy streams."""
    moto = pytest.importorskip("moto")
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.setenv(key, "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with moto.mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="so-test")
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": "so-test",
                    "region_name": "us-east-1",
                    "file_overwrite": False,
                },
            },
        }
        Document.objects.create(
            case=case,
            doc_type="lab_results",
            original_name="cbc.pdf",
            content_type="application/pdf",
            kind="pdf",
            **stored(b"%PDF-1.4 counts" * 5000, "vault/cbc"),
        )
        with django_capture_on_commit_callbacks(execute=True):
            packet_request(case=case, service=make_service(case))
        build = PacketBuild.objects.get()
        assert build.status == "done", build.error
        local = tmp_path / "from-s3.zip"
        with default_storage.open(build.file_name, "rb") as src:
            local.write_bytes(src.read())
    assert packet_verify(local).ok


def test_it_never_puts_two_series_in_one_folder(case):
    study = ImagingStudy.objects.create(
        case=case, study_uid="9", modalities="CT", description="CT CHEST"
    )
    for uid in ("9.1", "9.2"):
        series = ImagingSeries.objects.create(
            study=study, series_uid=uid, number=1, description="Axial"
        )
        ImagingInstance.objects.create(
            case=case,
            series=series,
            sop_instance_uid=uid + ".1",
            original_path="IM0",
            **stored(uid.encode() * 10, f"vault/{uid}"),
        )
    series_folders = [item.files[0].series for item in vault_items(case)]
    assert series_folders == ["Series 1 Axial", "Series 1 Axial (2)"]
    assert vault_items(case)[0].files[0].study == "CT CHEST"


def test_it_leaves_out_scans_that_name_someone_else_until_ticked_in(case):
    own = make_study(case)
    other = make_study(case)
    ImagingStudy.objects.filter(pk=own.pk).update(patient_name="OWNER^OLIVE")
    ImagingStudy.objects.filter(pk=other.pk).update(patient_name="DOE^PETER")
    items = {item.key: item for item in vault_items(case)}
    mine = next(i for i in items.values() if str(own.series.get().public_id) in i.key)
    theirs = next(i for i in items.values() if str(other.series.get().public_id) in i.key)
    assert mine.default_included
    assert not theirs.default_included and "name differ" in theirs.label
    chosen = dict(packet_build.packet_preview(case=case, excluded=[]))
    assert chosen[theirs] is True  # the patient can still tick it in
