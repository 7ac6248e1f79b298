"""Read-side helpers other apps use: the latest research for a service, and its answer for the
red-flag rules (providers/rules.py reads `doctor_cancer_record`)."""

from __future__ import annotations

import uuid

from secondopinion.doctors.models import DoctorResearch, ResearchStatus

YES, NO, UNKNOWN = "yes", "no", "unknown"  # the same words as providers/rules.py


def research_for_service(*, case, service_id: uuid.UUID) -> DoctorResearch | None:
    """The newest lookup of the doctor named for this service, if any."""
    return (
        DoctorResearch.objects.filter(case=case, service_id=service_id)
        .order_by("-requested_at")
        .first()
    )


def doctor_cancer_record(research: DoctorResearch | None) -> str:
    """YES: articles or trials on the patient's cancer were found; NO: both sources answered and
    showed none; UNKNOWN: not looked up, still running, or a source could not be checked."""
    if research is None or research.status != ResearchStatus.DONE or not research.card:
        return UNKNOWN
    card = research.card
    if card.get("no_evidence_on_cancer"):
        return NO
    pub = card.get("pubmed") or {}
    trials = card.get("trials") or {}
    if pub.get("on_cancer") or trials.get("on_cancer"):
        return YES
    return UNKNOWN
