"""Try again: a background job that failed (its process died, it ran out of time, or it hit a
problem that did not pass) is started again from its page. POST only, scoped to the case."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from secondopinion.accounts.audit import audit_record
from secondopinion.cases.access import case_view
from secondopinion.core.jobs import job_retry
from secondopinion.core.models import Job


@case_view(write=True)
@require_POST
def job_retry_view(request: HttpRequest, case, job_id) -> HttpResponse:
    job = get_object_or_404(Job, public_id=job_id, case_pk=case.pk)
    if job_retry(job):
        audit_record(action="job.retried", request=request, case=case, obj=job, detail=job.kind)
        messages.success(request, "Started again. This page shows how it goes.")
    elif job.state == Job.State.STOPPING:
        messages.error(
            request,
            "We are still removing what the stopped run left half-made. "
            "Please try again in a moment.",
        )
    else:
        messages.error(
            request,
            "This cannot be started again from here (it finished, or what it needed is gone). "
            "Please add the file again.",
        )
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("cases:detail", case.public_id)
