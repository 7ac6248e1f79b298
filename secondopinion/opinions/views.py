"""The patient's side: send the case (packet, share links), record opinions, compare and
decide, questions, the handoff to the local doctor, and the calendar file."""

from __future__ import annotations

import json

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from secondopinion.accounts.audit import audit_record
from secondopinion.cases.access import can_edit, case_view
from secondopinion.core import vault
from secondopinion.core.editguard import row_version, values_version
from secondopinion.core.jobs import job_for
from secondopinion.opinions import calendar as ics
from secondopinion.opinions import passcodes, readings, report_pages
from secondopinion.opinions.forms import (
    ComponentFormSet,
    DecisionForm,
    HandoffForm,
    LinkForm,
    OpinionForm,
    QuestionAnswerForm,
    QuestionForm,
    component_initial,
    formset_components,
)
from secondopinion.opinions.models import (
    Decision,
    Handoff,
    Opinion,
    PacketBuild,
    PatientQuestion,
    ShareLink,
)
from secondopinion.opinions.pdfs import QuestionList, handoff_pdf, questions_pdf
from secondopinion.opinions.questions_bank import GROUPS, bank_by_group, bank_get
from secondopinion.opinions.services import links, packet_build, reports
from secondopinion.opinions.services.handoff import case_comparisons, handoff_data
from secondopinion.opinions.services.packet_build import PACKET_JOB
from secondopinion.opinions.services.packets import packet_latest, packet_request, vault_changed_at
from secondopinion.opinions.services.schedule import calendar_items
from secondopinion.opinions.services.summary import case_goals
from secondopinion.providers.facts import service_flags_now
from secondopinion.providers.models import Service
from secondopinion.providers.rules import STOP


def _service(case, service_id) -> Service:
    return get_object_or_404(Service, case=case, public_id=service_id)


def _stops(service: Service) -> list:
    """The service's stop signs (providers/rules.py, severity stop), most serious first."""
    flags = service_flags_now(service, today=timezone.localdate())
    return [f for f in flags if f.severity == STOP]


def _stop_cleared(request, case, service, stops, what: str) -> bool:
    """True when nothing stops the send, or the person ticked "I understand, send anyway".

    The override is recorded in the audit trail with the stop codes (never the service's name).
    """
    if not stops:
        return True
    if request.POST.get("send_anyway") != "yes":
        return False
    audit_record(
        action="send.stop_overridden",
        request=request,
        case=case,
        obj=service,
        detail=f"{what}: " + ",".join(f.code for f in stops),
    )
    return True


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@case_view()
def opinions_home(request, case):
    services = list(case.services.all())
    links = list(case.share_links.select_related("service"))
    builds = {}
    for build in case.packet_builds.order_by("created_at"):
        builds[build.service_id] = build  # latest per service wins
    rows = [
        {
            "service": s,
            "build": builds.get(s.pk),
            "links": [lk for lk in links if lk.service_id == s.pk],
        }
        for s in services
    ]
    opinions = list(case.opinions.select_related("service"))
    changed = vault_changed_at(case)
    for row in rows:
        build = row["build"]
        row["stale"] = bool(
            build and changed and build.status == "done" and changed > build.created_at
        )
    return render(
        request,
        "opinions/home.html",
        {"case": case, "rows": rows, "opinions": opinions, "can_edit": can_edit(case)},
    )


# --- packet -------------------------------------------------------------------------------


@case_view()
def packet_preview(request, case, service_id):
    service = _service(case, service_id)
    stops = _stops(service)
    stop_refused = False
    if request.method == "POST" and not _stop_cleared(request, case, service, stops, "packet"):
        stop_refused = True
    elif request.method == "POST":
        # Unticked boxes are not sent, so we list what was left out by difference.
        included = set(request.POST.getlist("include"))
        excluded = [
            item.key
            for item, _ in packet_build.packet_preview(case=case)
            if item.key not in included
        ]
        build = packet_request(case=case, service=service, excluded=excluded)
        audit_record(action="packet.build", request=request, case=case, obj=build)
        return redirect("opinions:packet_status", case_id=case.public_id, build_id=build.public_id)
    preview = packet_build.packet_preview(case=case)
    return render(
        request,
        "opinions/packet_preview.html",
        {
            "case": case,
            "service": service,
            "preview": preview,
            "can_edit": can_edit(case),
            "total": sum(item.size for item, _ in preview),
            "stops": stops,
            "stop_refused": stop_refused,
        },
        status=400 if stop_refused else 200,
    )


