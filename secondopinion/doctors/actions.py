"""Writes for the doctors app: small functions, keyword-only arguments, no signals."""

from __future__ import annotations

import uuid

from django.db import transaction

from secondopinion.core.jobs import job_enqueue
from secondopinion.doctors.models import DoctorNote, DoctorResearch, ResearchStatus
from secondopinion.doctors.tasks import DOCTOR_RESEARCH


def _enqueue(research: DoctorResearch) -> None:
    job_enqueue(DOCTOR_RESEARCH, research.pk, case_pk=research.case_id)


def research_request(
    *,
    case,
    doctor_name: str,
    affiliation: str = "",
    state: str = "",
    service_id: uuid.UUID | None = None,
) -> DoctorResearch:
    """Start (or restart) a lookup of this doctor for this case.

    The same name for the same case and service reuses its row, so notes and the NPI choice
    are remembered.
    """
    name = " ".join(doctor_name.split())
    with transaction.atomic():
        research = (
            DoctorResearch.objects.filter(
                case=case, service_id=service_id, doctor_name__iexact=name
            )
            .select_for_update()
            .first()
        )
        if research is None:
            research = DoctorResearch(case=case, service_id=service_id, doctor_name=name)
        research.affiliation = affiliation.strip()
        research.state = state.strip().upper()[:2]
        research.cancer_type = case.cancer_type
        research.status = ResearchStatus.QUEUED
        research.step = ""
        research.error = ""
        research.save()
        _enqueue(research)
    return research


def research_refresh(*, research: DoctorResearch) -> DoctorResearch:
    """Look again (saved answers younger than 7 days are reused; older ones are refreshed)."""
    with transaction.atomic():
        research.cancer_type = research.case.cancer_type
        research.status = ResearchStatus.QUEUED
        research.step = ""
        research.save(update_fields=["cancer_type", "status", "step"])
        _enqueue(research)
    return research


def research_choose_npi(*, research: DoctorResearch, npi: str) -> DoctorResearch:
    """Remember which registry entry is this doctor ("" to undo) and rebuild the card."""
    research.chosen_npi = npi
    research.save(update_fields=["chosen_npi"])
    return research_refresh(research=research)


def note_add(*, research: DoctorResearch, kind: str, text: str, source_url: str = "") -> DoctorNote:
    return DoctorNote.objects.create(
        research=research, kind=kind, text=text.strip(), source_url=source_url.strip()
    )


def note_delete(*, note: DoctorNote) -> None:
    note.delete()
