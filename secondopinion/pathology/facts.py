"""Writes and reads for pathology facts: read a document, review a fact, sum up the case.

`reading_run` is what the background task calls; it is safe to run twice (the same text gives
the same facts and keeps the patient's reviews). `fact_review` records a confirmation or a
correction. `case_summary` gathers the confirmed facts of every report of a case, with links
back to their source, and shows every disagreement between reports instead of picking one.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from secondopinion.core.jobs import job_local_copy
from secondopinion.core.textfile import TextExtractionError, text_from_file
from secondopinion.pathology import glossary
from secondopinion.pathology.extraction.core import FIELDS
from secondopinion.pathology.models import ReportFact, ReportReading, Review
from secondopinion.records.models import PortalItem

# The case's own cancer list, mapped to the glossary's cancer names.
CASE_CANCER = {
    "lung_nsclc": "lung",
    "lung_sclc": "lung",
    "colorectal": "colon",
    "endometrial": "endometrium",
    "nhl": "lymphoma",
    "hodgkin": "lymphoma",
}

# What fills in the case: stage and the markers that guide treatment. Every field but those
# describing the specimen and the tumor's look (in the extractor's order).
NOT_IN_SUMMARY = frozenset(
    {
        "specimen",
        "site",
        "laterality",
        "tumor_size_mm",
        "focality",
        "tnm_prefixes",
        "ajcc_edition",
        "lvi",
        "pni",
        "nodes_examined",
        "ene",
    }
)
SUMMARY_FIELDS = tuple(name for name in FIELDS if name not in NOT_IN_SUMMARY)


def cancer_for(reading: ReportReading | None, case) -> str | None:
    if reading is not None and reading.cancer:
        return reading.cancer
    code = getattr(case, "cancer_type", "") or ""
    return CASE_CANCER.get(code, code) or None


def _document_text(document) -> tuple[str, str]:
    """(text, problem). Text already read by the records app wins; plain text files are read
    here, because the records app only reads PDFs."""
    if document.text:
        return document.text, ""
    if document.kind in ("pdf", "image") and document.text_status == "pending":
        return "", "pending"  # the records app is still reading it (OCR takes a while)
    if document.text_source == "ocr":
        return "", document.text_note or "We could not read any words on this scan."
    if document.kind == "pdf":
        return "", "We could not find text in this PDF. It may be a scan without a text layer."
    if document.kind == "text":
        return _text_file_read(document)
    return "", "This kind of file has no text we can read. Upload the report as a PDF or text."


def _text_file_read(document) -> tuple[str, str]:
    try:
        # A temporary copy on object storage, named in the reading job's scratch.
        with job_local_copy("pathology", document.pk, document.stored_name) as path:
            return text_from_file(path), ""
    except FileNotFoundError:
        return "", "The file is missing from storage."
    except TextExtractionError as exc:
        return "", str(exc)


def reading_run(*, document) -> ReportReading:
    """Read one document's facts. The same text twice changes nothing."""
    text, problem = _document_text(document)
    reading, _ = ReportReading.objects.get_or_create(
        document=document, defaults={"case_id": document.case_id}
    )
    if problem == "pending":
        ReportReading.objects.filter(pk=reading.pk).update(status=ReportReading.Status.PENDING)
        reading.refresh_from_db()
        return reading
    if not text.strip():
        reading.status = ReportReading.Status.NO_TEXT
        reading.message = (problem or "The report has no text.")[:300]
        reading.save(update_fields=["status", "message", "updated_at"])
        return reading
    digest = hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()
    if reading.status == ReportReading.Status.DONE and reading.text_sha256 == digest:
        return reading
    # The extractor compiles about a hundred regular expressions when imported (0.1 s): every
    # command and worker imports this module when the apps register, so it loads on first use.
    from secondopinion.pathology.extractor import extract  # noqa: PLC0415 - see above

    result = extract(text, scanned=document.text_source == "ocr")
    with transaction.atomic():
        earlier = {f.field: f for f in reading.facts.all()}
        reading.facts.all().delete()
        reading.text = text
        reading.text_sha256 = digest
        reading.cancer = result.cancer or ""
        reading.truncated = result.truncated
        reading.status = ReportReading.Status.DONE
        reading.message = ""
        reading.save()
        rows = []
        for position, name in enumerate(FIELDS):
            fact = result.fields.get(name)
            if fact is None:
                continue
            data = fact.as_dict()
            row = ReportFact(
                reading=reading,
                case_id=document.case_id,
                field=name,
                value=fact.value,
                text=fact.text,
                start=fact.start,
                end=fact.end,
                status=fact.status,
                details=data.get("details", {}),
                superseded=data.get("superseded", []),
                alternatives=data.get("alternatives", []),
                position=position,
            )
            before = earlier.get(name)
            # A review stays only while the fact it reviewed is unchanged.
            if before is not None and before.value == fact.value and before.text == fact.text:
                row.review = before.review
                row.corrected_value = before.corrected_value
                row.reviewed_at = before.reviewed_at
                row.reviewed_by_id = before.reviewed_by_id
            rows.append(row)
        ReportFact.objects.bulk_create(rows)
    return reading


