"""The treatments the portal records list, shown to the patient as history (records page and the
portal results page), each with where it came from; only from imports the patient accepted."""

from __future__ import annotations

import pytest
from django.urls import reverse

from secondopinion.records import portal_history
from secondopinion.records.models import PortalImport, PortalItem
from secondopinion.records.portal_import import portal_import_run, portal_import_start
from tests.factories import make_case
from tests.records import portal_bundles

BREAST = portal_bundles.DATA / "mcode-breast.json"
HEADING = "Treatment so far, from your portal"


@pytest.fixture
def maria(owner):
    return make_case(owner, patient_name="Maria Rivera", cancer_type="other")


def _import(case) -> PortalImport:
    started = portal_import_start(case=case, source_name=BREAST.name)
    return portal_import_run(portal_import=started, source=BREAST)


def _stray_item(portal_import: PortalImport, name: str) -> PortalItem:
    """A row tied to an import the patient has not accepted (none is written today; the pages
    must not show one if it ever were)."""
    return PortalItem.objects.create(
        case=portal_import.case,
        portal_import=portal_import,
        kind=PortalItem.Kind.MEDICATION,
        name=name,
        cancer_drug="tamoxifen",
        category="endocrine",
        identity=f"MedicationRequest/{name}",
        source_file="someone-else.json",
    )


def test_the_treatments_given_are_listed_oldest_first_with_their_source(maria):
    _import(maria)
    lines = [entry.described for entry in portal_history.treatments_given(maria)]
    assert lines == [
        "Surgery: Lumpectomy of breast (procedure), September 15, 2025 (from mcode-breast.json)",
        "Radiation therapy: Radiotherapy course of treatment (regime/therapy), "
        "September 16, 2025 (from mcode-breast.json)",
        "Cancer medicine (hormone therapy): letrozole 2.5 MG Oral Tablet, October 15, 2025 "
        "(from mcode-breast.json)",
    ]
    assert portal_history.treatments_given(maria)[2].code == "RxNorm 72965"


def test_the_records_page_and_the_results_page_show_the_history(owner_client, maria):
    portal_import = _import(maria)
    for url in (
        reverse("records:index", args=[maria.public_id]),
        reverse("records:portal_detail", args=[maria.public_id, portal_import.public_id]),
    ):
        html = owner_client.get(url).content.decode()
        assert HEADING in html, url
        assert "letrozole 2.5 MG Oral Tablet" in html and "Oct 15, 2025" in html
        assert "Lumpectomy of breast" in html and "radiation therapy" in html
        assert "mcode-breast.json" in html


def test_a_viewer_sees_the_history_and_a_stranger_does_not(client, maria, stranger):
    from tests.factories import make_user, share_case  # noqa: PLC0415

    _import(maria)
    viewer = make_user("viewer@example.org")
    share_case(maria, viewer, "viewer")
    url = reverse("records:index", args=[maria.public_id])
    client.force_login(viewer)
    assert HEADING in client.get(url).content.decode()
    client.force_login(stranger)
    assert client.get(url).status_code == 404


def test_a_case_without_a_portal_import_shows_no_history(owner_client, maria):
    html = owner_client.get(reverse("records:index", args=[maria.public_id])).content.decode()
    assert HEADING not in html
    assert portal_history.treatments_given(maria) == []


def test_records_waiting_for_a_decision_or_declined_are_not_history(owner_client, case):
    waiting = _import(case)  # names Maria Rivera, not this case's patient: it waits
    assert waiting.status == "check"
    _stray_item(waiting, "waiting-medicine")
    declined = _import(case)
    from secondopinion.records.portal_import import portal_import_decide  # noqa: PLC0415

    portal_import_decide(portal_import=declined, mine=False)
    assert declined.status == "failed"
    _stray_item(declined, "declined-medicine")
    assert portal_history.treatments_given(case) == []
    html = owner_client.get(reverse("records:index", args=[case.public_id])).content.decode()
    assert HEADING not in html and "waiting-medicine" not in html
    # Once the patient says the waiting records are theirs, they are history.
    PortalItem.objects.filter(portal_import=waiting).delete()
    portal_import_decide(portal_import=waiting, mine=True)
    portal_import_run(portal_import=waiting, source=BREAST)
    assert len(portal_history.treatments_given(case)) == 3
