"""This app's stage of the journey dashboard: research the reviewing doctor (order 45)."""

from __future__ import annotations

import datetime

from django.urls import reverse

from secondopinion.cases.journey import ATTENTION, DONE, STARTED, TODO, Stage
from secondopinion.doctors.models import DoctorResearch, ResearchStatus


def stages(case, today: datetime.date) -> list[Stage]:
    url = reverse("doctors:list", args=[case.public_id])
    title = "Research the reviewing doctor"
    rows = list(DoctorResearch.objects.filter(case=case).only("doctor_name", "status", "card"))
    if not rows:
        return [
            Stage(
                "doctor",
                title,
                TODO,
                "When a service tells you who would review your case, look up their work on "
                "your cancer.",
                "Look up a doctor",
                url,
                45,
            )
        ]
    done = [r for r in rows if r.status == ResearchStatus.DONE]
    notes = [
        f"Ask about {r.doctor_name}'s experience with your cancer: we found no articles or "
        "trials on it."
        for r in done
        if r.no_evidence_on_cancer
    ]
    if not done:
        return [
            Stage("doctor", title, STARTED, "Looking up the doctor now.", "See progress", url, 45)
        ]
    unfinished = [r.doctor_name for r in done if r.incomplete]
    if unfinished:
        summary = (
            f"Not finished for {', '.join(unfinished)}: a source did not answer. Look again later."
        )
        return [Stage("doctor", title, ATTENTION, summary, "See what we found", url, 45, notes)]
    names = ", ".join(r.doctor_name for r in done)
    return [Stage("doctor", title, DONE, f"Looked up: {names}.", "See the results", url, 45, notes)]
