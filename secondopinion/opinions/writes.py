"""Writes for the opinions app: small functions with keyword-only arguments, called by views,
tasks and commands alike. The pure cores (packet, pdfs, tokens, calendar, and the plan reader) do the work;
this module feeds them from the database and stores what they return.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from secondopinion.accounts.audit import audit_record
from secondopinion.core.jobs import LOCAL_PREFIX, job_enqueue, job_scratch_add
from secondopinion.core.words import doctor_name, sentence
from secondopinion.opinions import calendar as ics
from secondopinion.opinions import pdfs, readings, reportsafe, tokens
from secondopinion.opinions.models import (
    Decision,
    Handoff,
    LinkEvent,
    Opinion,
    PacketBuild,
    PatientQuestion,
    ShareLink,
)
from secondopinion.opinions.packet import GeneratedFile, PacketError, packet_write
from secondopinion.opinions.sources import VaultItem, vault_items
from secondopinion.pathology.facts import case_summary
from secondopinion.providers.rules import BUSINESS, add_business_days
from secondopinion.records.models import Document, ImagingStudy
from secondopinion.records.storage import staging_root

PACKET_JOB = "packet"  # the job kind (core/jobs.py, opinions/tasks.py)
REPORT_MAX_BYTES = getattr(settings, "REPORT_MAX_BYTES", 50 * 1024 * 1024)


# --- what the packet holds -------------------------------------------------------------


def case_goals(case) -> list[str]:
    goals = [
        case.treatment_goals,
        case.quality_of_life_goals,
        case.goal_work,
        case.goal_family,
        case.goal_side_effects,
        case.goal_travel,
    ]
    return [g.strip() for g in goals if g and g.strip()]


def case_diagnosis(case) -> str:
    label = case.cancer_label if case.cancer_type else ""
    # Upper-case the first letter only: str.capitalize() would turn "(AML)" into "(aml)".
    text = label[:1].upper() + label[1:]
    if case.stage_told:
        stage = case.stage_told.strip()
        if not stage.lower().startswith("stage"):
            stage = f"stage {stage}"
        text += f", {stage} (as told by the doctor)"
    if case.diagnosis_date:
        text += f", diagnosed {case.diagnosis_date:%B %-d, %Y}"
    return text


def pathology_facts(case) -> list[tuple[str, str]]:
    """Facts the patient confirmed in their pathology reports (the pathology app's summary)."""
    rows = []
    for row in case_summary(case):
        if row.values:
            text = " / ".join(v.display for v in row.values)
            rows.append((row.label, text + (" (the reports differ)" if row.disagrees else "")))
    return rows


def case_identity(case) -> pdfs.Identity:
    """The patient's identity and the local doctor's contact, as typed on the case."""
    return pdfs.Identity(
        legal_name=case.full_name,
        birth_date=case.date_of_birth,
        phone=case.patient_phone.strip(),
        address=case.patient_address.strip(),
        email=case.owner.email,
        doctor=doctor_name(case.doctor_name),
        practice=case.doctor_institution.strip(),
        doctor_phone=case.doctor_phone.strip(),
        doctor_fax=case.doctor_fax.strip(),
        doctor_email=case.doctor_email.strip(),
    )


def case_summary_data(case) -> pdfs.CaseSummary:
    first = ", ".join(x for x in (doctor_name(case.doctor_name), case.doctor_institution) if x)
    if case.first_plan_date:
        first += f", {case.first_plan_date:%B %-d, %Y}"
    timeline = []
    if case.diagnosis_date:
        timeline.append((case.diagnosis_date, "Diagnosis"))
    if case.first_plan_date:
        timeline.append((case.first_plan_date, "First treatment plan"))
    timeline.extend(
        (service.records_sent_on, f"Records sent to {service.name}")
        for service in case.services.exclude(records_sent_on=None)
    )
    if case.planned_treatment_start:
        timeline.append((case.planned_treatment_start, "Planned start of treatment"))
    return pdfs.CaseSummary(
        patient_name=case.full_name,
        diagnosis=case_diagnosis(case),
        birth_date=case.date_of_birth,
        pathology_facts=pathology_facts(case),
        first_opinion=first,
        first_plan=case.first_plan,
        timeline=timeline,
        safe_to_wait=case.safe_to_wait_until,
        written_on=timezone.localdate(),
        identity=case_identity(case),
    )


def packet_preview(*, case, excluded: list[str] | None = None) -> list[tuple[VaultItem, bool]]:
    """Each vault item with whether it will be included (`excluded=None`: our defaults)."""
    items = vault_items(case)
    if excluded is None:
        return [(item, item.default_included) for item in items]
    left_out = set(excluded)
    return [(item, item.key not in left_out) for item in items]


def packet_default_excluded(*, case) -> list[str]:
    return [item.key for item, included in packet_preview(case=case) if not included]


def _generated(case, service, items: list[VaultItem]) -> list[GeneratedFile]:
    reviewer = doctor_name(service.doctor_name)
    question = (
        f"Please review my diagnosis and the plan my doctor offered: {case.first_plan.strip()}"
        if case.first_plan.strip()
        else "Please review my diagnosis and the treatment plan I was offered."
    )
    enclosed = ["Case summary (1 to 2 pages)"] + [item.label for item in items]
    contact = case.owner.email
    cover = pdfs.CoverLetter(
        patient_name=case.full_name,
        patient_contact=contact,
        identity=case_identity(case),
        service_name=service.name,
        reviewer_name=reviewer,
        reviewer_employer=service.doctor_institution,
        question=question,
        goals=case_goals(case),
        enclosed=enclosed,
        written_on=timezone.localdate(),
    )
    return [
        GeneratedFile(
            "00 Cover letter.pdf", pdfs.cover_letter_pdf(cover), "cover_letter", "Cover letter"
        ),
        GeneratedFile(
            "01 Case summary.pdf",
            pdfs.case_summary_pdf(case_summary_data(case)),
            "case_summary",
            "Case summary",
        ),
    ]


def packet_request(*, case, service, excluded: list[str] | None = None) -> PacketBuild:
    """Record a packet build and start it in the background once the row is committed."""
    if excluded is None:
        excluded = packet_default_excluded(case=case)
    build = PacketBuild.objects.create(case=case, service=service, excluded=list(excluded))
    job_enqueue(PACKET_JOB, build.pk, case_pk=case.pk)
    return build


class _Progress:
    """Saves progress at most every half second, so a big CD does not hammer the database."""

    def __init__(self, build: PacketBuild) -> None:
        self.build, self.last = build, 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < 0.5 and done < total:
            return
        self.last = now
        PacketBuild.objects.filter(pk=self.build.pk).update(bytes_done=done, bytes_total=total)


def packet_run(*, build_pk: int) -> PacketBuild:
    """Make the packet for a build row. Safe to run twice: a finished build is left alone."""
    build = PacketBuild.objects.select_related("case__owner", "service").get(pk=build_pk)
    if build.status == PacketBuild.Status.DONE:
        return build
    PacketBuild.objects.filter(pk=build.pk).update(status=PacketBuild.Status.RUNNING, error="")
    case, service = build.case, build.service
    items = [
        item for item, included in packet_preview(case=case, excluded=build.excluded) if included
    ]
    files = [f for item in items for f in item.files]
    name = f"packets/{case.public_id}/{uuid.uuid4().hex}.zip"
    try:
        generated = _generated(case, service, items)
        meta = {"service": service.name, "reviewer": service.doctor_name}
        try:
            target = Path(default_storage.path(name))
            local = True
        except NotImplementedError:
            # Object storage: the ZIP is made in the staging folder, then uploaded.
            target = Path(tempfile.mkdtemp(prefix="packet-", dir=staging_root())) / "packet.zip"
            local = False
        # What a run that dies half way leaves behind, for the job lifecycle to remove.
        job_scratch_add(PACKET_JOB, build.pk, name)
        if not local:
            job_scratch_add(PACKET_JOB, build.pk, f"{LOCAL_PREFIX}{target.parent}")
        try:
            result = packet_write(
                out=target, files=files, generated=generated, meta=meta, progress=_Progress(build)
            )
            if not local:
                with target.open("rb") as fh:
                    name = default_storage.save(name, File(fh))
        finally:
            if not local:
                shutil.rmtree(target.parent, ignore_errors=True)
    except PacketError as exc:
        PacketBuild.objects.filter(pk=build.pk).update(
            status=PacketBuild.Status.FAILED, error=str(exc), finished_at=timezone.now()
        )
        build.refresh_from_db()
        return build
    _older_packets_remove(build)
    PacketBuild.objects.filter(pk=build.pk).update(
        status=PacketBuild.Status.DONE,
        file_name=name,
        file_size=result.bytes_written,
        file_count=result.files,
        bytes_done=sum(f.size for f in files),
        finished_at=timezone.now(),
    )
    build.refresh_from_db()
    return build


def _older_packets_remove(build: PacketBuild) -> None:
    """A new packet replaces the older ones for the same service: their files go (a packet is
    a copy of the vault, and stale copies only take space); their rows stay as history."""
    older = PacketBuild.objects.filter(case=build.case, service=build.service).exclude(pk=build.pk)
    names = list(older.exclude(file_name="").values_list("file_name", flat=True))
    older.exclude(file_name="").update(file_name="", file_size=0)

    def files_remove() -> None:
        for name in names:
            if default_storage.exists(name):
                default_storage.delete(name)

    transaction.on_commit(files_remove)


def vault_changed_at(case):
    """When a record was last added to the vault (None if empty): a packet older than this
    is missing something."""

    times = [
        Document.objects.filter(case=case).aggregate(t=Max("created_at"))["t"],
        ImagingStudy.objects.visible().filter(case=case).aggregate(t=Max("created_at"))["t"],
    ]
    return max((t for t in times if t), default=None)


def packet_latest(*, case, service) -> PacketBuild | None:
    return (
        PacketBuild.objects.filter(case=case, service=service, status=PacketBuild.Status.DONE)
        .order_by("-created_at")
        .first()
    )


# --- share links ------------------------------------------------------------------------


def link_create(
    *, case, service, user, days: int = tokens.DEFAULT_DAYS, passcode: str = ""
) -> tuple[ShareLink, str]:
    """A new link; returns the token once. Only its hash is stored."""
    token = tokens.token_new()
    link = ShareLink.objects.create(
        case=case,
        service=service,
        token_hash=tokens.token_hash(token),
        created_by=user,
        expires_at=tokens.expiry_default(timezone.now(), days),
        passcode_hash=tokens.passcode_hash(passcode) if passcode else "",
    )
    return link, token


def link_revoke(*, link: ShareLink) -> None:
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])


