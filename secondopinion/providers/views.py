"""Services a case is looking into: list, add (from a center or by hand), answers, flags,
question script, and the side-by-side comparison with its timeline picture."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone
from django.utils.safestring import mark_safe

from secondopinion.accounts.audit import audit_record
from secondopinion.agreements.highlight import highlight_pieces
from secondopinion.agreements.wording import LABELS
from secondopinion.cases.access import case_view
from secondopinion.centers.models import Center
from secondopinion.providers import compare
from secondopinion.providers.agreement import (
    AgreementError,
    agreement_store,
    agreement_text_from_input,
)
from secondopinion.providers.case_dates import case_date_conflicts, link_expiry_needed
from secondopinion.providers.facts import facts_for_services, service_facts, service_save
from secondopinion.providers.forms import GROUPS, ServiceForm, ServiceNewForm
from secondopinion.providers.models import Service
from secondopinion.providers.questions import question_script, script_text
from secondopinion.providers.rules import expected_report_date, service_flags

# Other apps add panels to the service and comparison pages by shipping these templates
# (the doctors app: an evidence card about the named reviewing doctor). Missing ones are skipped.
SERVICE_PANEL_TEMPLATES = ["providers/_doctor_panel.html"]


def _panels() -> list[str]:
    found = []
    for name in SERVICE_PANEL_TEMPLATES:
        try:
            get_template(name)
        except TemplateDoesNotExist:
            continue
        found.append(name)
    return found


def _cancer(case) -> str:
    """The patient's cancer for the question script; empty when they are not sure yet."""
    if case.cancer_type == "other" and not case.cancer_type_other.strip():
        return ""
    return case.cancer_label


def _service(case, service_id) -> Service:
    return get_object_or_404(
        Service.objects.select_related("case", "center"), case=case, public_id=service_id
    )


@case_view()
def service_list(request, case):
    today = timezone.localdate()
    rows = []
    services = list(case.services.select_related("case"))
    for service, facts in zip(services, facts_for_services(services), strict=True):
        flags = service_flags(facts, today=today)
        stopped = any(f.severity == "stop" for f in flags)
        rows.append({"service": service, "flags": flags, "stopped": stopped})
    return render(request, "providers/service_list.html", {"case": case, "rows": rows})


@case_view(write=True)
def service_new(request, case):
    center = None
    center_key = request.POST.get("center") or request.GET.get("center")
    if center_key:
        center = Center.objects.filter(key=center_key).first()
    initial = {}
    if center is not None:
        initial = {
            "name": center.name,
            "web_page": center.remote_second_opinion_url or center.as_record().website_url,
        }
    form = ServiceNewForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        service = form.save(commit=False)
        service.case = case
        service.center = center
        service_save(service=service, today=timezone.localdate())
        audit_record(action="service.created", request=request, case=case, obj=service)
        messages.success(
            request, 'Added. Fill in what you know; leave the rest as "don\'t know yet".'
        )
        return redirect("providers:edit", case.public_id, service.public_id)
    return render(
        request, "providers/service_new.html", {"case": case, "form": form, "center": center}
    )


@case_view()
def service_detail(request, case, service_id):
    service = _service(case, service_id)
    today = timezone.localdate()
    facts = service_facts(service)
    flags = service_flags(facts, today=today)
    context = {
        "case": case,
        "service": service,
        "flags": flags,
        "expected": expected_report_date(facts, today=today),
        "script": question_script(facts, cancer=_cancer(case)),
        "panels": _panels(),
    }
    return render(request, "providers/service_detail.html", context)


@case_view(write=True)
def service_edit(request, case, service_id):
    service = _service(case, service_id)
    form = ServiceForm(request.POST or None, instance=service)
    if request.method == "POST" and form.is_valid():
        flags = service_save(service=form.save(commit=False), today=timezone.localdate())
        audit_record(action="service.updated", request=request, case=case, obj=service)
        stops = [f for f in flags if f.severity == "stop"]
        if stops:
            messages.warning(request, "Saved. Please read the stop sign below before you go on.")
        else:
            messages.success(request, "Saved.")
        return redirect("providers:detail", case.public_id, service.public_id)
    groups = [(title, [form[name] for name in names]) for title, names in GROUPS]
    return render(
        request,
        "providers/service_edit.html",
        {"case": case, "service": service, "form": form, "groups": groups},
    )


@case_view(write=True)
def service_agreement(request, case, service_id):
    """Paste or upload the agreement; show its clauses highlighted, with the questions."""
    service = _service(case, service_id)
    error = ""
    if request.method == "POST":
        try:
            text = agreement_text_from_input(
                pasted=request.POST.get("text", ""), upload=request.FILES.get("file")
            )
            agreement_store(service=service, text=text, today=timezone.localdate())
        except AgreementError as exc:
            error = str(exc)
        else:
            audit_record(action="service.agreement_read", request=request, case=case, obj=service)
            messages.success(request, "Read. The clauses it found are highlighted below.")
            return redirect("providers:agreement", case.public_id, service.public_id)
    reading = service.agreement_reading or {}
    clauses = reading.get("clauses", [])
    context = {
        "case": case,
        "service": service,
        "error": error,
        "reading": reading,
        "pieces": highlight_pieces(service.agreement_text, clauses) if clauses else [],
        "clauses": [{**c, "label": LABELS[c["kind"]]} for c in clauses],
        "missing": [LABELS[k] for k in reading.get("missing", [])],
    }
    return render(
        request, "providers/service_agreement.html", context, status=400 if error else 200
    )


@case_view()
def service_questions(request, case, service_id):
    service = _service(case, service_id)
    script = question_script(service_facts(service), cancer=_cancer(case))
    return render(
        request,
        "providers/service_questions.html",
        {"case": case, "service": service, "script": script, "text": script_text(script)},
    )


@case_view()
def service_compare(request, case):
    today = timezone.localdate()
    services = list(case.services.select_related("case"))
    table = compare.comparison(services, today=today, safe_until=case.safe_to_wait_until)
    # Built from escaped strings only (see providers.timeline).
    svg = compare.timeline_for(table, today=today, safe_until=case.safe_to_wait_until)
    picture = mark_safe(svg)  # noqa: S308
    context = {
        "case": case,
        "table": table,
        "today": today,
        "timeline_svg": picture,
        "panels": _panels(),
    }
    return render(request, "providers/service_compare.html", context)


@case_view(write=True)
def link_extend(request, case, link_id):
    """Extend a share link so it outlives the expected report by the margin; logged."""
    if request.method != "POST":
        return redirect("cases:detail", case.public_id)
    link = get_object_or_404(case.share_links, public_id=link_id, revoked_at__isnull=True)
    conflict = next(
        (
            c
            for c in case_date_conflicts(case, today=timezone.localdate())
            if c.link_key == str(link_id)
        ),
        None,
    )
    if conflict is not None:
        link.expires_at = link_expiry_needed(link, today=timezone.localdate())
        link.save(update_fields=["expires_at"])
        audit_record(
            action="share_link.extended",
            request=request,
            case=case,
            obj=link,
            detail=f"until {timezone.localtime(link.expires_at):%Y-%m-%d}",
        )
        messages.success(request, "The link now stays open until after the report is expected.")
    return redirect("cases:detail", case.public_id)
