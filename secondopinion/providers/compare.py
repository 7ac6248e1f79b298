"""The side-by-side comparison of a case's services: rows of plain values, best ones marked.

Stop-flagged services get a column of their own at the end, are never marked "best", and carry
the stop reason at the top. Services the patient declined or ruled out are left out and counted.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from secondopinion.core.words import count, plural
from secondopinion.providers import rules
from secondopinion.providers.facts import facts_for_services
from secondopinion.providers.models import Answer, Insurance, Service
from secondopinion.providers.timeline import TimelineItem, timeline_svg

DONT_KNOW = "Don't know yet"


@dataclass
class Column:
    service: Service
    flags: list[rules.Flag]
    expected: datetime.date | None

    @property
    def stopped(self) -> bool:
        return any(f.severity == rules.STOP for f in self.flags)

    @property
    def stop_flags(self) -> list[rules.Flag]:
        return [f for f in self.flags if f.severity == rules.STOP]


@dataclass
class Cell:
    text: str
    best: bool = False
    stopped: bool = False
    service: str = ""  # the column's service name: the cell's label when a phone stacks the table


@dataclass
class Row:
    label: str
    cells: list[Cell] = field(default_factory=list)


@dataclass
class Comparison:
    columns: list[Column]
    rows: list[Row]
    left_out: int

    @property
    def has_stopped(self) -> bool:
        return any(c.stopped for c in self.columns)


def _answer(value: str) -> str:
    words: dict[str, str] = {Answer.YES: "Yes", Answer.NO: "No"}
    return words.get(value, DONT_KNOW)


def _money(service: Service) -> str:
    if service.cost_amount is None:
        return DONT_KNOW
    if service.cost_amount == 0:
        return "Free"
    return f"{service.cost_amount:,.2f} {service.currency}"


def _includes(service: Service) -> str:
    if not service.includes_known:
        return DONT_KNOW
    parts = []
    if service.included_calls is not None:
        calls = service.included_calls
        parts.append(count(calls, "call"))
    if service.includes_video != Answer.UNKNOWN:
        parts.append("video visit" if service.includes_video == Answer.YES else "no video visit")
    if service.includes_notes.strip():
        parts.append(service.includes_notes.strip())
    return "; ".join(parts)


def _doctor(service: Service) -> str:
    if service.doctor_name.strip():
        where = f", {service.doctor_institution}" if service.doctor_institution.strip() else ""
        return service.doctor_name.strip() + where
    if service.doctor_named == Answer.NO:
        return "They will not name the doctor"
    return DONT_KNOW


def _turnaround(service: Service) -> str:
    if service.turnaround_days is None:
        return DONT_KNOW
    kind = "business" if service.turnaround_kind == rules.BUSINESS else "calendar"
    return f"{service.turnaround_days} {kind} {plural(service.turnaround_days, 'day')}"


def _expected(column: Column, safe_until: datetime.date | None) -> str:
    if column.expected is None:
        return DONT_KNOW
    text = f"{column.expected:%B} {column.expected.day}, {column.expected.year}"
    if safe_until is None:
        return text + " (no safe-to-wait date yet)"
    gap = (safe_until - column.expected).days
    if gap >= 0:
        return text + f" ({count(gap, 'day')} before your safe date)"
    return text + f" ({count(-gap, 'day')} AFTER your safe date)"


def _mark(row: Row, columns: Sequence[Column], score: Callable[[Column], float | None]) -> Row:
    """Mark the best cells: highest score among columns that are not stopped. Ties are all
    marked; nothing is marked unless at least two known values differ (no difference to show)."""
    scores = [None if c.stopped else score(c) for c in columns]
    known = [s for s in scores if s is not None]
    if len(set(known)) > 1:
        top = max(known)
        for cell, s in zip(row.cells, scores, strict=True):
            cell.best = s == top
    return row


_YES_SCORE = {Answer.YES: 1.0, Answer.NO: 0.0}


def comparison(
    services: Sequence[Service], *, today: datetime.date, safe_until: datetime.date | None
) -> Comparison:
    open_services = [s for s in services if not s.is_closed]
    columns = []
    for service, facts in zip(open_services, facts_for_services(open_services), strict=True):
        columns.append(
            Column(
                service,
                rules.service_flags(facts, today=today),
                rules.expected_report_date(facts, today=today),
            )
        )
    # Stopped services go last, set apart; otherwise keep the order they were added.
    columns.sort(key=lambda c: c.stopped)

    def row(label: str, text: Callable[[Column], str], score=None) -> Row:
        r = Row(label, [Cell(text(c), stopped=c.stopped, service=c.service.name) for c in columns])
        return _mark(r, columns, score) if score else r

    def answer_row(label: str, attr: str) -> Row:
        return row(
            label,
            lambda c: _answer(getattr(c.service, attr)),
            lambda c: _YES_SCORE.get(getattr(c.service, attr)),
        )

    rows = [
        row("Where things stand", lambda c: c.service.get_status_display()),
        row(
            "You pay",
            lambda c: _money(c.service),
            # Lower is better; only compare amounts in the same currency as the first known one.
            lambda c: -float(c.service.cost_amount) if c.service.cost_amount is not None else None,
        ),
        row("The price includes", lambda c: _includes(c.service)),
        row(
            "Insurance",
            lambda c: c.service.get_insurance_display(),
            lambda c: {Insurance.COVERS: 2.0, Insurance.PARTLY: 1.0, Insurance.NO: 0.0}.get(
                c.service.insurance
            ),
        ),
        answer_row("Financial help", "financial_help"),
        row(
            "Extra charge for later calls",
            lambda c: _answer(c.service.extra_communication_charge),
            lambda c: {Answer.NO: 1.0, Answer.YES: 0.0}.get(c.service.extra_communication_charge),
        ),
        row(
            "Reviewing doctor",
            lambda c: _doctor(c.service),
            lambda c: (
                1.0
                if c.service.doctor_name.strip()
                else (0.0 if c.service.doctor_named == Answer.NO else None)
            ),
        ),
        answer_row("Talks with your local doctor", "talks_to_local_doctor"),
        row("Time to answer", lambda c: _turnaround(c.service)),
        row(
            "Report expected",
            lambda c: _expected(c, safe_until),
            lambda c: -c.expected.toordinal() if c.expected else None,
        ),
        answer_row("Written report", "written_report"),
        answer_row("Call to go over the report", "delivers_call"),
        answer_row("Copy to your local doctor", "delivers_copy_to_local"),
        answer_row("You read the agreement", "agreement_read"),
    ]
    _currency_guard(rows[1], columns)
    return Comparison(columns=columns, rows=rows, left_out=len(services) - len(open_services))


def _currency_guard(row: Row, columns: Sequence[Column]) -> None:
    """Do not call one price "best" against another in a different currency."""
    currencies = {c.service.currency for c in columns if c.service.cost_amount is not None}
    if len(currencies) > 1:
        for cell in row.cells:
            cell.best = False


def timeline_for(
    table: Comparison, *, today: datetime.date, safe_until: datetime.date | None
) -> str:
    items = [TimelineItem(c.service.name, c.expected) for c in table.columns]
    return timeline_svg(today=today, safe_until=safe_until, items=items)
