"""Records from a patient portal: the upload, the results page, the patient's decisions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import RequestDataTooBig, TooManyFilesSent
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from secondopinion.accounts.audit import audit_record
from secondopinion.cases.access import can_edit, case_view
from secondopinion.cases.cancer_types import BY_CODE
from secondopinion.core.jobs import job_for
from secondopinion.core.vault import file_publish, human_size, storage_root, stored_delete
from secondopinion.records.imports import upload_max_bytes
from secondopinion.records.models import Document, PortalImport, PortalItem
from secondopinion.records.portal_history import treatments_given
from secondopinion.records.portal_import import (
    PORTAL_IMPORT,
    cancer_offer,
    plan_add,
    plan_offer,
    plan_words,
    portal_import_decide,
    portal_import_start,
)
from secondopinion.records.portal_tasks import portal_import_enqueue
from secondopinion.records.uploads import StoredUpload, VaultUploadHandler
from secondopinion.records.views import _csrf_refusal

KIND_HEADINGS = {
    PortalItem.Kind.CONDITION: "Conditions (diagnoses)",
    PortalItem.Kind.MEDICATION: "Medicines",
    PortalItem.Kind.PROCEDURE: "Procedures (surgery, radiation and others)",
    PortalItem.Kind.OBSERVATION: "Stage and tumor markers",
}


@csrf_exempt  # checked by hand below, once the body has been parsed by our handler
@case_view(write=True)
@require_POST
def portal_upload(request: HttpRequest, case) -> HttpResponse:
    handler = VaultUploadHandler(request, root=storage_root(), max_bytes=upload_max_bytes())
    request.upload_handlers = [handler]
    try:
        files = request.FILES.getlist("file")
    except (TooManyFilesSent, RequestDataTooBig):
        handler.cleanup()
        messages.error(request, "Please choose one file at a time. Nothing was saved.")
        return redirect("records:index", case.public_id)
    except BaseException:
        handler.cleanup()
        raise
    refusal = _csrf_refusal(request)
    if refusal is not None:
        handler.cleanup()
        return refusal
    if handler.too_large:
        messages.error(
            request,
            f"This file is larger than the limit of {human_size(upload_max_bytes())}, "
            "so it was not saved.",
        )
        return redirect("records:index", case.public_id)
    uploads = [f for f in files if isinstance(f, StoredUpload)]
    if len(uploads) != 1:
        handler.cleanup()
        messages.error(request, "Please choose the file you downloaded from your portal.")
        return redirect("records:index", case.public_id)
    upload = uploads[0]
    try:
        file_publish(name=upload.stored.name, root=storage_root())
        with transaction.atomic():
            portal_import = portal_import_start(
                case=case,
                source_name=upload.safe_name,
                upload_name=upload.stored.name,
                sha256=upload.stored.sha256,
            )
            portal_import_enqueue(portal_import)
    except BaseException:
        stored_delete(name=upload.stored.name)
        raise
    audit_record(action="portal.uploaded", request=request, case=case, obj=portal_import)
    return redirect("records:portal_detail", case.public_id, portal_import.public_id)


@case_view()
def portal_detail(request: HttpRequest, case, portal_import_id) -> HttpResponse:
    portal_import = get_object_or_404(PortalImport, case=case, public_id=portal_import_id)
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse(
            {
                "status": portal_import.status,
                "percent": 100 if not portal_import.is_active else 50,
                "error": portal_import.error,
                "done": not portal_import.is_active,
            }
        )
    items = list(portal_import.items.exclude(kind=PortalItem.Kind.DOCUMENT))
    groups = [
        (heading, [i for i in items if i.kind == kind]) for kind, heading in KIND_HEADINGS.items()
    ]
    documents = Document.objects.filter(portal_items__portal_import=portal_import).select_related(
        "pathology_reading"
    )
    offer = cancer_offer(case)
    return render(
        request,
        "records/portal_detail.html",
        {
            "case": case,
            "portal_import": portal_import,
            "groups": [(heading, rows) for heading, rows in groups if rows],
            "documents": documents,
            "cancer_offer": offer,
            "cancer_offer_label": BY_CODE[offer.cancer_type].label if offer else "",
            "plan_offer": [(item, plan_words(item)) for item in plan_offer(case)],
            "can_edit": can_edit(case),
            "job": job_for(PORTAL_IMPORT, portal_import.pk),
            "portal_treatments": treatments_given(case),
        },
    )


@case_view(write=True)
@require_POST
def portal_decide(request: HttpRequest, case, portal_import_id) -> HttpResponse:
    portal_import = get_object_or_404(
        PortalImport, case=case, public_id=portal_import_id, status=PortalImport.Status.CHECK
    )
    mine = request.POST.get("decision") == "mine"
    with transaction.atomic():
        portal_import_decide(portal_import=portal_import, mine=mine)
        if mine:
            portal_import_enqueue(portal_import)
    audit_record(
        action="portal.confirmed" if mine else "portal.declined",
        request=request,
        case=case,
        obj=portal_import,
    )
    return redirect("records:portal_detail", case.public_id, portal_import.public_id)


@case_view(write=True)
@require_POST
def portal_cancer(request: HttpRequest, case, portal_import_id) -> HttpResponse:
    portal_import = get_object_or_404(PortalImport, case=case, public_id=portal_import_id)
    offer = cancer_offer(case)
    if offer is not None and request.POST.get("cancer_type") == offer.cancer_type:
        case.cancer_type = offer.cancer_type
        case.save(update_fields=["cancer_type", "updated_at"])
        messages.success(request, f"Your case now says: {BY_CODE[offer.cancer_type].label}.")
    return redirect("records:portal_detail", case.public_id, portal_import.public_id)


@case_view(write=True)
@require_POST
def portal_plan(request: HttpRequest, case, portal_import_id) -> HttpResponse:
    portal_import = get_object_or_404(PortalImport, case=case, public_id=portal_import_id)
    chosen = set(request.POST.getlist("item"))
    items = [item for item in plan_offer(case) if str(item.public_id) in chosen]
    plan_add(case=case, items=items)
    if items:
        messages.success(
            request,
            "Added to your first plan: " + "; ".join(plan_words(i) for i in items) + ".",
        )
    return redirect("records:portal_detail", case.public_id, portal_import.public_id)
