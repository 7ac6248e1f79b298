"""The owner downloads everything in their case as one ZIP, made in the background."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render

from secondopinion.accounts.audit import audit_record
from secondopinion.cases.access import case_view
from secondopinion.core import vault
from secondopinion.core.jobs import job_for
from secondopinion.operations.exporting import EXPORT_JOB, export_start
from secondopinion.operations.models import CaseExport


@case_view(owner=True)
def case_export_view(request: HttpRequest, case) -> HttpResponseBase:
    """GET explains what the ZIP holds; POST starts making it and shows how it goes."""
    if request.method == "POST":
        export = export_start(case=case)
        return redirect("operations_case:export_status", case.public_id, export.public_id)
    latest = CaseExport.objects.filter(case=case).first()
    return render(request, "operations/case_export.html", {"case": case, "latest": latest})


def _export(case, export_id) -> CaseExport:
    return get_object_or_404(
        CaseExport.objects.select_related("case"), case=case, public_id=export_id
    )


@case_view(owner=True)
def export_status(request: HttpRequest, case, export_id) -> HttpResponse:
    export = _export(case, export_id)
    job = job_for(EXPORT_JOB, export.pk)
    return render(
        request, "operations/export_status.html", {"case": case, "export": export, "job": job}
    )


@case_view(owner=True)
def export_download(request: HttpRequest, case, export_id) -> HttpResponseBase:
    export = _export(case, export_id)
    if export.status != CaseExport.Status.DONE or not export.file_name:
        raise Http404("The ZIP file is not ready.")
    audit_record(action="case.exported", request=request, case=case, obj=case)
    return FileResponse(
        vault.stored_open(export.file_name),
        as_attachment=True,
        filename=export.download_name,
        content_type="application/zip",
    )
