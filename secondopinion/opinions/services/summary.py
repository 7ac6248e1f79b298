"""What a packet and its letters say about the case: the diagnosis, the goals, the confirmed
pathology facts, what the patient's portal records say, and the one-page case summary. A
service: reads rows, returns plain data."""

from __future__ import annotations

from django.utils import timezone

from secondopinion.core.words import doctor_name
from secondopinion.opinions import pdfs
from secondopinion.pathology.facts import case_summary
from secondopinion.records import portal_history


def case_goals(case) -> list[str]:
    goals = [
        case.treatment_goals,
        case.quality_of_life_goals,
        case.goal_work,
        case.goal_family,
        case.goal_side_effects,
        case.goal_travel,
    ]
    return [g.strip() for g in goals if g and g.strip()]


def case_diagnosis(case) -> str:
    label = case.cancer_label if case.cancer_type else ""
    # Upper-case the first letter only: str.capitalize() would turn "(AML)" into "(aml)".
    text = label[:1].upper() + label[1:]
    if case.stage_told:
        stage = case.stage_told.strip()
        if not stage.lower().startswith("stage"):
            stage = f"stage {stage}"
        text += f", {stage} (as told by the doctor)"
    if case.diagnosis_date:
        text += f", diagnosed {case.diagnosis_date:%B %-d, %Y}"
    return text


def pathology_facts(case) -> list[tuple[str, str]]:
    """Facts the patient confirmed in their pathology reports (the pathology app's summary)."""
    rows = []
    for row in case_summary(case):
        if row.values:
            text = " / ".join(v.display for v in row.values)
            rows.append((row.label, text + (" (the reports differ)" if row.disagrees else "")))
    return rows


def portal_records(case) -> pdfs.PortalRecords:
    """What the portal imports the patient accepted say: cancer diagnoses, stage and markers,
    treatments given, each line naming its source file."""
    return pdfs.PortalRecords(
        diagnoses=[e.described for e in portal_history.cancer_diagnoses(case)],
        stage_markers=[e.described for e in portal_history.stage_and_markers(case)],
        treatments=[e.described for e in portal_history.treatments_given(case)],
    )


def case_identity(case) -> pdfs.Identity:
    """The patient's identity and the local doctor's contact, as typed on the case."""
    return pdfs.Identity(
        legal_name=case.full_name,
        birth_date=case.date_of_birth,
        phone=case.patient_phone.strip(),
        address=case.patient_address.strip(),
        email=case.owner.email,
        doctor=doctor_name(case.doctor_name),
        practice=case.doctor_institution.strip(),
        doctor_phone=case.doctor_phone.strip(),
        doctor_fax=case.doctor_fax.strip(),
        doctor_email=case.doctor_email.strip(),
    )


def case_summary_data(case) -> pdfs.CaseSummary:
    first = ", ".join(x for x in (doctor_name(case.doctor_name), case.doctor_institution) if x)
    if case.first_plan_date:
        first += f", {case.first_plan_date:%B %-d, %Y}"
    timeline = []
    if case.diagnosis_date:
        timeline.append((case.diagnosis_date, "Diagnosis"))
    if case.first_plan_date:
        timeline.append((case.first_plan_date, "First treatment plan"))
    timeline.extend(
        (service.records_sent_on, f"Records sent to {service.name}")
        for service in case.services.exclude(records_sent_on=None)
    )
    if case.planned_treatment_start:
        timeline.append((case.planned_treatment_start, "Planned start of treatment"))
    return pdfs.CaseSummary(
        patient_name=case.full_name,
        diagnosis=case_diagnosis(case),
        birth_date=case.date_of_birth,
        pathology_facts=pathology_facts(case),
        first_opinion=first,
        first_plan=case.first_plan,
        timeline=timeline,
        safe_to_wait=case.safe_to_wait_until,
        written_on=timezone.localdate(),
        identity=case_identity(case),
        portal=portal_records(case),
    )