def link_find(token: str) -> ShareLink | None:
    """The link for a presented token, or None. Looked up by hash; the token never hits a query."""
    return (
        ShareLink.objects.select_related("case", "service")
        .filter(token_hash=tokens.token_hash(token))
        .first()
    )


# How each share-link event reads in the case's audit trail (accounts.audit.ACTION_WORDS).
_AUDIT_ACTIONS: dict[str, str] = {
    LinkEvent.Action.OPEN: "link.open",
    LinkEvent.Action.PACKET: "link.download",
    LinkEvent.Action.FILE: "link.download",
    LinkEvent.Action.REPORT: "link.report_uploaded",
    LinkEvent.Action.PASSCODE_FAILED: "link.passcode_failed",
    LinkEvent.Action.PASSCODE_PAUSED: "link.passcode_paused",
}


def link_event_record(*, link: ShareLink, request, action: str, detail: str = "") -> LinkEvent:
    """Log a reviewer's visit on the link (shown with the link) and in the case's audit trail.

    The trail gets only the verb and the link's id: file names stay on the link's own log.
    """
    audit_record(
        action=_AUDIT_ACTIONS[action], request=request, user=None, case=link.case, obj=link
    )
    return LinkEvent.objects.create(
        link=link, action=action, detail=detail[:200], address=request.META.get("REMOTE_ADDR")
    )


