from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone

from secondopinion.accounts.audit import audit_record
from secondopinion.cases.access import case_view, cases_visible_to
from secondopinion.cases.forms import CaseForm, GoalsForm, TimelineForm
from secondopinion.cases.journey import journey_for
from secondopinion.cases.lifecycle import case_delete as delete_everything
from secondopinion.cases.messages import wait_question


def home(request):
    if request.user.is_authenticated:
        return redirect("cases:list")
    return render(request, "cases/welcome.html")


@login_required
def case_list(request):
    cases = list(cases_visible_to(request.user).select_related("owner"))
    if not cases:
        # A newcomer's first page: what this is, what it never does, where the data lives.
        where = (
            "on the server of the organization that runs this site"
            if settings.HOSTED
            else f"only on this computer, in the folder {settings.DATA_DIR}"
        )
        return render(request, "cases/first_page.html", {"data_where": where})
    return render(request, "cases/case_list.html", {"cases": cases})


@login_required
def case_new(request):
    form = CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        case = form.save(commit=False)
        case.owner = request.user
        case.save()
        audit_record(action="case.created", request=request, case=case, obj=case)
        messages.success(request, "Your case is created. Here is where you are on the way.")
        return redirect("cases:detail", case.public_id)
    return render(request, "cases/case_form.html", {"form": form, "creating": True})


@case_view()
def case_detail(request, case):
    journey = journey_for(case, timezone.localdate())
    return render(request, "cases/dashboard.html", {"case": case, "journey": journey})


@case_view(write=True)
def case_edit(request, case):
    form = CaseForm(request.POST or None, instance=case)
    if request.method == "POST" and form.is_valid():
        case = form.save()
        if case.first_plan.strip() and case.first_plan != case.first_plan_read_from:
            # New words for the first plan: the opinions app reads them; the patient checks them.
            messages.success(request, "Saved. Please check what we read from your first plan.")
            return redirect("opinions:first_plan", case.public_id)
        messages.success(request, "Saved.")
        return redirect("cases:detail", case.public_id)
    return render(request, "cases/case_form.html", {"form": form, "case": case})


@case_view()
def timeline(request, case):
    form = TimelineForm(request.POST or None, instance=case)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your timeline is saved.")
        return redirect("cases:detail", case.public_id)
    draft = wait_question(
        doctor_name=case.doctor_name, cancer_label=case.cancer_label, patient_name=case.patient_name
    )
    return render(request, "cases/timeline.html", {"case": case, "form": form, "draft": draft})


@case_view()
def goals(request, case):
    form = GoalsForm(request.POST or None, instance=case)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your goals are saved.")
        return redirect("cases:detail", case.public_id)
    return render(request, "cases/goals.html", {"case": case, "form": form})


@case_view(owner=True)
def case_delete(request, case):
    if request.method == "POST":
        if request.POST.get("confirm_name", "").strip() != case.patient_name:
            messages.error(request, "The name you typed does not match, so nothing was deleted.")
            return redirect("cases:delete", case.public_id)
        with transaction.atomic():
            audit_record(action="case.deleted", request=request, detail=str(case.public_id))
            delete_everything(case=case)
        messages.success(request, "The case and all its files are deleted.")
        return redirect("cases:list")
    return render(request, "cases/case_delete.html", {"case": case})
