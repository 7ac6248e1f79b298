"""The case's dates as calendar items: safe-to-wait, treatment start, records sent, reports due,
calls, link expiry, opinions received."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from secondopinion.core.words import doctor_name
from secondopinion.opinions import calendar as ics
from secondopinion.opinions.models import Decision, Handoff
from secondopinion.providers.rules import BUSINESS, add_business_days


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
