"""The file table in operations/filerefs.py and each app's lifecycle.case_files name the same files,
and deleting a case (after its confirmation) removes every one of them."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from secondopinion.cases.lifecycle import FILE_SOURCES
from secondopinion.cases.models import Case
from secondopinion.operations.exporting import export_run
from secondopinion.operations.filerefs import FILE_FIELDS, stored_refs
from secondopinion.operations.integrity import integrity_check
from secondopinion.operations.models import CaseExport
from secondopinion.records.models import DiscImport, PortalImport
from tests.core.helpers import document_store, orphan_write
from tests.factories import make_case
from tests.opinions.factories import make_build, make_opinion
from tests.records.helpers import make_study


@pytest.fixture
def case_with_every_kind_of_file(case):
    document_store(case, b"%PDF report")
    make_study(case, with_preview=True)  # an image and a series preview
    orphan_write("up/cd-upload.zip", b"PK upload")
    DiscImport.objects.create(case=case, source_name="cd.zip", upload_name="up/cd-upload.zip")
    orphan_write("up/portal-upload.json", b"{}")  # a portal download waiting for a decision
    PortalImport.objects.create(
        case=case, source_name="p.json", upload_name="up/portal-upload.json", status="check"
    )
    make_build(case)  # a finished packet ZIP
    make_opinion(case)  # a report PDF
    export_run(export_pk=CaseExport.objects.create(case=case).pk)  # the web export's ZIP
    return case


def _case_files(case) -> set[str]:
    names = set()
    for source in FILE_SOURCES:
        names.update(source(case))
    return names


def test_every_registered_field_exists(db):
    for spec in FILE_FIELDS:
        assert spec.model_class() is not None, f"{spec.model}.{spec.name_field} is gone"


def test_the_file_table_and_the_apps_case_files_agree(case_with_every_kind_of_file):
    case = case_with_every_kind_of_file
    refs = {ref.name for ref in stored_refs(case=case)}
    assert len(refs) == 8
    assert refs == _case_files(case)
    assert {ref.model for ref in stored_refs(case=case)} == {spec.model for spec in FILE_FIELDS}
    assert integrity_check(min_age=0).ok


def test_deleting_a_case_after_confirmation_removes_all_its_files(
    case_with_every_kind_of_file, owner_client, django_capture_on_commit_callbacks
):
    case = case_with_every_kind_of_file
    names = _case_files(case)
    other = make_case(case.owner, patient_name="Kept Case")
    kept = document_store(other, b"%PDF kept")
    url = reverse("cases:delete", args=[case.public_id])

    owner_client.post(url, {"confirm_name": "Not the name"})
    assert all(default_storage.exists(name) for name in names)

    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(url, {"confirm_name": case.patient_name})
    assert not Case.objects.filter(pk=case.pk).exists()
    assert not any(default_storage.exists(name) for name in names)
    assert default_storage.exists(kept.stored_name)
    assert integrity_check(min_age=0).ok
