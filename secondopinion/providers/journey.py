"""The "find specialists" and "vet services" stages of the journey dashboard, from the services.

One query (the case's services); the rules are pure and cheap, so they run fresh here too.
"""

from __future__ import annotations

import datetime

from django.urls import reverse

from secondopinion.cases.journey import ATTENTION, DONE, STARTED, TODO, Stage
from secondopinion.core.words import count
from secondopinion.providers.facts import facts_for_services
from secondopinion.providers.rules import STOP, WARNING, service_flags

COMMITTED = {"agreed", "records_sent", "waiting", "report_received"}


def stages(case, today: datetime.date) -> list[Stage]:
    services = list(case.services.select_related("case"))
    list_url = reverse("providers:list", args=[case.public_id])
    search_url = reverse("centers:search") + f"?case={case.public_id}"
    if not services:
        find = Stage(
            "find_specialists",
            "Find specialists",
            TODO,
            f"Look for cancer centers and ask if a specialist in {case.cancer_phrase} gives remote "
            "second opinions.",
            "Search cancer centers",
            search_url,
            30,
        )
        vet = Stage(
            "vet_services",
            "Check each service",
            TODO,
            "Once you have a service, we help you ask about cost, the doctor's name, timing and "
            "what you receive.",
            "Add a service",
            list_url,
            40,
        )
        return [find, vet]

    open_services = [s for s in services if s.status not in ("declined", "ruled_out")]
    find = Stage(
        "find_specialists",
        "Find specialists",
        DONE if open_services else STARTED,
        f"You are looking into {count(len(open_services), 'service')}."
        if open_services
        else "Every service so far was declined or ruled out. Look for another one.",
        "Search cancer centers" if not open_services else "See your services",
        search_url if not open_services else list_url,
        30,
    )
    notes: list[str] = []
    serious = False
    settled = False
    for service, facts in zip(open_services, facts_for_services(open_services), strict=True):
        flags = service_flags(facts, today=today)
        for flag in flags:
            if flag.severity in (STOP, WARNING):
                serious = True
                notes.append(f"{service.name}: {flag.severity_label}. {flag.reason}")
        if service.status in COMMITTED and not any(f.severity in (STOP, WARNING) for f in flags):
            settled = True
    compare_url = reverse("providers:compare", args=[case.public_id])
    if serious:
        status, summary = ATTENTION, "Some answers need your attention before you go ahead."
        action, url = "See the warnings", compare_url if len(open_services) > 1 else list_url
    elif settled:
        status, summary = (
            DONE,
            "You chose a service with no warnings. Keep your answers up to date.",
        )
        action, url = "See your services", list_url
    elif open_services:
        status = STARTED
        summary = "Ask each service the questions on its page, then compare them side by side."
        action, url = "Continue checking", list_url
    else:
        status, summary, action, url = (
            TODO,
            "No service to check right now.",
            "See your services",
            list_url,
        )
    return [
        find,
        Stage("vet_services", "Check each service", status, summary, action, url, 40, notes),
    ]