def _build(case, build_id) -> PacketBuild:
    return get_object_or_404(
        PacketBuild.objects.select_related("service"), case=case, public_id=build_id
    )


@case_view()
def packet_status(request, case, build_id):
    build = _build(case, build_id)
    job = job_for(PACKET_JOB, build.pk)
    return render(
        request, "opinions/packet_status.html", {"case": case, "build": build, "job": job}
    )


@case_view()
def packet_download(request, case, build_id):
    build = _build(case, build_id)
    if build.status != PacketBuild.Status.DONE or not build.file_name:
        raise Http404("The packet is not ready.")
    audit_record(action="packet.download", request=request, case=case, obj=build)
    return FileResponse(
        vault.stored_open(build.file_name),
        as_attachment=True,
        filename=build.download_name,
        content_type="application/zip",
    )


# --- share links --------------------------------------------------------------------------


@case_view(write=True)
def link_new(request, case, service_id):
    service = _service(case, service_id)
    stops = _stops(service)
    form = LinkForm(request.POST or None)
    stop_refused = request.method == "POST" and not _stop_cleared(
        request, case, service, stops, "link"
    )
    if request.method == "POST" and not stop_refused and form.is_valid():
        link, token = links.link_create(
            case=case,
            service=service,
            user=request.user,
            days=form.cleaned_data["days"],
            passcode=form.cleaned_data["passcode"],
        )
        if packet_latest(case=case, service=service) is None:
            packet_request(case=case, service=service)
        audit_record(action="link.create", request=request, case=case, obj=link)
        url = request.build_absolute_uri(reverse("share:open", args=[token]))
        # The token exists only in this response: we keep its hash, never the token itself.
        return render(
            request, "opinions/link_created.html", {"case": case, "link": link, "url": url}
        )
    return render(
        request,
        "opinions/link_new.html",
        {
            "case": case,
            "service": service,
            "form": form,
            "stops": stops,
            "stop_refused": stop_refused,
        },
        status=400 if stop_refused else 200,
    )


def _link(case, link_id) -> ShareLink:
    return get_object_or_404(
        ShareLink.objects.select_related("service"), case=case, public_id=link_id
    )


@case_view()
def link_detail(request, case, link_id):
    link = _link(case, link_id)
    return render(
        request,
        "opinions/link_detail.html",
        {
            "case": case,
            "link": link,
            "events": link.events.all()[:500],
            "can_edit": can_edit(case),
            "pauses": passcodes.passcode_pauses(link=link),
        },
    )


@case_view(write=True)
@require_POST
def link_passcodes_reset(request, case, link_id):
    link = _link(case, link_id)
    passcodes.passcode_reset(link=link)
    audit_record(action="link.passcode_reset", request=request, case=case, obj=link)
    messages.success(request, "Every address may try the passcode again.")
    return redirect("opinions:link_detail", case_id=case.public_id, link_id=link.public_id)


@case_view(write=True)
@require_POST
def link_revoke(request, case, link_id):
    link = _link(case, link_id)
    links.link_revoke(link=link)
    audit_record(action="link.revoke", request=request, case=case, obj=link)
    messages.success(request, "The link is withdrawn. It no longer opens.")
    return redirect("opinions:link_detail", case_id=case.public_id, link_id=link.public_id)


# --- opinions -----------------------------------------------------------------------------


# Prompts to help the patient decide: questions to think about, not advice.
DECISION_PROMPTS: tuple[str, ...] = (
    "Which option fits best with the goals you wrote down before any opinion arrived?",
    "Which doctor do you feel most at ease with? Who answered your questions fully and kindly?",
    "Is there a question you still need answered before you can choose?",
    "Once you have asked everything, what does your instinct tell you?",
)


