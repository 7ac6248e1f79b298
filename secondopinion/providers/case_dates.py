"""The case's date conflicts from the database (thin glue around ``providers.dates``)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from secondopinion.providers.dates import (
    LINK_MARGIN_DAYS,
    Conflict,
    LinkDates,
    ServiceDates,
    date_conflicts,
)
from secondopinion.providers.facts import service_facts
from secondopinion.providers.rules import CLOSED_STATUSES, expected_report_date


def case_date_conflicts(case, *, today: datetime.date) -> list[Conflict]:
    services = [s for s in case.services.all() if s.status not in CLOSED_STATUSES]
    expected = {}
    for s in services:
        # Only the dates are needed; the vault and research lookups are skipped.
        facts = service_facts(
            s, missing_records=(), doctor_cancer_record="unknown", doctor_awards_noted=False
        )
        if s.status != "report_received":
            expected[s.pk] = expected_report_date(facts, today=today)
    rows = [
        ServiceDates(
            s.name,
            expected.get(s.pk),
            timezone.localtime(s.call_at).date() if s.call_at else None,
        )
        for s in services
    ]
    links = [
        LinkDates(
            str(link.public_id),
            link.service.name,
            timezone.localtime(link.expires_at).date(),
            expected[link.service_id],
        )
        for link in case.share_links.select_related("service")
        if link.revoked_at is None and link.service_id and link.service_id in expected
    ]
    return date_conflicts(
        safe_to_wait_until=case.safe_to_wait_until,
        treatment_start=case.planned_treatment_start,
        services=rows,
        links=links,
    )


def link_expiry_needed(link, *, today: datetime.date) -> datetime.datetime:
    """The end of the day the link must last to: expected report plus the margin."""
    facts = service_facts(
        link.service, missing_records=(), doctor_cancer_record="unknown", doctor_awards_noted=False
    )
    expected = expected_report_date(facts, today=today) or today
    last = expected + datetime.timedelta(days=LINK_MARGIN_DAYS)
    end = datetime.datetime.combine(
        last, datetime.time(23, 59), tzinfo=timezone.get_current_timezone()
    )
    return max(end, link.expires_at)
