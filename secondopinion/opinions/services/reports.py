"""The written report: checked (a real, readable PDF within the size limit), kept in the vault,
attached to an opinion, or turned into an opinion when the reviewer uploads it on the link."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from secondopinion.core import vault
from secondopinion.opinions import readings, reportsafe
from secondopinion.opinions.models import Opinion, PatientQuestion, ShareLink

REPORT_MAX_BYTES = getattr(settings, "REPORT_MAX_BYTES", 50 * 1024 * 1024)


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
    upload.seek(0)
    digest, _ = vault.stream_digest(upload)
    upload.seek(0)
    name = vault.stored_save(f"reports/{case.public_id}/{uuid.uuid4().hex}.pdf", upload)
    original = Path(upload.name or "report.pdf").name[:200]
    stored = StoredReport(name=name, original=original, size=upload.size, sha256=digest)
    if copy.path is None:
        return stored
    try:  # the copy is what everybody opens; the upload as it came is kept aside
        with copy.path.open("rb") as fh:
            safe = vault.stored_save(f"reports/{case.public_id}/{uuid.uuid4().hex}.pdf", fh)
    except BaseException:
        vault.stored_delete(name=name)
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
        transaction.on_commit(lambda: _stored_remove(old))


def _stored_remove(names: list[str]) -> None:
    for name in names:
        vault.stored_delete(name=name)


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
