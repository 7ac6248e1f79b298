"""Every create, update and delete of a project row reaches the audit trail (accounts/changes.py):
who, when, what kind of object and which fields, never their values; nothing for a rolled-back
change, for noise, or for the rows of a deleted case."""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from django.urls import reverse

from secondopinion.accounts.changes import CHANGED, CREATED, DELETED, audited_models
from secondopinion.accounts.models import AuditEvent
from secondopinion.cases.models import Case
from secondopinion.opinions.models import PacketBuild
from secondopinion.records.models import Document
from tests.core.helpers import document_store
from tests.factories import make_case
from tests.formdata import post_forms
from tests.providers.factories import make_service
from tests.records.helpers import make_study

pytestmark = pytest.mark.django_db


def changes(case=None):
    rows = AuditEvent.objects.filter(action__startswith="record.")
    if case is not None:
        rows = rows.filter(case=case)
    return list(rows.order_by("id"))


def trail_text(client, case) -> str:
    page = client.get(reverse("sharing:activity", args=[case.public_id])).content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page))


def test_every_project_app_is_watched():
    labels = {m._meta.app_label for m in audited_models()}
    assert {
        "accounts",
        "cases",
        "providers",
        "records",
        "opinions",
        "pathology",
        "doctors",
    } <= labels
    names = {m._meta.label_lower for m in audited_models()}
    assert "accounts.auditevent" not in names and "opinions.linkevent" not in names
    assert not any(n.startswith(("sessions.", "axes.", "django_tasks")) for n in names)


def test_a_change_names_the_person_and_the_fields_never_the_values(
    owner_client, owner, case, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # setup's own lines written first
        service = make_service(case, doctor_name="Ada Moreau")
    AuditEvent.objects.all().delete()
    url = reverse("providers:edit", args=[case.public_id, service.public_id])
    (form,) = [f for f in post_forms(owner_client.get(url).content.decode()) if not f.action]
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(url, form.values(doctor_name="Dr. Secret Name"))
    assert response.status_code == 302
    (row,) = [r for r in changes(case) if r.object_type == "Service"]
    assert row.action == CHANGED and row.user == owner and row.ip_address == "127.0.0.1"
    assert row.object_id == str(service.public_id)
    assert "doctor_name" in row.detail and "Secret" not in row.detail
    assert "You changed a service (" in trail_text(owner_client, case)


def test_the_background_worker_is_recorded_as_the_app(
    owner_client, case, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        document = document_store(case, b"%PDF-1.4 report")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        document = Document.objects.get(pk=document.pk)  # as a task loads it
        document.text = "FINAL DIAGNOSIS: carcinoma"
        document.text_status = "done"
        document.save()
    (row,) = [r for r in changes(case) if r.action == CHANGED]
    assert (row.user, row.actor, row.object_type) == (None, "system", "Document")
    assert set(row.detail.split(", ")) == {"text", "text_status"}
    assert "carcinoma" not in row.detail
    assert "The app (in the background) changed a document (" in trail_text(owner_client, case)


def test_create_and_delete_are_recorded(case, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        service = make_service(case)
    with django_capture_on_commit_callbacks(execute=True):
        service.delete()
    kinds = [(r.action, r.object_type) for r in changes(case)]
    assert (CREATED, "Service") in kinds and (DELETED, "Service") in kinds


def test_a_rolled_back_change_leaves_no_line(case, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        service = make_service(case)
    AuditEvent.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                service.turnaround_days = 12
                service.save()
                raise RuntimeError("the request failed")
        except RuntimeError:
            pass
    assert changes(case) == []


def test_noise_makes_no_line(case, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        service = make_service(case)
        build = PacketBuild.objects.create(case=case, service=service)
    AuditEvent.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        build.bytes_done, build.bytes_total, build.status = 10, 100, "running"
        build.save()
    assert changes(case) == []


def test_several_saves_in_one_request_make_one_line(
    owner_client, case, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        service = make_service(case)
    AuditEvent.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        service.turnaround_days = 12
        service.save()
        service.doctor_name = "Ada Moreau"
        service.save()
    (row,) = changes(case)
    assert {"turnaround_days", "doctor_name"} <= set(row.detail.split(", "))


def test_deleting_a_case_writes_no_lines_for_its_rows(
    owner_client, case, django_capture_on_commit_callbacks
):
    document_store(case, b"%PDF-1.4 report")
    make_service(case)
    other = make_case(case.owner, patient_name="Kept Case")
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(
            reverse("cases:delete", args=[case.public_id]), {"confirm_name": case.patient_name}
        )
    assert not Case.objects.filter(pk=case.pk).exists()
    assert not AuditEvent.objects.filter(action=DELETED, object_type="Document").exists()
    assert AuditEvent.objects.filter(action="case.deleted").exists()
    assert Case.objects.filter(pk=other.pk).exists()


def test_a_field_whose_name_ends_in_id_is_named_as_it_is(case, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        study = make_study(case, with_preview=False)
    AuditEvent.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        study.patient_id = "MRN-2"
        study.save()
    (row,) = changes(case)
    assert (row.object_type, row.detail) == ("ImagingStudy", "patient_id")


def test_a_series_finds_its_case_through_its_study(case, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        study = make_study(case, with_preview=False)
    AuditEvent.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        series = study.series.first()
        series.description = "AXIAL 2"
        series.save()
    (row,) = changes(case)
    assert (row.object_type, row.case_id, row.detail) == ("ImagingSeries", case.pk, "description")