def _save_opinion(request, case, form, opinion=None):
    upload = form.cleaned_data.get("report")
    stored = None
    if upload:
        try:
            stored = reports.report_store(case=case, upload=upload)
        except reports.ReportRejected as exc:
            form.add_error("report", str(exc))
            return None
    with transaction.atomic():
        opinion = form.save(commit=False)
        opinion.case = case
        opinion.save()
        if stored:
            reports.opinion_attach_report(opinion=opinion, stored=stored)
        if opinion.plan_text != opinion.plan_read_from or not opinion.plan_read_from:
            # New or changed words: read them again (earlier corrections were for other words).
            readings.opinion_plan_store(opinion)
        reports.opinion_questions_sync(opinion=opinion)
    return opinion


@case_view(write=True)
def opinion_new(request, case):
    form = OpinionForm(request.POST or None, request.FILES or None, case=case)
    if request.method == "POST" and form.is_valid():
        opinion = _save_opinion(request, case, form)
        if opinion:
            audit_record(action="opinion.create", request=request, case=case, obj=opinion)
            messages.success(request, "The opinion is saved. Please check what we read from it.")
            return redirect(
                "opinions:opinion_check", case_id=case.public_id, opinion_id=opinion.public_id
            )
    return render(
        request, "opinions/opinion_form.html", {"case": case, "form": form, "opinion": None}
    )


def _opinion(case, opinion_id) -> Opinion:
    return get_object_or_404(
        Opinion.objects.select_related("service"), case=case, public_id=opinion_id
    )


@case_view()
def opinion_detail(request, case, opinion_id):
    """The opinion, calm and read-only: who, when, stance, what we read, the report's pages."""
    opinion = _opinion(case, opinion_id)
    reading = readings.opinion_reading(opinion)
    pages = report_pages.page_count(opinion) if opinion.report_name else 0
    shown = min(pages, report_pages.MAX_PAGES)
    return render(
        request,
        "opinions/opinion_detail.html",
        {
            "case": case,
            "opinion": opinion,
            "components": [
                (readings.TOPICS.get(c.modality, c.modality), readings.describe(c))
                for c in reading.components
            ],
            "unread": list(reading.unread),
            "pages": range(1, shown + 1),
            "pages_total": pages,
            "can_edit": can_edit(case),
        },
    )


@case_view(write=True)
def opinion_edit(request, case, opinion_id):
    opinion = _opinion(case, opinion_id)
    form = OpinionForm(request.POST or None, request.FILES or None, case=case, instance=opinion)
    if request.method == "POST" and form.is_valid() and _save_opinion(request, case, form, opinion):
        messages.success(request, "The opinion is saved.")
        if not opinion.plan_checked:
            return redirect(
                "opinions:opinion_check", case_id=case.public_id, opinion_id=opinion.public_id
            )
        return redirect(
            "opinions:opinion_detail", case_id=case.public_id, opinion_id=opinion.public_id
        )
    return render(
        request,
        "opinions/opinion_form.html",
        {"case": case, "form": form, "opinion": opinion, "can_edit": can_edit(case)},
    )


def _posted_originals(request) -> list[dict]:
    """The components a submitted confirm form was made from (its hidden `original` fields)."""
    try:
        count = min(int(request.POST.get("c-INITIAL_FORMS", "0")), 200)
        rows = [json.loads(request.POST.get(f"c-{i}-original") or "null") for i in range(count)]
    except ValueError:
        return []
    return [row for row in rows if isinstance(row, dict)]


def component_words(component: dict) -> str:
    """One treatment row in words, for the "saved meanwhile" list."""
    modality = str(component.get("modality") or "")
    topic = readings.TOPICS.get(modality, modality)
    months = component.get("duration_months")
    parts = [
        ", ".join(component.get("drugs") or ()),
        component.get("procedure") or "",
        f"{months} months" if months else "",
    ]
    what = "; ".join(p for p in parts if p)
    return f"{topic}: {what}" if what else str(topic)


def components_check(request, *, components, unread, source, save, template, context):
    """The confirm step shared by the first plan, the patient's opinion and the reviewer's:
    what the plan reader read, as rows a person can correct, remove or add to.

    The form carries the version of the rows it showed (core/editguard.py): if someone saved
    other rows meanwhile, the save is refused and both lists are shown, with the form as typed.
    """
    formset = ComponentFormSet(
        request.POST if request.method == "POST" else None,
        initial=component_initial(components),
        prefix="c",
    )
    version = values_version([components])
    seen = request.POST.get("edit_base", "") if request.method == "POST" else ""
    stale = bool(seen) and seen != version
    if stale:  # the rows as this person saw them, so the form comes back as they left it
        formset = ComponentFormSet(
            request.POST, initial=component_initial(_posted_originals(request)), prefix="c"
        )
    if request.method == "POST" and not stale and formset.is_valid():
        save(formset_components(formset))
        return None
    page = {"formset": formset, "unread": unread, "source": source, "edit_base": version}
    if stale:
        page["saved_meanwhile"] = [component_words(c) for c in components]
    return render(
        request,
        template,
        {**context, **page},
        status=400 if request.method == "POST" else 200,
    )


