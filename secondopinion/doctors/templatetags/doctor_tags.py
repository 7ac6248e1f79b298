"""Template tags: the evidence card, usable on any page that shows a doctor or a service.

{% load doctor_tags %}
{% evidence_card research %}                  a DoctorResearch row
{% service_doctor_evidence case service %}    the card for a providers service, or a button
                                               to look the service's doctor up
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from django import template
from django.urls import reverse

from secondopinion.doctors.models import DoctorResearch

register = template.Library()


@register.filter
def iso_datetime(value: str | None) -> datetime | None:
    """The card stores dates as ISO text; templates format them with |date."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


@register.inclusion_tag("doctors/_evidence_card.html")
def evidence_card(research, compact: bool = False) -> dict:
    return {"research": research, "card": research.card or {}, "compact": compact}


def _newest_by_service(context, case) -> dict:
    """All of the case's service-linked research, loaded once per page render.

    A comparison page shows one card per service; this keeps it at two queries (research and
    notes), however many services there are.
    """
    key = ("doctors:by_service", case.pk)
    cached = context.render_context.get(key)
    if cached is None:
        cached = {}
        rows = (
            DoctorResearch.objects.filter(case=case, service_id__isnull=False)
            .order_by("-requested_at")
            .prefetch_related("notes")
        )
        for research in rows:
            research.case = case  # already loaded
            cached.setdefault(research.service_id, research)
        context.render_context[key] = cached
    return cached


@register.inclusion_tag("doctors/_service_evidence.html", takes_context=True)
def service_doctor_evidence(context, case, service, compact: bool = True) -> dict:
    research = _newest_by_service(context, case).get(service.public_id)
    name = (getattr(service, "doctor_name", "") or "").strip()
    start_url = ""
    if name:
        params = {"doctor_name": name, "service": str(service.public_id)}
        affiliation = (getattr(service, "doctor_institution", "") or "").strip()
        if affiliation:
            params["affiliation"] = affiliation
        start_url = reverse("doctors:list", args=[case.public_id]) + "?" + urlencode(params)
    return {
        "research": research,
        "card": (research.card or {}) if research else {},
        "compact": compact,
        "doctor_name": name,
        "start_url": start_url,
        "can_edit": getattr(case, "role", "") in ("owner", "editor"),
    }
