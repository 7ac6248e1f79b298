"""Red flags and warnings for one second-opinion service, computed from the patient's answers.

Pure module: no Django. The caller fills a `ServiceFacts` (from the model, from a form, from a
test table) and gets back a list of `Flag`s, most serious first. Every flag carries the guide step it
comes from, so the screen can say why we ask.

Answers that are not known yet are `UNKNOWN` (or None for numbers and dates): the rules then ask,
they never assume the worst or the best.

Decisions where the issue was silent:
- The reviewing doctor: if the service says it cannot or will not name the doctor, that is a stop.
  If the name is simply not known yet, it is something to ask, and it becomes a stop as soon as the
  patient has agreed, signed or paid without a name.
- Declined and ruled-out services get no flags: the patient has already stepped away.
- Business days skip Saturdays and Sundays only; public holidays are not known offline.
- Expected report date: from the day records were sent if known, else from today. A report exactly on
  the safe-to-wait date is fine; one day later is a warning.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from secondopinion.core.words import count

YES, NO, UNKNOWN = "yes", "no", "unknown"

STOP, WARNING, ASK, NOTE, TODO = "stop", "warning", "ask", "note", "todo"
SEVERITIES = (STOP, WARNING, ASK, NOTE, TODO)
SEVERITY_LABELS = {
    STOP: "Stop",
    WARNING: "Warning",
    ASK: "To ask",
    NOTE: "Good to know",
    TODO: "To do",
}

BUSINESS, CALENDAR = "business", "calendar"

# Status flow. The order matters: later statuses mean the patient has committed more.
STATUSES = (
    "considering",
    "contacted",
    "agreed",
    "records_sent",
    "waiting",
    "report_received",
    "declined",
    "ruled_out",
)
CLOSED_STATUSES = frozenset({"declined", "ruled_out"})
COMMITTED_STATUSES = frozenset({"agreed", "records_sent", "waiting", "report_received"})

# Guide steps, in our own words (numbers follow the guide's "next steps").
STEP_TIMELINE = "Timeline: know how long treatment can safely wait"
STEP_COST = "Step 2: learn the cost and what it includes"
STEP_DOCTOR = "Step 3: get the name of the reviewing doctor"
STEP_LOCAL = "Step 4: ask if they will talk with your local doctor"
STEP_RECORDS = "Step 5: gather the records they need"
STEP_REPORT = "Step 6: know when the answer comes and what you receive"
STEP_AGREEMENT = "Step 7: read the agreement before you sign or pay"


@dataclass(frozen=True)
class ServiceFacts:
    """What the patient knows about one service. Strings are YES / NO / UNKNOWN."""

    name: str = ""
    status: str = "considering"
    doctor_name: str = ""
    # NO means the service said it cannot or will not tell the name.
    doctor_named: str = UNKNOWN
    cost_amount: float | None = None
    # What the price includes: known once any inclusion has been answered.
    includes_known: bool = False
    written_report: str = UNKNOWN
    talks_to_local_doctor: str = UNKNOWN
    turnaround_days: int | None = None
    turnaround_kind: str = CALENDAR
    records_sent_on: date | None = None
    safe_to_wait_until: date | None = None
    agreement_read: str = UNKNOWN
    agreement_signed: str = UNKNOWN
    payment_made: str = UNKNOWN
    # Record types the service asked for that the patient does not hold yet (from the records app).
    missing_records: tuple[str, ...] = field(default_factory=tuple)
    # From the doctors app: YES when articles or trials on the patient's cancer were found under
    # the doctor's name, NO when both PubMed and ClinicalTrials.gov answered with none.
    doctor_cancer_record: str = UNKNOWN
    # Used by the question script only (questions.py); the rules above do not read them.
    doctor_institution: str = ""
    doctor_specialty: str = ""
    insurance: str = UNKNOWN  # "covers", "partly", NO or UNKNOWN
    financial_help: str = UNKNOWN
    extra_communication_charge: str = UNKNOWN
    local_doctor_charge_known: bool = False
    records_needed_known: bool = False
    send_methods_known: bool = False
    delivers_call: str = UNKNOWN
    delivers_copy_to_local: str = UNKNOWN
    agreement_received: str = UNKNOWN
    # NO when the service said it will not tell where the reviewing doctor works now.
    doctor_institution_given: str = UNKNOWN
    # Awards or recognition the patient noted about the doctor count as research done.
    doctor_awards_noted: bool = False
    agreement_questions_written: bool = False
    # From the agreement reader (secondopinion.agreements): what the pasted agreement says.
    agreement_has_questions: bool = True
    agreement_withholds_name: bool = False
    agreement_unfavourable: tuple[str, ...] = field(default_factory=tuple)
    # The reader's questions about the agreement; they join the call script (questions.py).
    agreement_questions_to_ask: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Flag:
    code: str
    severity: str
    reason: str
    guide_step: str

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS[self.severity]


def add_business_days(start: date, days: int) -> date:
    """`days` weekdays after `start` (Saturday and Sunday skipped; no holiday calendar)."""
    if days <= 0:
        return start
    # Counting from a weekend is counting from the Friday before: Monday is day 1 either way.
    current = start - timedelta(days=max(0, start.weekday() - 4))
    # Whole weeks first so a long turnaround does not loop day by day.
    weeks, left = divmod(days, 5)
    current += timedelta(weeks=weeks)
    while left > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            left -= 1
    return current


def expected_report_date(facts: ServiceFacts, *, today: date) -> date | None:
    """When the report should arrive, or None if the turnaround is not known."""
    if facts.turnaround_days is None:
        return None
    start = facts.records_sent_on or today
    if facts.turnaround_kind == BUSINESS:
        return add_business_days(start, facts.turnaround_days)
    return start + timedelta(days=facts.turnaround_days)


def _fmt(day: date) -> str:
    return f"{day:%A %B} {day.day}, {day.year}"


# Every reason a patient reads, keyed by flag code (the conditions live in RULES below).
REASONS: dict[str, str] = {
    "doctor_not_named": (
        "They will not tell you the name of the doctor who would review your case. "
        "Do not go ahead or pay. You have the right to know who gives your opinion."
    ),
    "doctor_not_named_committed": (
        "You have gone ahead without the name of the reviewing doctor. "
        "Stop and ask for the name and where they work before anything else."
    ),
    "agreement_withholds_name": (
        "Their agreement says the reviewing doctor's name is not given to you. Do not go ahead "
        "or pay until they tell you the name and where the doctor works now."
    ),
    "doctor_name_unknown": (
        "Ask for the name of the doctor who would review your case, and where they work "
        "now. If they cannot tell you, do not go ahead."
    ),
    "doctor_employer_refused": (
        "They will not tell you where the reviewing doctor works now. Do not go ahead or pay. "
        "You have the right to know who gives your opinion and where they practice."
    ),
    "doctor_employer_unknown": (
        "Ask where the reviewing doctor works now (the hospital or practice), so you can look "
        "them up."
    ),
    "doctor_research_todo": (
        "Look the doctor up before you agree: articles on your cancer, clinical trials they "
        "lead, and awards from colleagues. The doctor research page does the searching for you."
    ),
    "doctor_cancer_experience_unknown": (
        "We found no articles or clinical trials on your cancer under this doctor's "
        "name. That does not mean they lack experience. Ask the service about the "
        "doctor's experience with your cancer, such as how many people like you they "
        "see each year."
    ),
    "no_written_report": (
        "They will not send a written report. A credible service sends one: a summary of "
        "your case, how they understand the diagnosis, and what they recommend."
    ),
    "written_report_unknown": (
        "Ask if you will get a written report with a summary of your case, how they "
        "understand the diagnosis, and what they recommend."
    ),
    "committed_before_reading_paid": (
        "You paid before reading the agreement in full. Read it now and write down "
        "anything you do not understand, to ask them."
    ),
    "committed_before_reading_signed": (
        "You signed the agreement before reading it in full. Read it now and write down "
        "anything you do not understand, to ask them."
    ),
    "agreed_without_agreement": (
        "This service is marked as agreed, but the agreement is not marked as read and signed. "
        "Read the whole agreement and ask about anything unclear before you sign or pay."
    ),
    "read_before_signing": (
        "Before you sign or pay: read the whole agreement, and write down anything you do not "
        "understand to ask them. You can paste it on this page to have its clauses pointed out."
    ),
    "agreement_questions_unasked": (
        "You have read the agreement. Write down your questions about it, and ask them before "
        "you sign or pay."
    ),
    "agreement_unfavourable": (
        "Their agreement has terms that take something away from you. See the agreement "
        "section of this page and ask about them before you sign or pay."
    ),
    "cost_unknown": (
        "Ask what you would pay yourself, and if insurance or financial help could cover "
        "part of it."
    ),
    "inclusions_unknown": (
        "Ask what the price includes: a written report, calls or video visits, and what "
        "costs extra."
    ),
    "insurance_unknown": (
        "Ask if your insurance covers this, pays part of it back, or pays nothing. Ask your "
        "insurer too."
    ),
    "financial_help_unknown": (
        "Ask if they offer scholarships or financial help, and how to apply before you pay."
    ),
    "report_and_call_unknown": (
        "Ask if the price includes a call with the doctor who reviewed your case, as well "
        "as the report."
    ),
    "extra_communication_unknown": (
        "Ask if they charge for calls or messages after the first meeting, and how much."
    ),
    "local_doctor_unknown": (
        "Ask if the reviewing doctor would talk with your local doctor if needed, and "
        "whether that costs extra."
    ),
    "local_doctor_charge_unknown": (
        "They will talk with your local doctor. Ask if that costs extra, and how much."
    ),
    "no_local_doctor_talk": (
        "They will not talk with your local doctor. You would need to pass on their "
        "report and questions yourself."
    ),
    "records_needed_unknown": (
        "Ask which records they need: scans, summaries, pathology reports and others."
    ),
    "send_methods_unknown": ("Ask how to send your records and exactly where to send them."),
}


@dataclass(frozen=True)
class _Moment:
    """What the patient has done so far; a question matters until its moment has passed."""

    committed: bool
    paid: bool
    sent: bool
    has_name: bool


def _moment(facts: ServiceFacts) -> _Moment:
    committed = (
        facts.status in COMMITTED_STATUSES
        or facts.payment_made == YES
        or facts.agreement_signed == YES
    )
    sent = facts.records_sent_on is not None or facts.status in SENT_STATUSES
    return _Moment(committed, facts.payment_made == YES, sent, bool(facts.doctor_name.strip()))


SENT_STATUSES = frozenset({"records_sent", "waiting", "report_received"})


# (code, severity, guide step, condition). A row raises its flag when the condition holds; the
# first matching row of one `group` wins, so a stop replaces the ask it grows from.
Rule = tuple[str, str, str, str, Callable[[ServiceFacts, _Moment], bool]]
RULES: tuple[Rule, ...] = (
    (
        "name",
        "agreement_withholds_name",
        STOP,
        STEP_DOCTOR,
        lambda f, m: f.agreement_withholds_name and not m.has_name,
    ),
    (
        "name",
        "doctor_not_named",
        STOP,
        STEP_DOCTOR,
        lambda f, m: f.doctor_named == NO and not m.has_name,
    ),
    (
        "name",
        "doctor_not_named_committed",
        STOP,
        STEP_DOCTOR,
        lambda f, m: not m.has_name and m.committed,
    ),
    ("name", "doctor_name_unknown", ASK, STEP_DOCTOR, lambda f, m: not m.has_name),
    (
        "employer",
        "doctor_employer_refused",
        STOP,
        STEP_DOCTOR,
        lambda f, m: f.doctor_institution_given == NO and not f.doctor_institution.strip(),
    ),
    (
        "employer",
        "doctor_employer_unknown",
        ASK,
        STEP_DOCTOR,
        lambda f, m: m.has_name and not f.doctor_institution.strip() and not m.committed,
    ),
    (
        "research",
        "doctor_cancer_experience_unknown",
        ASK,
        STEP_DOCTOR,
        lambda f, m: m.has_name and f.doctor_cancer_record == NO and not f.doctor_awards_noted,
    ),
    (
        "research",
        "doctor_research_todo",
        TODO,
        STEP_DOCTOR,
        lambda f, m: (
            m.has_name
            and f.doctor_cancer_record == UNKNOWN
            and not f.doctor_awards_noted
            and not m.committed
        ),
    ),
    ("report", "no_written_report", WARNING, STEP_REPORT, lambda f, m: f.written_report == NO),
    (
        "report",
        "written_report_unknown",
        ASK,
        STEP_REPORT,
        lambda f, m: f.written_report == UNKNOWN,
    ),
    (
        "agreement",
        "committed_before_reading_paid",
        WARNING,
        STEP_AGREEMENT,
        lambda f, m: m.paid and f.agreement_read != YES,
    ),
    (
        "agreement",
        "committed_before_reading_signed",
        WARNING,
        STEP_AGREEMENT,
        lambda f, m: f.agreement_signed == YES and f.agreement_read != YES,
    ),
    (
        "agreement",
        "agreed_without_agreement",
        WARNING,
        STEP_AGREEMENT,
        lambda f, m: (
            f.status in COMMITTED_STATUSES and YES not in (f.agreement_read, f.agreement_signed)
        ),
    ),
    (
        "agreement",
        "read_before_signing",
        ASK,
        STEP_AGREEMENT,
        lambda f, m: not m.committed and f.agreement_read != YES,
    ),
    (
        "agreement",
        "agreement_questions_unasked",
        TODO,
        STEP_AGREEMENT,
        lambda f, m: (
            not m.committed
            and f.agreement_read == YES
            and not f.agreement_questions_written
            and f.agreement_has_questions
        ),
    ),
    (
        "agreement_terms",
        "agreement_unfavourable",
        WARNING,
        STEP_AGREEMENT,
        lambda f, m: bool(f.agreement_unfavourable) and not m.paid,
    ),
    ("cost", "cost_unknown", ASK, STEP_COST, lambda f, m: f.cost_amount is None and not m.paid),
    (
        "includes",
        "inclusions_unknown",
        ASK,
        STEP_COST,
        lambda f, m: not f.includes_known and not m.paid,
    ),
    (
        "insurance",
        "insurance_unknown",
        ASK,
        STEP_COST,
        lambda f, m: f.insurance == UNKNOWN and not m.paid and f.cost_amount != 0,
    ),
    (
        "help",
        "financial_help_unknown",
        ASK,
        STEP_COST,
        lambda f, m: (
            f.financial_help == UNKNOWN
            and f.insurance != "covers"
            and not m.paid
            and f.cost_amount != 0
        ),
    ),
    (
        "call",
        "report_and_call_unknown",
        ASK,
        STEP_COST,
        lambda f, m: f.delivers_call == UNKNOWN and not m.paid,
    ),
    (
        "extra",
        "extra_communication_unknown",
        ASK,
        STEP_COST,
        lambda f, m: f.extra_communication_charge == UNKNOWN and not m.paid,
    ),
    ("local", "no_local_doctor_talk", NOTE, STEP_LOCAL, lambda f, m: f.talks_to_local_doctor == NO),
    (
        "local",
        "local_doctor_unknown",
        ASK,
        STEP_LOCAL,
        lambda f, m: f.talks_to_local_doctor == UNKNOWN and not m.paid,
    ),
    (
        "local",
        "local_doctor_charge_unknown",
        ASK,
        STEP_LOCAL,
        lambda f, m: (
            f.talks_to_local_doctor == YES and not f.local_doctor_charge_known and not m.paid
        ),
    ),
    (
        "records_needed",
        "records_needed_unknown",
        ASK,
        STEP_RECORDS,
        lambda f, m: not f.records_needed_known and not m.sent,
    ),
    (
        "send",
        "send_methods_unknown",
        ASK,
        STEP_RECORDS,
        lambda f, m: not f.send_methods_known and not m.sent,
    ),
)

# Codes shown to the patient: variants of one rule share the code the rest of the app knows.
_PUBLIC_CODE = {
    "doctor_not_named_committed": "doctor_not_named",
    "committed_before_reading_paid": "committed_before_reading",
    "committed_before_reading_signed": "committed_before_reading",
}


def service_flags(facts: ServiceFacts, *, today: date) -> list[Flag]:
    """All flags for one service, most serious first. `today` is passed in so tests are stable."""
    if facts.status in CLOSED_STATUSES:
        return []
    moment = _moment(facts)
    flags: list[Flag] = []
    done: set[str] = set()
    for group, code, severity, step, holds in RULES:
        if group not in done and holds(facts, moment):
            done.add(group)
            flags.append(Flag(_PUBLIC_CODE.get(code, code), severity, REASONS[code], step))
    if facts.missing_records:
        flags.append(
            Flag(
                "records_missing",
                TODO,
                "They asked for records you do not have yet: "
                + ", ".join(facts.missing_records)
                + ". Ask your care team or hospital records office for copies.",
                STEP_RECORDS,
            )
        )
    if facts.status != "report_received":
        flags.extend(_timing_flags(facts, today=today))
    order = {s: i for i, s in enumerate(SEVERITIES)}
    return sorted(flags, key=lambda f: order[f.severity])


def _timing_flags(facts: ServiceFacts, *, today: date) -> list[Flag]:
    expected = expected_report_date(facts, today=today)
    if expected is None:
        return [
            Flag(
                "turnaround_unknown",
                ASK,
                "Ask how many days it takes to get the report once they have your records, and "
                "whether that means business days or calendar days.",
                STEP_REPORT,
            )
        ]
    safe = facts.safe_to_wait_until
    if safe is None:
        return [
            Flag(
                "safe_date_unknown",
                NOTE,
                f"The report is expected by {_fmt(expected)}. Ask your treating doctor how long "
                "treatment can safely wait, so you can check this date against it.",
                STEP_TIMELINE,
            )
        ]
    if expected > safe:
        late = (expected - safe).days
        return [
            Flag(
                "report_after_safe_date",
                WARNING,
                f"The report is expected by {_fmt(expected)}, {count(late, 'day')} after the date your "
                f"doctor said treatment can safely wait until ({_fmt(safe)}). Ask if they can be "
                "faster, or talk with your doctor.",
                STEP_TIMELINE,
            )
        ]
    return []


def worst_severity(flags: list[Flag]) -> str | None:
    """The most serious severity among flags, or None."""
    for severity in SEVERITIES:
        if any(f.severity == severity for f in flags):
            return severity
    return None