# --- reports ----------------------------------------------------------------------------


class ReportRejected(Exception):
    """The uploaded report cannot be kept. The message is safe to show."""


@dataclass
class StoredReport:
    name: str
    original: str
    size: int
    sha256: str
    # Set when active content was removed: `name` is the disarmed copy, these are the upload's.
    kept_name: str = ""
    kept_size: int = 0
    kept_sha256: str = ""
    removed: str = ""

    def attach_fields(self) -> dict:
        return {
            "report_name": self.name,
            "report_original": self.original,
            "report_size": self.size,
            "report_sha256": self.sha256,
            "report_kept_name": self.kept_name,
            "report_kept_size": self.kept_size,
            "report_kept_sha256": self.kept_sha256,
            "report_removed": self.removed,
        }


def report_store(*, case, upload) -> StoredReport:
    """Check an uploaded report is a real PDF within the size limit, then store it.

    The browser's filename and content type are not trusted: we look at the bytes (the PDF
    header, and pypdf must be able to read it). Nothing is stored unless every check passes.
    """
    from pypdf import PdfReader  # noqa: PLC0415 - heavy, only to read a PDF
    from pypdf.errors import PdfReadError  # noqa: PLC0415 - heavy, only to read a PDF

    if upload.size is not None and upload.size > REPORT_MAX_BYTES:
        raise ReportRejected(
            f"This file is larger than {REPORT_MAX_BYTES // (1024 * 1024)} MB. Nothing was saved."
        )
    upload.seek(0)
    if not upload.read(1024).lstrip().startswith(b"%PDF-"):
        raise ReportRejected("This file is not a PDF. Please upload the report as a PDF file.")
    upload.seek(0)
    try:
        reader = PdfReader(upload)
        encrypted = reader.is_encrypted
        if not encrypted:
            _ = len(reader.pages)
    except (PdfReadError, ValueError, OSError, KeyError, TypeError):
        raise ReportRejected(
            "This PDF could not be read. It may be damaged. Nothing was saved."
        ) from None
    if encrypted:
        # Nobody could open it later without its password, and the patient's copy must open.
        raise ReportRejected(
            "This PDF is protected by a password or by restrictions. Please save a copy without "
            "them (for example, print it to a new PDF) and upload that. Nothing was saved."
        )
    try:
        copy = reportsafe.report_disarm(upload)
    except reportsafe.PdfRefused as exc:
        raise ReportRejected(f"{exc} Nothing was saved.") from None
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    name = default_storage.save(f"reports/{case.public_id}/{uuid.uuid4().hex}.pdf", upload)
    original = Path(upload.name or "report.pdf").name[:200]
    stored = StoredReport(name=name, original=original, size=upload.size, sha256=digest.hexdigest())
    if copy.path is None:
        return stored
    try:  # the copy is what everybody opens; the upload as it came is kept aside
        with copy.path.open("rb") as fh:
            safe = default_storage.save(
                f"reports/{case.public_id}/{uuid.uuid4().hex}.pdf", File(fh)
            )
    except BaseException:
        default_storage.delete(name)
        raise
    finally:
        copy.discard()
    return StoredReport(
        name=safe,
        original=original,
        size=copy.size,
        sha256=copy.sha256,
        kept_name=name,
        kept_size=stored.size,
        kept_sha256=stored.sha256,
        removed=copy.words(),
    )


