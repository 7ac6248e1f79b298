"""PDFs made from plain data: the letters, the question list, the case summary and the handoff.

Pure core: no Django. Each writer lays its document out with the building blocks of
`pdfdoc.Doc` (fpdf2 and the bundled fonts, described there). pdfdoc is imported on the first
PDF, not with this module: fpdf2 and fontTools take about 0.4 s to import, and every command
and worker imports this module when the apps register their jobs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from secondopinion.records.letters import Letter as RequestLetter

if TYPE_CHECKING:
    from secondopinion.opinions.pdfdoc import Doc


@dataclass(frozen=True)
class Letter:
    """A plain titled document: paragraphs of text."""

    title: str
    paragraphs: Sequence[str]


@dataclass(frozen=True)
class QuestionList:
    """The patient's questions by group, as on the questions page."""

    title: str
    lead: str
    # (group title, [(question, answer, asked)])
    groups: Sequence[tuple[str, Sequence[tuple[str, str, bool]]]]
    written_on: date | None = None


@dataclass(frozen=True)
class Identity:
    """Who the patient is and who treats them, for the reviewer: each row only when typed."""

    legal_name: str = ""
    birth_date: date | None = None
    phone: str = ""
    address: str = ""
    email: str = ""
    doctor: str = ""  # "Dr. Alan Reyes"
    practice: str = ""
    doctor_phone: str = ""
    doctor_fax: str = ""
    doctor_email: str = ""

    def patient_rows(self) -> list[tuple[str, str]]:
        rows = [
            ("Full legal name", self.legal_name),
            ("Date of birth", _day(self.birth_date) if self.birth_date else ""),
            ("Phone", self.phone),
            ("Address", self.address),
            ("Email", self.email),
        ]
        return [(k, v) for k, v in rows if v]

    def doctor_rows(self) -> list[tuple[str, str]]:
        rows = [
            ("Doctor", self.doctor),
            ("Practice", self.practice),
            ("Phone", self.doctor_phone),
            ("Fax", self.doctor_fax),
            ("Email", self.doctor_email),
        ]
        return [(k, v) for k, v in rows if v]


@dataclass(frozen=True)
class CoverLetter:
    patient_name: str
    service_name: str
    question: str
    patient_contact: str = ""  # phone or e-mail, as the patient typed it
    identity: Identity = field(default_factory=Identity)
    reviewer_name: str = ""
    reviewer_employer: str = ""
    goals: Sequence[str] = ()
    enclosed: Sequence[str] = ()
    written_on: date | None = None
    sender_note: str = ""  # e.g. "Sent by Ana Ruiz, daughter and caregiver"


@dataclass(frozen=True)
class PortalRecords:
    """What the patient's portal records say, each line naming its source file, as the portal
    states it (never merged with what the reports say)."""

    diagnoses: Sequence[str] = ()
    stage_markers: Sequence[str] = ()
    treatments: Sequence[str] = ()

    def __bool__(self) -> bool:
        return bool(self.diagnoses or self.stage_markers or self.treatments)

    def groups(self) -> list[tuple[str, Sequence[str]]]:
        rows = [
            ("Diagnoses (cancer)", self.diagnoses),
            ("Stage and tumor markers", self.stage_markers),
            ("Treatment given", self.treatments),
        ]
        return [(title, lines) for title, lines in rows if lines]


PORTAL_HEADING = "From the patient's portal records"
PORTAL_NOTE = (
    "As the patient's portal states them, from the files the patient imported. They are not "
    "compared with or merged into the facts read from the pathology reports."
)


@dataclass(frozen=True)
class CaseSummary:
    patient_name: str
    diagnosis: str
    birth_date: date | None = None
    pathology_facts: Sequence[
        tuple[str, str]
    ] = ()  # (what, value) already confirmed by the patient
    first_opinion: str = ""  # who gave the first opinion, and when
    first_plan: str = ""
    timeline: Sequence[tuple[date, str]] = ()
    safe_to_wait: date | None = None
    written_on: date | None = None
    identity: Identity = field(default_factory=Identity)
    portal: PortalRecords = field(default_factory=PortalRecords)


