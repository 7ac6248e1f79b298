"""What the patient's portal records say reaches the reviewer: the case summary PDF in the packet,
the reviewer's page and the cover letter; only from imports the patient accepted."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from secondopinion.opinions.services import packet_build
from secondopinion.opinions.services.summary import case_summary_data
from secondopinion.records.models import PortalItem
from secondopinion.records.portal_import import (
    portal_import_decide,
    portal_import_run,
    portal_import_start,
)
from tests.factories import make_case
from tests.opinions.factories import make_build, make_link
from tests.providers.factories import make_service
from tests.records import portal_bundles

BREAST = portal_bundles.DATA / "mcode-breast.json"
HEADING = "From the patient's portal records"
DIAGNOSIS = "Primary malignant neoplasm of female left breast (disorder), September 1, 2025"
STAGE = "Clinical stage group: IIB, September 5, 2025 (from mcode-breast.json)"
TREATMENT = "Surgery: Lumpectomy of breast (procedure), September 15, 2025 (from mcode-breast.json)"


@pytest.fixture
def maria(owner):
    return make_case(owner, patient_name="Maria Rivera", cancer_type="breast")


def _import(case):
    started = portal_import_start(case=case, source_name=BREAST.name)
    return portal_import_run(portal_import=started, source=BREAST)


def _pdf_text(data: bytes) -> str:
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


def _packet_files(case) -> dict[str, str]:
    service = make_service(case, doctor_name="Ada Moreau")
    return {g.title: _pdf_text(g.data) for g in packet_build._generated(case, service, [])}


def _reviewer_page(client, case) -> str:
    service = make_service(case, doctor_name="Ada Moreau")
    make_build(case, service)
    _link, token = make_link(case, service)
    return " ".join(client.get(reverse("share:open", args=[token])).content.decode().split())


def test_the_case_summary_in_the_packet_lists_the_portal_records(maria):
    _import(maria)
    files = _packet_files(maria)
    summary = files["Case summary"]
    assert HEADING in summary
    for line in (DIAGNOSIS, STAGE, TREATMENT, "letrozole 2.5 MG Oral Tablet"):
        assert line in summary, line
    assert "Diagnoses (cancer)" in summary and "Treatment given" in summary
    assert "with what my patient portal records say" in files["Cover letter"]


def test_the_portal_values_are_shown_as_the_portal_states_them(maria):
    _import(maria)
    PortalItem.objects.filter(case=maria, field="stage_group").update(value="IIB")
    portal = case_summary_data(maria).portal
    assert any(line.startswith("Pathologic stage group: IIB") for line in portal.stage_markers)
    assert not any("IIA" in line for line in portal.stage_markers)  # nothing taken from reports
    assert portal.diagnoses == [f"{DIAGNOSIS} (from mcode-breast.json)"]  # cancer ones only


def test_the_reviewers_page_shows_the_portal_records(client, maria):
    _import(maria)
    page = _reviewer_page(client, maria)
    assert HEADING in page
    for line in (DIAGNOSIS, STAGE, TREATMENT):
        assert line in page, line


def test_a_case_without_a_portal_import_has_no_portal_section(client, case):
    summary = case_summary_data(case)
    assert not summary.portal
    files = _packet_files(case)
    assert HEADING not in files["Case summary"] and "Case summary" in files["Case summary"]
    assert "portal records" not in files["Cover letter"]
    page = _reviewer_page(client, case)
    assert "Case summary" in page and HEADING not in page


def test_records_waiting_for_a_decision_or_declined_do_not_reach_the_reviewer(client, case):
    waiting = _import(case)  # names Maria Rivera, not this case's patient: it waits
    declined = _import(case)
    portal_import_decide(portal_import=declined, mine=False)
    assert (waiting.status, declined.status) == ("check", "failed")
    for portal_import, name in ((waiting, "Waiting condition"), (declined, "Declined condition")):
        PortalItem.objects.create(  # none is written today; if one were, it must not show
            case=case,
            portal_import=portal_import,
            kind=PortalItem.Kind.CONDITION,
            name=f"{name}: malignant neoplasm",
            cancer=True,
            identity=f"Condition/{name}",
        )
    assert not case_summary_data(case).portal
    files = _packet_files(case)
    assert HEADING not in files["Case summary"] and "condition" not in files["Case summary"]
    assert "portal records" not in files["Cover letter"]
    assert HEADING not in _reviewer_page(client, case)


def test_a_portal_download_of_documents_only_adds_no_promise_to_the_cover_letter(maria):
    """Only reports came from the portal (no diagnosis, stage, marker or treatment): they are in
    the packet as documents, and the letter does not point to a portal section there is none of."""
    _import(maria)
    PortalItem.objects.exclude(kind=PortalItem.Kind.DOCUMENT).delete()
    assert PortalItem.objects.filter(kind=PortalItem.Kind.DOCUMENT).exists()
    files = _packet_files(maria)
    assert "portal" not in files["Cover letter"]
    assert HEADING not in files["Case summary"]
