"""Gather everything the pure rules need about a service, and save a service with its flags.

Other apps plug their inputs in here rather than editing the rules:
- doctors: `doctor_cancer_record` (did the public record show work on the patient's cancer) comes
  from `secondopinion.doctors.evidence`, fetched for all services of a page in one query.
- records: register a function `(service) -> list[str]` in `MISSING_RECORDS_SOURCES` from its
  `AppConfig.ready()`. It returns plain labels of record types the service asked for that the
  case's vault does not hold yet ("Pathology slides or tissue blocks"). Every source is called and
  the labels are merged, in order, without duplicates.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from secondopinion.agreements.wording import KINDS
from secondopinion.core.registry import Registry
from secondopinion.doctors.evidence import doctor_cancer_record
from secondopinion.doctors.models import DoctorNote, DoctorResearch, NoteKind
from secondopinion.providers import rules
from secondopinion.providers.models import Answer, Service

# `(service) -> list[str]` functions; the records app registers its own from ready().
MISSING_RECORDS_SOURCES: Registry[Callable[[Service], list[str]]] = Registry(
    "missing-records sources"
)


def missing_records_for(service: Service) -> tuple[str, ...]:
    # Nothing asked for, nothing missing: skips the vault queries on pages listing many services.
    if not (service.records_needed or service.records_other.strip()):
        return ()
    labels: list[str] = []
    for source in MISSING_RECORDS_SOURCES:
        for label in source(service):
            if label not in labels:
                labels.append(label)
    return tuple(labels)


def doctor_records_for(services: list[Service]) -> dict:
    """service public_id -> YES / NO / UNKNOWN from the doctors app, in one query."""
    case_of = {s.public_id: s.case_id for s in services if s.doctor_name.strip()}
    if not case_of:
        return {}
    newest: dict = {}
    # Scoped to the services' own cases: a lookup stored in another case never answers here.
    rows = DoctorResearch.objects.filter(
        case_id__in=set(case_of.values()), service_id__in=list(case_of)
    ).order_by("-requested_at")
    for research in rows:
        if research.service_id is not None and case_of[research.service_id] == research.case_id:
            newest.setdefault(research.service_id, research)
    return {sid: doctor_cancer_record(research) for sid, research in newest.items()}


def facts_for_services(services: list[Service]) -> list[rules.ServiceFacts]:
    """Facts for several services of one case with a constant number of queries."""
    records = doctor_records_for(services)
    awards = doctor_awards_for(services)
    return [
        service_facts(
            s,
            doctor_cancer_record=records.get(s.public_id, rules.UNKNOWN),
            doctor_awards_noted=s.public_id in awards,
        )
        for s in services
    ]


def doctor_awards_for(services: list[Service]) -> set:
    """Public ids of services whose doctor has an award or honour the patient noted (one query)."""
    case_of = {s.public_id: s.case_id for s in services if s.doctor_name.strip()}
    if not case_of:
        return set()
    rows = DoctorNote.objects.filter(
        kind=NoteKind.AWARD,
        research__case_id__in=set(case_of.values()),
        research__service_id__in=list(case_of),
    ).values_list("research__service_id", "research__case_id")
    return {sid for sid, cid in rows if sid is not None and case_of.get(sid) == cid}


def rules_kinds() -> tuple[str, ...]:
    return KINDS


def reading_flagged(reading: dict, kind: str) -> list[dict]:
    """Clauses of one kind the agreement reader flagged unfavourable, from the stored reading."""
    return [
        c
        for c in (reading or {}).get("clauses", [])
        if c.get("kind") == kind and "unfavourable" in c.get("flags", [])
    ]


def service_facts(
    service: Service,
    *,
    missing_records: tuple[str, ...] | None = None,
    doctor_cancer_record: str | None = None,
    doctor_awards_noted: bool | None = None,
) -> rules.ServiceFacts:
    """The plain data object the rules and the question script read. One place maps model -> facts.

    Inputs from other apps are looked up when not given; pages listing many services pass them in
    (see `facts_for_services`).
    """
    if missing_records is None:
        missing_records = missing_records_for(service)
    if doctor_cancer_record is None:
        doctor_cancer_record = doctor_records_for([service]).get(service.public_id, rules.UNKNOWN)
    if doctor_awards_noted is None:
        doctor_awards_noted = service.public_id in doctor_awards_for([service])
    return rules.ServiceFacts(
        name=service.name,
        status=service.status,
        doctor_name=service.doctor_name,
        doctor_named=service.doctor_named,
        cost_amount=float(service.cost_amount) if service.cost_amount is not None else None,
        includes_known=service.includes_known,
        written_report=service.written_report,
        talks_to_local_doctor=service.talks_to_local_doctor,
        turnaround_days=service.turnaround_days,
        turnaround_kind=service.turnaround_kind,
        records_sent_on=service.records_sent_on,
        safe_to_wait_until=service.case.safe_to_wait_until,
        agreement_read=service.agreement_read,
        agreement_signed=service.agreement_signed,
        payment_made=service.payment_made,
        missing_records=missing_records,
        doctor_cancer_record=doctor_cancer_record,
        doctor_institution=service.doctor_institution,
        doctor_specialty=service.doctor_specialty,
        insurance=service.insurance,
        financial_help=service.financial_help,
        extra_communication_charge=service.extra_communication_charge,
        local_doctor_charge_known=bool(service.local_doctor_charge.strip()),
        records_needed_known=bool(service.records_needed or service.records_other.strip()),
        send_methods_known=bool(service.send_methods or service.send_notes.strip()),
        delivers_call=service.delivers_call,
        delivers_copy_to_local=service.delivers_copy_to_local,
        doctor_institution_given=service.doctor_institution_given,
        doctor_awards_noted=doctor_awards_noted,
        agreement_questions_written=bool(service.agreement_questions.strip()),
        agreement_withholds_name=bool(reading_flagged(service.agreement_reading, "reviewer")),
        agreement_unfavourable=tuple(
            k for k in rules_kinds() if reading_flagged(service.agreement_reading, k)
        ),
        agreement_questions_to_ask=tuple((service.agreement_reading or {}).get("questions", [])),
        agreement_received=(
            Answer.YES
            if Answer.YES in (service.agreement_read, service.agreement_signed)
            else service.agreement_received
        ),
    )


def service_flags_now(service: Service, *, today: datetime.date) -> list[rules.Flag]:
    return rules.service_flags(service_facts(service), today=today)


def service_save(*, service: Service, today: datetime.date) -> list[rules.Flag]:
    """Save a service and run the rules on it; the flags are stored and returned."""
    flags = service_flags_now(service, today=today)
    service.flags_snapshot = [
        {"code": f.code, "severity": f.severity, "reason": f.reason, "guide_step": f.guide_step}
        for f in flags
    ]
    service.worst_flag = rules.worst_severity(flags) or ""
    service.save()
    return flags