@dataclass(frozen=True)
class Handoff:
    patient_name: str
    case_line: str  # the case in one sentence
    local_doctor: str = ""
    opinions: Sequence[str] = ()  # each opinion in one sentence
    differences: Sequence[str] = ()  # each addressed to the doctor ("the patient's first plan")
    unclear: Sequence[str] = ()  # what the app could not compare: to read in full
    compared: bool = True  # False when there was no first plan to compare with
    questions: Sequence[str] = ()
    decision: str = ""
    written_on: date | None = None
    extra: dict[str, str] = field(default_factory=dict)


def _day(value: date | None) -> str:
    value = value or date.today()
    return f"{value:%B} {value.day}, {value.year}"


def _doc(title: str, base: float = 11) -> Doc:
    """A new page-sized document; fpdf2 and the fonts load here, on the first PDF."""
    from secondopinion.opinions.pdfdoc import Doc  # noqa: PLC0415 - 0.4 s import, see the top

    return Doc(title, base)


def letter_pdf(letter: Letter) -> bytes:
    doc = _doc(letter.title)
    doc.heading(letter.title)
    for paragraph in letter.paragraphs:
        doc.para(paragraph)
    return doc.done()


def request_letter_pdf(letter: RequestLetter) -> bytes:
    """The records request letter, laid out as on its page (records/letter.html)."""
    doc = _doc(letter.subject)
    doc.para(letter.date_line)
    doc.para("\n".join(letter.recipient))
    doc.para(letter.subject, bold=True)
    doc.para(letter.salutation)
    doc.para(letter.paragraphs[0])
    doc.bullets(letter.items)
    doc.ln(1)
    for paragraph in letter.paragraphs[1:]:
        doc.para(paragraph)
    doc.para(letter.closing)
    doc.ln(6)
    doc.para("Signature: ______________________")
    doc.para("\n".join(letter.signature))
    return doc.done()


def questions_pdf(data: QuestionList) -> bytes:
    """The question list to take to a call: each group, each question numbered, the answer
    written under it, or lines to write one on."""
    doc = _doc(data.title)
    doc.heading(data.title)
    doc.para(f"{data.lead} {_day(data.written_on)}.")
    for title, questions in data.groups:
        if not questions:
            continue
        doc.section(title)
        for number, (text, answer, asked) in enumerate(questions, 1):
            doc.para(f"{number}. {text}" + (" (asked)" if asked else ""))
            doc.para(f"Answer: {answer}" if answer else "Answer: ________________________________")
    if not any(questions for _title, questions in data.groups):
        doc.para("No questions picked yet.")
    return doc.done()


def cover_letter_pdf(data: CoverLetter) -> bytes:
    """One letter to the reviewing doctor: who, what is asked, goals, what is enclosed."""
    doc = _doc("Cover letter")
    doc.para(_day(data.written_on))
    to = data.reviewer_name or "The reviewing doctor"
    if data.reviewer_employer:
        to += f", {data.reviewer_employer}"
    doc.para(f"To: {to}\nService: {data.service_name}")
    doc.heading(f"Request for a second opinion for {data.patient_name}", size=15)
    doc.para(
        "Thank you for reviewing my case. The records you asked for are enclosed. "
        "Each file is listed in manifest.json with its SHA-256 checksum, and SHA256SUMS lets you "
        "check that nothing changed on the way."
    )
    doc.section("My question")
    doc.para(data.question or "Please review my diagnosis and the treatment plan I was offered.")
    if data.goals:
        doc.section("What matters most to me")
        doc.bullets(data.goals)
    doc.section("Enclosed")
    doc.bullets(list(data.enclosed) or ["Case summary"])
    doc.section("How to reach me")
    rows = data.identity.patient_rows()
    if rows:
        doc.pairs(rows, key_width=40)
    else:
        contact = data.patient_name + (f" — {data.patient_contact}" if data.patient_contact else "")
        doc.para(contact)
    if data.identity.doctor_rows():
        doc.section("My local doctor")
        doc.pairs(data.identity.doctor_rows(), key_width=40)
    if data.sender_note:
        doc.para(data.sender_note)
    return doc.done()


def _fit(render: Callable[[float, int], Doc], max_pages: int) -> bytes:
    """Render smaller, then with shorter lists, until the document fits `max_pages`."""
    doc = render(11, 999)
    for base, keep in ((10, 999), (9.5, 12), (9, 8), (8.5, 5), (8, 3)):
        if doc.pages_count <= max_pages:
            break
        doc = render(base, keep)
    return doc.done()