def reading_fail(*, document, message: str) -> None:
    ReportReading.objects.update_or_create(
        document=document,
        defaults={
            "case_id": document.case_id,
            "status": ReportReading.Status.FAILED,
            "message": message[:300],
        },
    )


def fact_review(*, fact: ReportFact, action: str, user, corrected_value: str = "") -> ReportFact:
    """Confirm, correct or reset one fact. A correction keeps the original reading beside it."""
    if action == "confirm":
        fact.review, fact.corrected_value = Review.CONFIRMED, ""
    elif action == "correct":
        value = corrected_value.strip()
        if not value:
            raise ValueError("Type the correct value, or choose Confirm.")
        fact.review, fact.corrected_value = Review.CORRECTED, value[:120]
    elif action == "reset":
        fact.review, fact.corrected_value = Review.UNREVIEWED, ""
    else:
        raise ValueError("Unknown action.")
    fact.reviewed_at = timezone.now() if fact.review != Review.UNREVIEWED else None
    fact.reviewed_by = user if fact.review != Review.UNREVIEWED else None
    fact.save(update_fields=["review", "corrected_value", "reviewed_at", "reviewed_by"])
    return fact


def facts_confirm_all(*, reading: ReportReading, user) -> int:
    """Confirm, in one step, every fact of one report not checked yet; returns how many.

    An "unsure" fact (the report gives more than one value) is left for the patient to choose
    one at a time: confirming it in bulk would pick a value they never looked at."""
    now = timezone.now()
    return (
        reading.facts.filter(review=Review.UNREVIEWED)
        .exclude(status="uncertain")
        .update(review=Review.CONFIRMED, corrected_value="", reviewed_at=now, reviewed_by=user)
    )


# ---------------------------------------------------------------------------------------
# Reading the facts back


@dataclass
class Segment:
    text: str
    fact: ReportFact | None = None


def text_segments(reading: ReportReading, facts: list[ReportFact]) -> list[Segment]:
    """The report text cut into plain pieces and highlighted pieces, one per fact.

    Derived facts can share words with a stated one (grade group from the Gleason words); the
    first fact to claim a span keeps the highlight and the list shows all of them.
    """
    text = reading.text
    ordered = sorted(facts, key=lambda f: (f.start, -(f.end - f.start)))
    out: list[Segment] = []
    pos = 0
    for fact in ordered:
        if fact.start < pos or fact.end > len(text) or fact.end <= fact.start:
            continue
        if fact.start > pos:
            out.append(Segment(text[pos : fact.start]))
        out.append(Segment(text[fact.start : fact.end], fact))
        pos = fact.end
    if pos < len(text):
        out.append(Segment(text[pos:]))
    return out


def fact_explanation(fact: ReportFact, cancer: str | None) -> str:
    return glossary.explain(fact.field, fact.value, cancer, fact.details)


