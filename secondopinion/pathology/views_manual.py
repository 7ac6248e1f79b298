"""The way forward when a report cannot be read: type the main facts in, or ask the lab."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from secondopinion.cases.access import can_edit, case_view
from secondopinion.pathology.manual import ManualFactsForm, manual_facts_save, manual_initial
from secondopinion.pathology.models import ReportReading
from secondopinion.records.models import Document


@case_view()
def manual_facts(request: HttpRequest, case, document_id) -> HttpResponse:
    doc = get_object_or_404(Document, case=case, public_id=document_id)
    reading = ReportReading.objects.filter(document=doc).first()
    if request.method == "POST":
        form = ManualFactsForm(request.POST)
        if form.is_valid():
            manual_facts_save(document=doc, data=form.cleaned_data, user=request.user)
            messages.success(request, "Saved. The facts you typed are in your case summary.")
            return redirect("pathology:document", case.public_id, doc.public_id)
    else:
        form = ManualFactsForm(initial=manual_initial(reading))
    return render(
        request,
        "pathology/manual.html",
        {
            "case": case,
            "document": doc,
            "form": form,
            "can_edit": can_edit(case),
            "lab_letter": _lab_letter(doc),
        },
    )


def _lab_letter(doc: Document) -> str:
    when = f" dated {doc.document_date:%B %-d, %Y}" if doc.document_date else ""
    source = f" from {doc.institution}" if doc.institution else ""
    return (
        "Dear Pathology Department,\n\n"
        f"I am the patient named in a pathology report{when}{source}. I am asking for a "
        "second opinion and need a copy of the full report that a computer can read: a PDF "
        "made directly from your reporting system (not a scan or fax), or a plain text copy. "
        "Please include any addenda.\n\n"
        "You can send it to me by secure email or through the patient portal.\n\n"
        "My name:\nMy date of birth:\nThe report or accession number, if known:\n\n"
        "Thank you,\n"
    )
