"""The portal pages: upload, results, the decision about someone else's records, the offers."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from secondopinion.pathology.models import ReportFact
from secondopinion.records.models import PortalImport, PortalItem
from tests.factories import make_case
from tests.records import portal_bundles

BREAST = portal_bundles.DATA / "mcode-breast.json"


@pytest.fixture
def maria(owner):
    return make_case(owner, patient_name="Maria Rivera", cancer_type="other")


def _upload(client, case, path: Path, *, on_commit):
    with on_commit(execute=True), open(path, "rb") as fh:
        response = client.post(
            reverse("records:portal_upload", args=[case.public_id]), {"file": fh}
        )
    assert response.status_code == 302
    return client.get(response["Location"])


def test_the_records_page_offers_the_portal_upload(owner_client, maria):
    page = owner_client.get(reverse("records:index", args=[maria.public_id]))
    assert "Add records from your patient portal" in page.content.decode()


def test_an_upload_is_read_in_the_background_and_shown(
    owner_client, maria, django_capture_on_commit_callbacks
):
    page = _upload(owner_client, maria, BREAST, on_commit=django_capture_on_commit_callbacks)
    html = page.content.decode()
    assert "Finished. We added" in html
    assert "Primary malignant neoplasm of female left breast" in html
    assert "Use “Breast cancer” for this case" in html
    assert "letrozole" in html and "Add to my first plan" in html
    portal_import = PortalImport.objects.get(case=maria)
    assert portal_import.status == "done" and portal_import.upload_name == ""


def test_the_patient_takes_the_cancer_type_and_the_plan(
    owner_client, maria, django_capture_on_commit_callbacks
):
    _upload(owner_client, maria, BREAST, on_commit=django_capture_on_commit_callbacks)
    portal_import = PortalImport.objects.get(case=maria)
    args = [maria.public_id, portal_import.public_id]
    owner_client.post(reverse("records:portal_cancer", args=args), {"cancer_type": "breast"})
    letrozole = PortalItem.objects.get(case=maria, cancer_drug="letrozole")
    owner_client.post(reverse("records:portal_plan", args=args), {"item": [letrozole.public_id]})
    maria.refresh_from_db()
    assert maria.cancer_type == "breast"
    assert maria.first_plan.endswith("From my patient portal: letrozole.")


def test_someone_elses_records_wait_and_can_be_declined(
    owner_client, case, django_capture_on_commit_callbacks
):
    page = _upload(owner_client, case, BREAST, on_commit=django_capture_on_commit_callbacks)
    assert "These may be someone else" in page.content.decode()
    portal_import = PortalImport.objects.get(case=case)
    assert portal_import.status == "check" and portal_import.upload_name
    index = owner_client.get(reverse("records:index", args=[case.public_id]))
    assert "Check and decide" in index.content.decode()
    owner_client.post(
        reverse("records:portal_decide", args=[case.public_id, portal_import.public_id]),
        {"decision": "not_mine"},
    )
    portal_import.refresh_from_db()
    assert portal_import.status == "failed" and not portal_import.upload_name
    assert not PortalItem.objects.filter(case=case).exists()


def test_someone_elses_records_are_imported_only_after_yes(
    owner_client, case, django_capture_on_commit_callbacks
):
    _upload(owner_client, case, BREAST, on_commit=django_capture_on_commit_callbacks)
    portal_import = PortalImport.objects.get(case=case)
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(
            reverse("records:portal_decide", args=[case.public_id, portal_import.public_id]),
            {"decision": "mine"},
        )
    portal_import.refresh_from_db()
    assert portal_import.status == "done"
    assert PortalItem.objects.filter(case=case, kind="condition").count() == 1


def test_a_viewer_cannot_upload(client, caregiver, case):
    client.force_login(caregiver)
    with open(BREAST, "rb") as fh:
        response = client.post(
            reverse("records:portal_upload", args=[case.public_id]), {"file": fh}
        )
    assert response.status_code in (403, 404)
    assert not PortalImport.objects.exists()


def test_the_pathology_pages_show_the_portal_stage_beside_the_report(
    owner_client, maria, django_capture_on_commit_callbacks
):
    _upload(owner_client, maria, BREAST, on_commit=django_capture_on_commit_callbacks)
    html = owner_client.get(reverse("pathology:summary", args=[maria.public_id])).content.decode()
    assert "From your patient portal" in html
    assert "differs from the portal" not in html
    # The report is read as IIA; a portal saying IIB is shown beside it, marked, not merged.
    PortalItem.objects.filter(case=maria, field="stage_group").update(value="IIB")
    html = owner_client.get(reverse("pathology:summary", args=[maria.public_id])).content.decode()
    assert "differs from the portal" in html
    assert ReportFact.objects.get(case=maria, field="stage_group").value == "IIA"
