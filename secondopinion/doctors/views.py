"""Pages for researching a reviewing doctor. No view ever calls a registry: tasks do."""

from __future__ import annotations

from django.apps import apps
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from secondopinion.accounts.audit import audit_record
from secondopinion.cases.access import can_edit, case_view
from secondopinion.doctors import actions
from secondopinion.doctors.forms import ChooseForm, NoteForm, ResearchForm
from secondopinion.doctors.models import DoctorNote, DoctorResearch

# While a lookup runs the page reloads itself (a Refresh header: no JavaScript needed).
REFRESH_SECONDS = 3


def _research(case, research_id) -> DoctorResearch:
    return get_object_or_404(
        DoctorResearch.objects.select_related("case"), case=case, public_id=research_id
    )


def _service_in_case(case, service_id):
    """Keep a service id only if it names a service of this case (ids come from the browser)."""
    if service_id is None:
        return None
    try:
        Service = apps.get_model("providers", "Service")
    except LookupError:
        return None  # the providers app has no services yet
    return service_id if Service.objects.filter(case=case, public_id=service_id).exists() else None


@case_view()
def research_list(request, case):
    initial = {
        k: request.GET.get(k, "") for k in ("doctor_name", "affiliation", "state", "service")
    }
    form = ResearchForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        research = actions.research_request(
            case=case,
            doctor_name=data["doctor_name"],
            affiliation=data["affiliation"],
            state=data["state"],
            service_id=_service_in_case(case, data["service"]),
        )
        messages.success(request, "We are looking this doctor up. This page shows the progress.")
        return redirect("doctors:detail", case.public_id, research.public_id)
    research_list = DoctorResearch.objects.filter(case=case)
    return render(
        request,
        "doctors/research_list.html",
        {"case": case, "form": form, "research_list": research_list, "can_edit": can_edit(case)},
    )


@case_view()
def research_detail(request, case, research_id):
    research = _research(case, research_id)
    response = render(
        request,
        "doctors/research_detail.html",
        {
            "case": case,
            "research": research,
            "card": research.card,
            "notes": research.notes.all(),
            "note_form": NoteForm(),
            "can_edit": can_edit(case),
        },
    )
    if research.in_progress:
        response["Refresh"] = str(REFRESH_SECONDS)
    return response


@case_view(write=True)
@require_POST
def research_refresh(request, case, research_id):
    research = _research(case, research_id)
    actions.research_refresh(research=research)
    # The answers arrive in the background (written without signals): this line says who asked.
    audit_record(action="doctor.research_refreshed", request=request, case=case, obj=research)
    return redirect("doctors:detail", case.public_id, research.public_id)


@case_view(write=True)
@require_POST
def research_choose(request, case, research_id):
    research = _research(case, research_id)
    allowed = [m["npi"] for m in (research.card or {}).get("npi_matches") or []]
    form = ChooseForm(request.POST, allowed=allowed)
    if not form.is_valid():
        messages.error(request, "Please choose one of the doctors listed.")
        return redirect("doctors:detail", case.public_id, research.public_id)
    actions.research_choose_npi(research=research, npi=form.cleaned_data["npi"])
    audit_record(action="doctor.research_refreshed", request=request, case=case, obj=research)
    messages.success(request, "Saved your choice. The summary is being updated.")
    return redirect("doctors:detail", case.public_id, research.public_id)


@case_view(write=True)
@require_POST
def note_add(request, case, research_id) -> HttpResponse:
    research = _research(case, research_id)
    form = NoteForm(request.POST)
    if form.is_valid():
        actions.note_add(research=research, **form.cleaned_data)
        messages.success(request, "Your note is saved.")
        return redirect("doctors:detail", case.public_id, research.public_id)
    return render(
        request,
        "doctors/research_detail.html",
        {
            "case": case,
            "research": research,
            "card": research.card,
            "notes": research.notes.all(),
            "note_form": form,
            "can_edit": True,
        },
        status=400,
    )


@case_view(write=True)
@require_POST
def note_delete(request, case, research_id, note_id):
    research = _research(case, research_id)
    note = get_object_or_404(DoctorNote, research=research, public_id=note_id)
    actions.note_delete(note=note)
    messages.success(request, "The note is removed.")
    return redirect("doctors:detail", case.public_id, research.public_id)
