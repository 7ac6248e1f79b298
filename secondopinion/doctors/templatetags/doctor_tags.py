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

from secondopinion.doctors.evidence import research_for_service

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


@register.inclusion_tag("doctors/_service_evidence.html")
def service_doctor_evidence(case, service, compact: bool = True) -> dict:
    research = research_for_service(case=case, service_id=service.public_id)
    if research is not None:
        research.case = case  # already loaded: saves a query per service on comparison pages
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
