"""Whose scans are these? Names, IDs and birth dates compared loosely. No Django here."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from secondopinion.core.words import count
from secondopinion.records.dicom.headers import PatientIdentity, da_parse
from secondopinion.records.dicom.index import StudyEntry


def _name_tokens(name: str) -> set[str]:
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    for sep in "^,.-_'=":
        text = text.replace(sep, " ")
    return {t for t in text.upper().split() if len(t) > 1}


def names_match(a: str, b: str) -> bool:
    """True when two names plausibly name the same person.

    DICOM writes "DOE^JANE^M", people write "Jane Doe": compare word sets, and accept when the
    smaller set is contained in the larger (middle names and initials come and go).
    """
    ta, tb = _name_tokens(a), _name_tokens(b)
    if not ta or not tb:
        return True  # nothing to compare is not a mismatch
    small, large = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    return small <= large


def _ids_match(a: str, b: str) -> bool:
    if not a.strip() or not b.strip():
        return True
    return a.strip().upper() == b.strip().upper()


def _births_match(a: str, b: str) -> bool:
    da, db = da_parse(a), da_parse(b)
    if da is None or db is None:
        return True
    return da == db


def identity_differences(a: PatientIdentity, b: PatientIdentity) -> list[str]:
    """Which of name, ID and birth date differ (only where both sides state them)."""
    out = []
    if not names_match(a.name, b.name):
        out.append("name")
    if not _ids_match(a.patient_id, b.patient_id):
        out.append("patient ID")
    if not _births_match(a.birth_date, b.birth_date):
        out.append("birth date")
    return out


def _study_label(study: StudyEntry) -> str:
    when = study.date_value()
    # US order, whole month name: "from March 10, 2026".
    bits = [
        study.description or "A study",
        f"from {when:%B} {when.day}, {when.year}" if when else "",
    ]
    return " ".join(b for b in bits if b)


def patient_warnings(
    studies: Iterable[StudyEntry], *, case_patient: PatientIdentity | None = None
) -> list[str]:
    """Loud, plain warnings when studies name different people.

    Two checks: each study against the case's patient (when we know them), and the studies on
    the disc against each other. Fields missing on either side are not counted as differences.
    """
    studies = list(studies)
    warnings: list[str] = []
    if case_patient is not None:
        for study in studies:
            diff = identity_differences(study.patient, case_patient)
            if diff:
                warnings.append(
                    f"Check this study: {_study_label(study)} lists a different "
                    f"{_join(diff)} from the person this case is for "
                    f"(the scan says {study.patient.display_name()}). "
                    "It may belong to someone else. Do not send it until you have checked."
                )
    groups: list[list[StudyEntry]] = []
    for study in studies:
        for group in groups:
            if not identity_differences(group[0].patient, study.patient):
                group.append(study)
                break
        else:
            groups.append([study])
    if len(groups) > 1:
        people = "; ".join(
            f"{_person_label(g[0].patient)} ({count(len(g), 'study', 'studies')})" for g in groups
        )
        warnings.append(
            f"This disc holds scans of {len(groups)} different people: {people}. "
            "A disc should hold only your own scans. Check every study before you send it."
        )
    return warnings


def _person_label(patient: PatientIdentity) -> str:
    label = patient.display_name()
    if patient.patient_id:
        label += f", patient ID {patient.patient_id}"
    return label


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