def display_value(field_name: str, value: Any) -> str:
    if field_name in ("pT", "pN", "pM"):
        return f"p{value}"
    if field_name == "tumor_size_mm":
        return f"{value} mm"
    if field_name == "ki67_percent":
        return f"{value}%"
    if field_name == "grade_group":
        return f"Grade group {value}"
    if field_name == "ajcc_edition":
        return f"{value}th edition"
    return str(value)


@dataclass
class SummaryValue:
    value: Any
    display: str
    facts: list[ReportFact]


@dataclass
class SummaryRow:
    field: str
    label: str
    values: list[SummaryValue] = dataclasses.field(default_factory=list)
    waiting: int = 0  # facts read but not yet checked by the patient

    @property
    def disagrees(self) -> bool:
        return len(self.values) > 1


def case_summary(case) -> list[SummaryRow]:
    """Confirmed facts of every report, by field. Two reports that disagree give two values."""
    facts = (
        ReportFact.objects.filter(case=case, field__in=SUMMARY_FIELDS)
        .select_related("reading__document")
        .order_by("reading__document__document_date", "reading__created_at")
    )
    rows = {name: SummaryRow(name, glossary.label(name)) for name in SUMMARY_FIELDS}
    for fact in facts:
        row = rows[fact.field]
        if not fact.is_confirmed:
            row.waiting += 1
            continue
        value = fact.final_value
        for existing in row.values:
            if str(existing.value).lower() == str(value).lower():
                existing.facts.append(fact)
                break
        else:
            row.values.append(SummaryValue(value, display_value(fact.field, value), [fact]))
    return [row for row in rows.values() if row.values or row.waiting]


# --- facts from the patient portal, beside the ones read from reports ----------------------

# Portal fields that are not what a pathology report states (clinical staging is decided before
# surgery): shown with their own label, never counted as a disagreement.
PORTAL_ONLY_LABELS = {
    "cT": "Clinical T category (before surgery)",
    "cN": "Clinical N category (before surgery)",
    "cM": "Clinical M category (before surgery)",
    "clinical_stage": "Clinical stage group (before surgery)",
}
PORTAL_DISPLAY_FIELD = {"cT": "pT", "cN": "pN", "cM": "pM"}


@dataclass
class PortalRow:
    field: str
    label: str
    portal: list[str]  # displayed values from the portal
    report: list[str]  # displayed values read from reports (checked or not)
    compared: bool  # a fact reports state, so the two can disagree

    @property
    def disagrees(self) -> bool:
        norm = {v.lower().lstrip("pc") for v in self.portal}
        return (
            self.compared
            and bool(self.report)
            and norm != {v.lower().lstrip("pc") for v in self.report}
        )


def portal_rows(case, *, reading: ReportReading | None = None) -> list[PortalRow]:
    """Staging and markers from the patient portal, each beside what the reports say.

    Nothing is merged or overwritten: both values are shown, and a difference is marked. With
    `reading`, the report side is that one report; otherwise every report of the case."""
    items = PortalItem.objects.filter(case=case, kind=PortalItem.Kind.OBSERVATION).exclude(field="")
    facts = (
        ReportFact.objects.filter(reading=reading)
        if reading
        else ReportFact.objects.filter(case=case)
    )
    report: dict[str, list[str]] = {}
    for fact in facts.only("field", "value", "corrected_value", "review"):
        shown = display_value(fact.field, fact.final_value)
        if shown not in report.setdefault(fact.field, []):
            report[fact.field].append(shown)
    rows: dict[str, PortalRow] = {}
    for item in items.order_by("date", "pk"):
        if item.field not in rows:
            compared = item.field in FIELDS
            label = PORTAL_ONLY_LABELS.get(item.field) or glossary.label(item.field)
            rows[item.field] = PortalRow(
                item.field, label, [], report.get(item.field, []) if compared else [], compared
            )
        field_for_display = PORTAL_DISPLAY_FIELD.get(item.field, item.field)
        shown = display_value(field_for_display, item.value)
        if item.field in PORTAL_DISPLAY_FIELD:
            shown = "c" + shown[1:]
        if shown not in rows[item.field].portal:
            rows[item.field].portal.append(shown)
    return list(rows.values())
