"""The case's dates that do not agree, each explained in plain words (pure, no Django).

One place for every date check: a planned treatment start after the safe-to-wait date, a
service's expected report after it (business days counted as in ``rules``), a share link that
expires before the report is expected plus a margin (the reviewer uploads through it), and a
call booked after the safe date. The caller passes plain dates; nothing is looked up here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from secondopinion.core.words import count

# A reviewer may be a few days late; the link should outlive the expected date by this much.
LINK_MARGIN_DAYS = 7


@dataclass(frozen=True)
class ServiceDates:
    name: str
    expected_report: date | None = None
    call_on: date | None = None


@dataclass(frozen=True)
class LinkDates:
    key: str  # the link's public id, so a page can offer to extend this one
    service_name: str
    expires_on: date
    expected_report: date | None = None


@dataclass(frozen=True)
class Conflict:
    code: str
    message: str
    link_key: str = ""  # set when extending a share link would fix it


def _fmt(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def _late(later: date, earlier: date) -> str:
    days = (later - earlier).days
    return count(days, "day")


def date_conflicts(
    *,
    safe_to_wait_until: date | None,
    treatment_start: date | None,
    services: Sequence[ServiceDates] = (),
    links: Sequence[LinkDates] = (),
    margin_days: int = LINK_MARGIN_DAYS,
) -> list[Conflict]:
    """Every conflict among the case's dates, in the order a patient would fix them."""
    safe = safe_to_wait_until
    found: list[Conflict] = []
    if safe and treatment_start and treatment_start > safe:
        found.append(
            Conflict(
                "treatment_after_safe_date",
                f"The planned start of treatment ({_fmt(treatment_start)}) is "
                f"{_late(treatment_start, safe)} after the date your doctor said treatment can "
                f"safely wait until ({_fmt(safe)}). Check the date with your doctor.",
            )
        )
    for s in services:
        if safe and s.expected_report and s.expected_report > safe:
            found.append(
                Conflict(
                    "report_after_safe_date",
                    f"The report from {s.name} is expected by {_fmt(s.expected_report)}, "
                    f"{_late(s.expected_report, safe)} after your safe-to-wait date "
                    f"({_fmt(safe)}). Ask them if they can be faster, or talk with your doctor.",
                )
            )
        if safe and s.call_on and s.call_on > safe:
            found.append(
                Conflict(
                    "call_after_safe_date",
                    f"Your call with {s.name} on {_fmt(s.call_on)} is "
                    f"{_late(s.call_on, safe)} after your safe-to-wait date ({_fmt(safe)}). "
                    "Ask for an earlier time, or talk with your doctor.",
                )
            )
    for link in links:
        if link.expected_report is None:
            continue
        needed = link.expected_report + timedelta(days=margin_days)
        if link.expires_on < needed:
            found.append(
                Conflict(
                    "link_expires_before_report",
                    f"The share link for {link.service_name} expires on "
                    f"{_fmt(link.expires_on)}, but their report is expected by "
                    f"{_fmt(link.expected_report)}, and the reviewer uploads it through the link. "
                    f"Extend it to at least {_fmt(needed)}.",
                    link_key=link.key,
                )
            )
    return found
