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

from dataclasses import dataclass, field
from datetime import date, timedelta

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


def service_flags(facts: ServiceFacts, *, today: date) -> list[Flag]:
    """All flags for one service, most serious first. `today` is passed in so tests are stable."""
    if facts.status in CLOSED_STATUSES:
        return []
    flags: list[Flag] = []
    committed = (
        facts.status in COMMITTED_STATUSES
        or facts.payment_made == YES
        or facts.agreement_signed == YES
    )
    has_name = bool(facts.doctor_name.strip())

    if facts.doctor_named == NO and not has_name:
        flags.append(
            Flag(
                "doctor_not_named",
                STOP,
                "They will not tell you the name of the doctor who would review your case. "
                "Do not go ahead or pay. You have the right to know who gives your opinion.",
                STEP_DOCTOR,
            )
        )
    elif not has_name and committed:
        flags.append(
            Flag(
                "doctor_not_named",
                STOP,
                "You have gone ahead without the name of the reviewing doctor. "
                "Stop and ask for the name and where they work before anything else.",
                STEP_DOCTOR,
            )
        )
    elif not has_name:
        flags.append(
            Flag(
                "doctor_name_unknown",
                ASK,
                "Ask for the name of the doctor who would review your case, and where they work "
                "now. If they cannot tell you, do not go ahead.",
                STEP_DOCTOR,
            )
        )

    if has_name and facts.doctor_cancer_record == NO:
        # A question, never a verdict: many good doctors publish little or run no trials.
        flags.append(
            Flag(
                "doctor_cancer_experience_unknown",
                ASK,
                "We found no articles or clinical trials on your cancer under this doctor's "
                "name. That does not mean they lack experience. Ask the service about the "
                "doctor's experience with your cancer, such as how many people like you they "
                "see each year.",
                STEP_DOCTOR,
            )
        )

    if facts.written_report == NO:
        flags.append(
            Flag(
                "no_written_report",
                WARNING,
                "They will not send a written report. A credible service sends one: a summary of "
                "your case, how they understand the diagnosis, and what they recommend.",
                STEP_REPORT,
            )
        )
    elif facts.written_report == UNKNOWN:
        flags.append(
            Flag(
                "written_report_unknown",
                ASK,
                "Ask if you will get a written report, and what it will contain.",
                STEP_REPORT,
            )
        )

    if facts.status != "report_received":
        flags.extend(_timing_flags(facts, today=today))

    agreed_or_paid = facts.payment_made == YES or facts.agreement_signed == YES
    if agreed_or_paid and facts.agreement_read != YES:
        what = "paid" if facts.payment_made == YES else "signed the agreement"
        flags.append(
            Flag(
                "committed_before_reading",
                WARNING,
                f"You {what} before reading the agreement in full. Read it now and write down "
                "anything you do not understand, to ask them.",
                STEP_AGREEMENT,
            )
        )

    if facts.cost_amount is None:
        flags.append(
            Flag(
                "cost_unknown",
                ASK,
                "Ask what you would pay yourself, and if insurance or financial help could cover "
                "part of it.",
                STEP_COST,
            )
        )
    if not facts.includes_known:
        flags.append(
            Flag(
                "inclusions_unknown",
                ASK,
                "Ask what the price includes: a written report, calls or video visits, and what "
                "costs extra.",
                STEP_COST,
            )
        )

    if facts.talks_to_local_doctor == NO:
        flags.append(
            Flag(
                "no_local_doctor_talk",
                NOTE,
                "They will not talk with your local doctor. You would need to pass on their "
                "report and questions yourself.",
                STEP_LOCAL,
            )
        )

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
        days = "day" if late == 1 else "days"
        return [
            Flag(
                "report_after_safe_date",
                WARNING,
                f"The report is expected by {_fmt(expected)}, {late} {days} after the date your "
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