def opinion_attach_report(*, opinion: Opinion, stored: StoredReport) -> None:
    old = [n for n in (opinion.report_name, opinion.report_kept_name) if n]
    for key, value in stored.attach_fields().items():
        setattr(opinion, key, value)
    opinion.save()
    if old:
        transaction.on_commit(lambda: [default_storage.delete(n) for n in old])


def opinion_questions_sync(*, opinion: Opinion) -> None:
    """Put the questions typed on the opinion form ("Questions you still have") on the case's
    question list, for the local doctor, once each: a question already on the list is not added
    again; one deleted from the opinion goes from the list too, unless it was asked or answered."""
    marker = f"opinion:{opinion.public_id.hex}"
    case = opinion.case
    lines = [q[:500] for q in opinion.question_list]
    case.questions.filter(bank_key=marker, asked=False, answer="").exclude(text__in=lines).delete()
    have = {q.lower() for q in case.questions.values_list("text", flat=True)}
    PatientQuestion.objects.bulk_create(
        PatientQuestion(case=case, group=PatientQuestion.Group.LOCAL, bank_key=marker, text=q)
        for q in dict.fromkeys(lines)
        if q.lower() not in have
    )


def opinion_from_link(*, link: ShareLink, stored: StoredReport, fields: dict) -> Opinion:
    """The reviewer's upload becomes an opinion on the patient's case."""
    service = link.service
    opinion = Opinion.objects.create(
        case=link.case,
        service=service,
        link=link,
        source=Opinion.Source.LINK,
        doctor_name=fields.get("doctor_name") or service.doctor_name,
        stance=fields.get("stance") or "unclear",
        diagnosis_agrees=fields.get("diagnosis_agrees", ""),
        diagnosis_difference=fields.get("diagnosis_difference", ""),
        stage_agrees=fields.get("stage_agrees", ""),
        stage_opinion=fields.get("stage_opinion", ""),
        diagnosis=fields.get("diagnosis", ""),
        recommendations=fields.get("recommendations", ""),
        tests_suggested=fields.get("tests_suggested", ""),
        trials_mentioned=fields.get("trials_mentioned", ""),
        **stored.attach_fields(),
    )
    readings.opinion_plan_store(opinion)
    if service.status in ("agreed", "records_sent", "waiting", "contacted", "considering"):
        service.status = "report_received"
        service.save(update_fields=["status"])
    return opinion