def opinion_components_check(request, opinion: Opinion, *, template: str, context: dict):
    """The confirm step for the treatments read from an opinion, for the patient (her case
    pages) and for the reviewer (the share link): None once saved, else the page."""
    reading = readings.opinion_reading(opinion)
    return components_check(
        request,
        components=readings.editable(reading),
        unread=list(reading.unread),
        source=opinion.plan_text,
        save=lambda corrected: readings.opinion_plan_store(opinion, components=corrected),
        template=template,
        context={**context, "opinion": opinion},
    )


@case_view(write=True)
def opinion_check(request, case, opinion_id):
    opinion = _opinion(case, opinion_id)
    response = opinion_components_check(
        request, opinion, template="opinions/opinion_check.html", context={"case": case}
    )
    if response is None:
        messages.success(request, "Thank you. The treatments are saved as you checked them.")
        return redirect("opinions:compare", case_id=case.public_id)
    return response


@case_view()
def opinion_report(request, case, opinion_id):
    opinion = _opinion(case, opinion_id)
    if not opinion.report_name:
        raise Http404("No report file.")
    return FileResponse(
        vault.stored_open(opinion.report_name),
        as_attachment=True,
        filename="second-opinion-report.pdf",
        content_type="application/pdf",
    )


@case_view()
def opinion_report_page(request, case, opinion_id, page):
    """One page of the report as a PNG, rendered on the server and cached."""
    opinion = _opinion(case, opinion_id)
    if not opinion.report_name or not 1 <= page <= report_pages.MAX_PAGES:
        raise Http404("No such page.")
    png = report_pages.page_png(opinion, page)
    if png is None:
        raise Http404("No such page.")
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- compare and decide -------------------------------------------------------------------


@case_view()
def compare_page(request, case):
    opinions = list(case.opinions.select_related("service"))
    decision = Decision.objects.filter(case=case).first() or Decision(case=case)
    form = DecisionForm(request.POST or None, instance=decision)
    if request.method == "POST" and form.is_valid():
        form.save()
        audit_record(action="decision.save", request=request, case=case)
        messages.success(request, "Your decision and reasons are saved.")
        return redirect("opinions:compare", case_id=case.public_id)
    comparisons = case_comparisons(case, opinions)
    goals = case_goals(case)
    return render(
        request,
        "opinions/compare.html",
        {
            "case": case,
            "comparisons": comparisons,
            "first_plan_checked": case.first_plan_checked,
            "goal_questions": list(
                zip(goals, readings.goal_questions(goals, comparisons), strict=True)
            ),
            "prompts": DECISION_PROMPTS,
            "form": form,
            "can_edit": can_edit(case),
        },
    )


@case_view(write=True)
@require_POST
def compare_question_add(request, case):
    """Keep a drafted question: it joins the patient's own list."""
    text = request.POST.get("text", "").strip()[:500]
    group = request.POST.get("group", "")
    if text and group in GROUPS:
        PatientQuestion.objects.get_or_create(case=case, group=group, text=text)
        messages.success(request, "Added to your questions.")
    return redirect("opinions:compare", case_id=case.public_id)


# --- questions ----------------------------------------------------------------------------


@case_view()
def questions_page(request, case):
    mine = list(case.questions.all())
    for question in mine:  # the version each answer form was made from (core/editguard.py)
        question.edit_base = row_version(question, QuestionAnswerForm.Meta.fields)
    picked = {q.bank_key for q in mine if q.bank_key}
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        question = form.save(commit=False)
        question.case = case
        question.save()
        messages.success(request, "Your question is added.")
        return redirect("opinions:questions", case_id=case.public_id)
    groups = [
        {
            "key": key,
            "title": title,
            "mine": [q for q in mine if q.group == key],
            "bank": [q for q in bank_by_group()[key] if q.key not in picked],
        }
        for key, title in GROUPS.items()
    ]
    return render(
        request,
        "opinions/questions.html",
        {
            "case": case,
            "groups": groups,
            "form": form,
            "can_edit": can_edit(case),
            "title": QUESTIONS_TITLE,
            "lead": QUESTIONS_LEAD,
        },
    )