def _trim(items: Sequence[str], keep: int, noun: str) -> list[str]:
    if len(items) <= keep:
        return list(items)
    return [*items[:keep], f"…and {len(items) - keep} more {noun} (see the full list in the app)."]


def case_summary_pdf(data: CaseSummary) -> bytes:
    """One to two pages: diagnosis, confirmed pathology facts, the portal's records, first
    opinion, timeline."""

    def render(base: float, keep: int) -> Doc:
        doc = _doc("Case summary", base)
        doc.heading(f"Case summary: {data.patient_name}")
        rows = [("Prepared on", _day(data.written_on))]
        identity = data.identity.patient_rows()
        rows += identity
        if data.birth_date and not data.identity.birth_date:
            rows.append(("Date of birth", data.birth_date.isoformat()))
        rows.append(("Diagnosis", data.diagnosis or "Not recorded yet"))
        if data.safe_to_wait:
            rows.append(
                (
                    "Safe to wait until",
                    f"{_day(data.safe_to_wait)} (as told by the treating doctor)",
                )
            )
        doc.pairs(rows)
        if data.pathology_facts:
            doc.section("From the pathology report (checked by the patient)")
            facts = list(data.pathology_facts)
            if len(facts) > keep:
                facts = facts[:keep] + [("…", f"{len(facts) - keep} more facts in the report")]
            doc.pairs(facts)
        if data.portal:
            _portal_section(doc, data.portal, keep)
        if data.identity.doctor_rows():
            doc.section("Local doctor")
            doc.pairs(data.identity.doctor_rows())
        doc.section("First opinion")
        doc.para(data.first_opinion or "Not recorded.")
        if data.first_plan:
            doc.para(f"Plan offered: {data.first_plan}")
        if data.timeline:
            doc.section("Timeline")
            events = sorted(data.timeline, key=lambda t: t[0])
            lines = [(d.isoformat(), text) for d, text in events]
            if len(lines) > keep:
                lines = lines[-keep:]
                lines.insert(0, ("…", f"{len(events) - keep} earlier events not shown"))
            doc.pairs(lines, key_width=30)
        return doc

    return _fit(render, 2)


def _portal_section(doc: Doc, portal: PortalRecords, keep: int) -> None:
    doc.section(PORTAL_HEADING)
    doc.para(PORTAL_NOTE)
    for title, lines in portal.groups():
        doc.para(title, bold=True)
        shown = list(lines[:keep])
        if len(lines) > keep:
            shown.append(f"…and {len(lines) - keep} more in the patient's portal records.")
        doc.bullets(shown)


def handoff_pdf(data: Handoff) -> bytes:
    """One page for the local doctor: the case, each opinion in a sentence, differences,
    the patient's questions and the decision so far."""

    def render(base: float, keep: int) -> Doc:
        doc = _doc("Summary for my local doctor", base)
        doc.heading(f"Second opinion summary: {data.patient_name}", size=base + 5)
        rows = [("Date", _day(data.written_on))]
        if data.local_doctor:
            rows.append(("For", data.local_doctor))
        rows += list(data.extra.items())
        doc.pairs(rows, key_width=30)
        doc.section("The case")
        doc.para(data.case_line)
        doc.section("Opinions received")
        doc.bullets(_trim(data.opinions, keep, "opinions") or ["No written opinion recorded yet."])
        if data.opinions and not data.compared:
            doc.section("Compared with the patient's first plan")
            doc.para("The first plan was not recorded, so the opinions were not compared with it.")
        elif data.opinions:
            doc.section("Compared with the patient's first plan")
            doc.bullets(
                _trim(data.differences, keep, "differences")
                or ["No difference in the treatments, diagnosis or stage that could be compared."]
            )
        if data.unclear:
            doc.section("Please read these parts in full")
            doc.bullets(_trim(data.unclear, keep, "items"))
        if data.questions:
            doc.section("My questions for you")
            doc.bullets(_trim(data.questions, keep, "questions"))
        doc.section("My decision so far")
        doc.para(data.decision or "Not decided yet. I would like to talk it through with you.")
        return doc

    return _fit(render, 1)