# --- compare, handoff, calendar ---------------------------------------------------------


def case_comparisons(case, opinions: list[Opinion]) -> list[readings.OpinionComparison]:
    """Each opinion against the first plan, read into components (see readings.py)."""
    first = readings.case_reading(case)
    facts = pathology_facts(case) if opinions else []
    return [readings.opinion_comparison(case, o, first, facts) for o in opinions]


STANCE_SENTENCE = {
    "confirms": "confirms the first plan",
    "proposes_changes": "proposes changes to the first plan",
    "proposes_other": "proposes a different plan",
}


def _sentence(comparison: readings.OpinionComparison) -> str:
    opinion = comparison.opinion
    stance = STANCE_SENTENCE.get(opinion.stance, "did not say whether they agree with the plan")
    text = f"{opinion.label}, {opinion.received_on:%B %-d, %Y}: {stance}"
    if comparison.first_missing:
        text += "; not compared (the first plan was not recorded)"
    elif comparison.agrees:
        text += "; no difference in the treatments, diagnosis or stage that could be compared"
    return text + "."


def handoff_data(case) -> pdfs.Handoff:
    opinions = list(case.opinions.select_related("service"))
    comparisons = case_comparisons(case, opinions)
    decision = Decision.objects.filter(case=case).first()
    questions = [q.text for q in case.questions.filter(group="local", asked=False)]
    seen = {q.lower() for q in questions}
    for opinion in opinions:
        # Opinions saved before their questions reached the list: theirs are added once.
        questions += [q for q in opinion.question_list if q.lower() not in seen]
    differences, unclear = [], []
    for comp in comparisons:
        differences += [d.for_doctor for d in comp.differences]
        unclear += [f"Not specific enough to compare: {item}" for item in comp.not_comparable]
        if comp.unread_first or comp.unread_opinion:
            unclear.append(
                f"{comp.opinion.label}: parts of the plans could not be compared by the app "
                "and need reading in full."
            )
    decided = ""
    if decision and decision.choice.strip():
        decided = decision.choice.strip() + (
            f" Why: {decision.reasons.strip()}" if decision.reasons.strip() else ""
        )
    return pdfs.Handoff(
        patient_name=case.patient_name,
        case_line=f"{case_diagnosis(case) or 'Cancer'}. The patient's first plan: "
        + sentence(case.first_plan.strip() or "not recorded"),
        local_doctor=", ".join(
            x for x in (doctor_name(case.doctor_name), case.doctor_institution) if x
        ),
        opinions=[_sentence(c) for c in comparisons],
        differences=differences,
        unclear=unclear,
        compared=bool(case.first_plan.strip()),
        questions=questions,
        decision=decided,
        written_on=timezone.localdate(),
    )