QUESTIONS_TITLE = "Your questions"
QUESTIONS_LEAD = (
    "Pick questions from our list, add your own, and note the answers. "
    "Print the list to take along."
)
QUESTIONS_PDF_LEAD = "Questions for the second opinion, prepared on"


@case_view()
def questions_download(request, case):
    """The question list as a PDF: the same groups, titles and questions as the page."""
    mine = list(case.questions.all())
    data = QuestionList(
        title=QUESTIONS_TITLE,
        lead=QUESTIONS_PDF_LEAD,
        groups=[
            (title, [(q.text, q.answer, q.asked) for q in mine if q.group == key])
            for key, title in GROUPS.items()
        ],
        written_on=timezone.localdate(),
    )
    return _attachment(
        HttpResponse(questions_pdf(data), content_type="application/pdf"), "my-questions.pdf"
    )


@case_view(write=True)
@require_POST
def questions_pick(request, case):
    for key in request.POST.getlist("pick"):
        question = bank_get(key)
        if question:
            PatientQuestion.objects.get_or_create(
                case=case, bank_key=key, defaults={"group": question.group, "text": question.text}
            )
    return redirect("opinions:questions", case_id=case.public_id)


@case_view(write=True)
@require_POST
def question_update(request, case, question_id):
    question = get_object_or_404(PatientQuestion, case=case, public_id=question_id)
    if "delete" in request.POST:
        question.delete()
    else:
        form = QuestionAnswerForm(request.POST, instance=question)
        if form.is_valid():
            form.save()
        elif form.stale:
            # The page holds many answers: the refusal is told at the top, with both texts.
            both = " ".join(
                f"{d.label}: saved meanwhile “{d.theirs}”, yours “{d.yours}”."
                for d in form.differences
            )
            messages.error(
                request,
                "Someone else saved this question while you were editing it, so your change is "
                f"not saved yet. {both} Type yours again and save if you want to keep it.",
            )
    return redirect(
        reverse("opinions:questions", args=[case.public_id]) + f"#q-{question.public_id}"
    )


# --- handoff and calendar -----------------------------------------------------------------


@case_view()
def handoff_page(request, case):
    handoff = getattr(case, "handoff", None)
    if handoff is None and can_edit(case):
        # Saved only when the form is: opening the page (a GET) must not write anything.
        handoff = Handoff(case=case)
    form = HandoffForm(request.POST or None, instance=handoff)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Saved.")
        return redirect("opinions:handoff", case_id=case.public_id)
    return render(
        request,
        "opinions/handoff.html",
        {
            "case": case,
            "form": form,
            "handoff": handoff,
            "data": handoff_data(case),
            "can_edit": can_edit(case),
        },
    )


@case_view()
def handoff_download(request, case):
    pdf = handoff_pdf(handoff_data(case))
    return _attachment(
        HttpResponse(pdf, content_type="application/pdf"), "summary-for-my-doctor.pdf"
    )


@case_view()
def calendar_download(request, case):
    data = ics.calendar_ics(items=calendar_items(case), case_key=str(case.public_id))
    return _attachment(
        HttpResponse(data, content_type="text/calendar; charset=utf-8"), "second-opinion-dates.ics"
    )


@case_view(write=True)
def first_plan(request, case):
    """The first plan read into treatments, for the patient to check and correct."""
    reading = readings.case_reading(case)
    dicts, unread = readings.editable(reading), list(reading.unread)
    response = components_check(
        request,
        components=dicts,
        unread=unread,
        source=case.first_plan,
        save=lambda corrected: readings.case_plan_store(case, components=corrected),
        template="opinions/first_plan.html",
        context={"case": case},
    )
    if response is None:
        messages.success(request, "Thank you. Your first plan is saved as you checked it.")
        return redirect("opinions:compare", case.public_id)
    return response
