"""Importing a patient-portal download into a case: the path the CLI and the task share."""

from __future__ import annotations

import datetime
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from secondopinion.core.vault import storage_root
from secondopinion.pathology.models import ReportReading
from secondopinion.plans.reader import read_plan
from secondopinion.records import portal_import
from secondopinion.records.models import Document, PortalImport, PortalItem
from tests.factories import make_case
from tests.records import portal_bundles
from tests.records.portal_files import BILLION_LAUGHS, PATHOLOGY_CCDA, SHARED, xdm_zip

BREAST = portal_bundles.DATA / "mcode-breast.json"


@pytest.fixture
def maria(owner):
    return make_case(owner, patient_name="Maria Rivera", cancer_type="other")


def _stored(settings) -> list[Path]:
    root = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _run(case, source: Path, **kwargs) -> PortalImport:
    started = portal_import.portal_import_start(
        case=case,
        source_name=source.name,
        sha256=portal_import.file_digest(source) if source.is_file() else "",
    )
    return portal_import.portal_import_run(portal_import=started, source=source, **kwargs)


def test_it_imports_an_mcode_bundle_and_the_pathology_reader_reads_its_report(
    maria, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = _run(maria, BREAST)
    assert result.status == "done", result.error
    document = Document.objects.get(case=maria)
    assert (document.doc_type, document.type_source, document.kind) == (
        "pathology_report",
        "code",
        "text",
    )
    assert str(document.document_date) == "2025-09-20"
    reading = ReportReading.objects.get(document=document)
    assert {f.field: f.value for f in reading.facts.all()}["stage_group"] == "IIA"
    kinds = dict.fromkeys(PortalItem.Kind.values, 0)
    for item in PortalItem.objects.filter(case=maria):
        kinds[item.kind] += 1
    assert kinds == {
        "condition": 1,
        "medication": 1,
        "procedure": 2,
        "observation": 8,
        "document": 1,
    }
    stage = PortalItem.objects.get(case=maria, field="stage_group")
    assert (stage.value, stage.source_file, stage.source_ref) == (
        "IIA",
        "mcode-breast.json",
        "Observation/breast-stage-group",
    )
    assert result.summary["documents"] == [
        {"id": str(document.public_id), "type": "pathology_report", "title": document.original_name}
    ]


def test_the_same_file_twice_adds_nothing(maria, settings):
    _run(maria, BREAST)
    files = _stored(settings)
    again = _run(maria, BREAST)
    assert again.status == "done"
    assert again.summary["skipped"][0].startswith("this exact file, imported before")
    assert all(not again.summary[key] for key in ("documents", "conditions", "observations"))
    assert _stored(settings) == files
    assert Document.objects.filter(case=maria).count() == 1


def test_the_same_records_in_another_wrapping_add_nothing(maria, tmp_path):
    _run(maria, BREAST)
    lines = [json.dumps(e["resource"]) for e in portal_bundles.bundle("breast")["entry"]]
    ndjson = tmp_path / "export.ndjson"
    ndjson.write_text("\n".join(lines))
    again = _run(maria, ndjson)
    assert again.status == "done"
    assert again.summary["skipped"] == [
        "conditions already in your records (1)",
        "documents already in your records (1)",
        "medicines already in your records (1)",
        "procedures already in your records (2)",
        "results already in your records (8)",
    ]
    assert PortalItem.objects.filter(case=maria).count() == 13


def test_another_persons_records_wait_for_a_decision(case, settings):
    result = _run(case, BREAST)
    assert result.status == "check"
    assert "Maria L Rivera" in result.warnings[0]
    assert not PortalItem.objects.filter(case=case).exists()
    assert not Document.objects.filter(case=case).exists()
    # "These are mine": the import runs again and keeps the warning beside what it added.
    portal_import.portal_import_decide(portal_import=result, mine=True)
    done = portal_import.portal_import_run(portal_import=result, source=BREAST)
    assert done.status == "done"
    assert done.summary["warnings"] == result.warnings


def test_not_mine_removes_the_upload_and_imports_nothing(case, settings, tmp_path):
    upload = storage_root() / "up"
    upload.parent.mkdir(parents=True, exist_ok=True)
    upload.write_bytes(BREAST.read_bytes())
    started = portal_import.portal_import_start(case=case, source_name="b.json", upload_name="up")
    result = portal_import.portal_import_run(portal_import=started, source=upload)
    assert result.status == "check" and upload.exists()
    portal_import.portal_import_decide(portal_import=result, mine=False)
    result.refresh_from_db()
    assert result.status == "failed" and "not yours" in result.error
    assert not upload.exists()


def test_a_failure_while_writing_keeps_nothing(maria, settings, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(PortalItem.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        _run(maria, BREAST)
    assert not Document.objects.filter(case=maria).exists()
    assert not PortalItem.objects.filter(case=maria).exists()
    assert _stored(settings) == []
    assert PortalImport.objects.get(case=maria).status == "failed"


def test_a_bomb_is_refused_plainly_and_nothing_is_kept(maria, settings, tmp_path):
    bomb = tmp_path / "record.zip"
    bomb.write_bytes(xdm_zip(BILLION_LAUGHS))
    result = _run(maria, bomb)
    assert result.status == "failed"
    assert "DOCTYPE" in result.error
    assert _stored(settings) == []


def test_an_xdm_zip_brings_in_a_pathology_report(
    maria, tmp_path, django_capture_on_commit_callbacks
):
    package = tmp_path / "portal.zip"
    package.write_bytes(xdm_zip())
    with django_capture_on_commit_callbacks(execute=True):
        result = _run(maria, package)
    assert result.status == "done"
    document = Document.objects.get(case=maria)
    assert document.doc_type == "pathology_report"
    document.refresh_from_db()
    assert "Invasive ductal carcinoma" in document.text
    assert ReportReading.objects.filter(document=document).exists()
    assert portal_import.cancer_offer(maria).cancer_type == "breast"
    assert [i.cancer_drug for i in portal_import.plan_offer(maria)] == ["letrozole", ""]


def test_the_plan_offer_adds_treatments_to_the_first_plan_once(maria):
    _run(maria, BREAST)
    offer = portal_import.plan_offer(maria)
    assert [portal_import.plan_words(i) for i in offer] == [
        "letrozole",
        "Lumpectomy of breast",
        "Radiotherapy course of treatment",
    ]
    portal_import.plan_add(case=maria, items=offer)
    maria.refresh_from_db()
    # In the order the portal dates them (surgery Sep 15, radiation Sep 16, letrozole Oct 15),
    # so the plan reader reads three steps, not one step given all together.
    line = (
        "From my patient portal: Lumpectomy of breast, then Radiotherapy course of treatment, "
        "then letrozole."
    )
    assert maria.first_plan.endswith(line)
    steps = [(c.modality, c.phase) for c in read_plan(line).components]
    assert steps == [("surgery", 1), ("radiation", 2), ("endocrine", 3)]
    assert portal_import.plan_offer(maria) == []


def test_treatments_of_one_day_are_one_step_and_undated_ones_are_said_to_be(maria):
    def item(name: str, day: int | None) -> PortalItem:
        return PortalItem(
            case=maria,
            kind=PortalItem.Kind.PROCEDURE,
            name=name,
            date=datetime.date(2025, 9, day) if day else None,
        )

    items = [item("Radiotherapy", 20), item("Port placement", None), item("Lumpectomy", 3)]
    items.append(item("Sentinel node biopsy", 3))
    assert portal_import.plan_line(items) == (
        "From my patient portal: Lumpectomy and Sentinel node biopsy, then Radiotherapy. "
        "Also in my portal records, with no date: Port placement."
    )


def test_a_cancer_named_only_in_words_gets_the_cases_type(maria):
    assert portal_import.cancer_type_from_words("Adenocarcinoma of the pancreas head") == "pancreas"
    assert portal_import.cancer_type_from_words("Hypertension") == ""


@pytest.mark.skipif(not SHARED.is_dir(), reason="shared portal test data missing")
def test_the_command_prints_exactly_the_issue_shape(maria, tmp_path):
    out = StringIO()
    call_command(
        "import-records", str(PATHOLOGY_CCDA), "--case", str(maria.public_id), "--json", stdout=out
    )
    result = json.loads(out.getvalue())
    assert list(result) == [
        "documents",
        "conditions",
        "medications",
        "procedures",
        "observations",
        "skipped",
        "warnings",
    ]
    assert [set(d) for d in result["documents"]] == [{"id", "type", "title"}]
    assert result["conditions"] == [
        {
            "text": "Malignant neoplasm of upper-outer quadrant of left female breast",
            "code": "C50.412",
            "system": "ICD-10-CM",
            "cancer": True,
        }
    ]
    assert result["medications"] == [{"name": "letrozole 2.5 MG Oral Tablet", "code": "200064"}]
    assert result["procedures"] == [{"name": "Lumpectomy of breast", "code": "392021009"}]
    assert result["observations"] == []


@pytest.mark.skipif(not SHARED.is_dir(), reason="shared portal test data missing")
def test_the_command_refuses_another_persons_records_without_confirmation(case):
    out = StringIO()
    with pytest.raises(CommandError, match="--confirm-patient"):
        call_command(
            "import-records",
            str(SHARED / "ccda" / "CCD__CCD_1__CCD.XML"),
            "--case",
            str(case.public_id),
            "--json",
            stdout=out,
        )
    assert "Eve Betterhalf" in json.loads(out.getvalue())["warnings"][0]
    out = StringIO()
    call_command(
        "import-records",
        str(SHARED / "ccda" / "CCD__CCD_1__CCD.XML"),
        "--case",
        str(case.public_id),
        "--confirm-patient",
        stdout=out,
    )
    assert "Added 1 document." in out.getvalue()


def test_the_command_names_a_refusal(maria, tmp_path):
    bomb = tmp_path / "bomb.xml"
    bomb.write_bytes(BILLION_LAUGHS)
    with pytest.raises(CommandError, match="DOCTYPE"):
        call_command("import-records", str(bomb), "--case", str(maria.public_id), stdout=StringIO())
