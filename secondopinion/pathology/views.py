"""Pathology pages: the case summary, one report with its facts, and reviewing a fact."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from secondopinion.accounts.audit import audit_record
from secondopinion.cases.access import can_edit, case_view
from secondopinion.core.editguard import row_version
from secondopinion.core.words import count
from secondopinion.pathology import glossary
from secondopinion.pathology.facts import (
    cancer_for,
    case_summary,
    display_value,
    fact_explanation,
    fact_review,
    facts_confirm_all,
    portal_rows,
    reading_run,
    text_segments,
)
from secondopinion.pathology.models import ReportFact, ReportReading
from secondopinion.records.models import Document

# What a person's check of one fact sets: the version its form carries (core/editguard.py).
FACT_REVIEW_FIELDS = ["review", "corrected_value"]


@case_view()
def summary(request: HttpRequest, case) -> HttpResponse:
    documents = list(
        Document.objects.filter(case=case, doc_type="pathology_report").select_related(
            "pathology_reading"
        )
    )
    rows = case_summary(case)
    return render(
        request,
        "pathology/summary.html",
        {
            "case": case,
            "documents": documents,
            "rows": rows,
            "disagreements": [row for row in rows if row.disagrees],
            "can_edit": can_edit(case),
            **_portal_context(portal_rows(case)),
        },
    )


@case_view()
def document(request: HttpRequest, case, document_id) -> HttpResponse:
    doc = get_object_or_404(Document, case=case, public_id=document_id)
    reading = ReportReading.objects.filter(document=doc).first()
    facts = list(reading.facts.all()) if reading else []
    cancer = cancer_for(reading, case)
    segments = text_segments(reading, facts) if reading and reading.text else []
    marked = [seg for seg in segments if seg.fact]
    items = [
        {
            "fact": f,
            "edit_base": row_version(f, FACT_REVIEW_FIELDS),
            "label": glossary.label(f.field),
            "display": display_value(f.field, f.value),
            "corrected_display": display_value(f.field, f.corrected_value)
            if f.corrected_value
            else "",
            "explanation": fact_explanation(f, cancer),
            # A derived fact can share its words with another: link to the highlight shown.
            "mark": _mark_for(f, marked),
            "others": [
                {**o, "display": display_value(f.field, o["value"])}
                for o in (f.superseded or []) + (f.alternatives or [])
            ],
        }
        for f in facts
    ]
    return render(
        request,
        "pathology/document.html",
        {
            "case": case,
            "document": doc,
            "reading": reading,
            "items": items,
            "segments": segments,
            "cancer_name": glossary.CANCER_NAMES.get(cancer or "", ""),
            "can_edit": can_edit(case),
            "to_confirm": sum(
                1 for f in facts if f.review == "unreviewed" and f.status != "uncertain"
            ),
            **_portal_context(portal_rows(case, reading=reading) if reading else []),
        },
    )


def _portal_context(rows: list) -> dict:
    return {"portal_rows": rows, "portal_disagree": any(row.disagrees for row in rows)}


def _mark_for(fact: ReportFact, marked: list) -> str:
    for seg in marked:
        if seg.fact.start <= fact.start < seg.fact.end:
            return f"mark-{seg.fact.public_id}"
    return ""


@case_view(write=True)  # outermost, so a stranger gets 404 before anything else
@require_POST
def document_read(request: HttpRequest, case, document_id) -> HttpResponse:
    """Read (or read again) the report now; reading takes well under a second."""
    doc = get_object_or_404(Document, case=case, public_id=document_id)
    reading = reading_run(document=doc)
    if reading.status == ReportReading.Status.DONE:
        messages.success(request, "The report was read. Please check each fact below.")
    elif reading.message:
        messages.warning(request, reading.message)
    return redirect("pathology:document", case.public_id, doc.public_id)


@case_view(write=True)  # outermost, so a stranger gets 404 before anything else
@require_POST
def fact_update(request: HttpRequest, case, fact_id) -> HttpResponse:
    fact = get_object_or_404(
        ReportFact.objects.select_related("reading__document"), case=case, public_id=fact_id
    )
    url = reverse("pathology:document", args=[case.public_id, fact.reading.document.public_id])
    seen = request.POST.get("edit_base", "")
    if seen and seen != row_version(fact, FACT_REVIEW_FIELDS):
        # Checked by someone else since the page was made: say what each of you chose.
        theirs = fact.corrected_value or fact.get_review_display()
        yours = request.POST.get("corrected_value", "") or request.POST.get("action", "")
        messages.error(
            request,
            "Someone else checked this fact while you had the page open, so your answer is not "
            f"saved yet. Saved meanwhile: “{theirs}”. Yours: “{yours}”. Choose again to keep yours.",
        )
        return redirect(f"{url}#fact-{fact.public_id}")
    try:
        fact_review(
            fact=fact,
            action=request.POST.get("action", ""),
            corrected_value=request.POST.get("corrected_value", ""),
            user=request.user,
        )
    except ValueError as exc:
        messages.error(request, str(exc))
    return redirect(f"{url}#fact-{fact.public_id}")


@case_view(write=True)  # outermost, so a stranger gets 404 before anything else
@require_POST
def document_confirm_all(request: HttpRequest, case, document_id) -> HttpResponse:
    """Confirm every fact of the report not checked yet, in one step (unsure ones excepted)."""
    doc = get_object_or_404(Document, case=case, public_id=document_id)
    reading = get_object_or_404(ReportReading, document=doc)
    confirmed = facts_confirm_all(reading=reading, user=request.user)
    audit_record(
        action="pathology.facts_confirmed",
        request=request,
        case=case,
        obj=doc,
        detail=str(confirmed),
    )
    messages.success(
        request, f"{count(confirmed, 'fact')} confirmed. You can still undo or correct each one."
    )
    return redirect("pathology:document", case.public_id, doc.public_id)