def handoff_for(case) -> Handoff:
    return Handoff.objects.get_or_create(case=case)[0]


def call_title(service) -> str:
    """Event title for a booked call, only with names the patient typed (no health details).

    For example "Call with Dr. Ada Moreau (Hope Second Opinions)".
    """
    name = service.doctor_name.strip()
    if not name:
        return f"Call with the reviewing doctor ({service.name})"
    return f"Call with {doctor_name(name)} ({service.name})"


def _expected_report(service):
    if not service.turnaround_days or service.status in (
        "report_received",
        "declined",
        "ruled_out",
    ):
        return None
    start = service.records_sent_on or timezone.localdate()
    if service.turnaround_kind == BUSINESS:
        return add_business_days(start, service.turnaround_days)
    return start + timedelta(days=service.turnaround_days)


def calendar_items(case) -> list[ics.CalendarItem]:
    items = []
    if case.safe_to_wait_until:
        items.append(
            ics.CalendarItem(
                "safe-to-wait", "Safe-to-wait date (from my doctor)", case.safe_to_wait_until
            )
        )
    if case.planned_treatment_start:
        items.append(
            ics.CalendarItem(
                "treatment-start", "Planned start of treatment", case.planned_treatment_start
            )
        )
    for service in case.services.all():
        if service.records_sent_on:
            items.append(
                ics.CalendarItem(
                    f"sent-{service.public_id}",
                    f"Records sent to {service.name}",
                    service.records_sent_on,
                )
            )
        expected = _expected_report(service)
        if expected:
            items.append(
                ics.CalendarItem(
                    f"report-due-{service.public_id}",
                    f"Report expected from {service.name}",
                    expected,
                )
            )
        if service.call_at:
            items.append(
                ics.CalendarItem(
                    f"call-{service.public_id}",
                    call_title(service),
                    service.call_at,
                    description=service.call_note,
                )
            )
    handoff = Handoff.objects.filter(case=case).first()
    if handoff and handoff.followup_at:
        items.append(
            ics.CalendarItem(
                "local-followup", "Call or visit with my local doctor", handoff.followup_at
            )
        )
    items.extend(
        ics.CalendarItem(
            f"link-{link.public_id}",
            f"Share link for {link.service.name} expires",
            timezone.localtime(link.expires_at).date(),
        )
        for link in case.share_links.select_related("service")
        if link.revoked_at is None
    )
    items.extend(
        ics.CalendarItem(
            f"opinion-{opinion.public_id}",
            f"Opinion received: {opinion.label}",
            opinion.received_on,
        )
        for opinion in case.opinions.select_related("service")
    )
    decision = Decision.objects.filter(case=case).first()
    if (
        decision
        and decision.treatment_start
        and decision.treatment_start != case.planned_treatment_start
    ):
        items.append(
            ics.CalendarItem("decided-start", "Treatment starts", decision.treatment_start)
        )
    return items
