"""What the patient's portal records say, for the pages that show it beside the rest of the case:
the treatments already given (the history), the cancer diagnoses, and stage and tumor markers.

A service: it reads rows and returns plain data, each entry naming the file it came from. Only
imports that finished count. An import naming someone else writes nothing until the patient
says the records are theirs, and a declined one never does; the filter on the import's status
keeps it that way even for a row left behind by anything else. Values are as the portal states
them: nothing here is merged with what the reports say (the pathology pages compare the two).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet

from secondopinion.records.models import PortalImport, PortalItem

TREATMENT_PROCEDURES = ("surgery", "radiation")


@dataclass(frozen=True)
class PortalEntry:
    """One thing the portal records say, in plain words."""

    name: str  # as the portal names it
    kind: str  # "cancer medicine (hormone therapy)", "surgery"; "" for diagnoses and results
    date: datetime.date | None
    code: str  # "RxNorm 200064", "" when the portal gave none
    value: str  # an observation's value as stated ("T2", "positive"); "" otherwise
    source: str  # the file inside the download, and the download, when they differ

    @property
    def described(self) -> str:
        """The entry on one line, for a letter or a PDF."""
        text = f"{self.kind[:1].upper()}{self.kind[1:]}: {self.name}" if self.kind else self.name
        text += f": {self.value}" if self.value else ""
        if self.date:
            text += f", {self.date:%B} {self.date.day}, {self.date.year}"
        return f"{text} (from {self.source})" if self.source else text


def accepted_items(case) -> QuerySet[PortalItem]:
    """The case's portal items from finished imports: the ones the patient accepted."""
    return PortalItem.objects.filter(
        case=case, portal_import__status=PortalImport.Status.DONE
    ).select_related("portal_import")


def treatments_given(case) -> list[PortalEntry]:
    """Medicines, surgery and radiation the portal records, oldest first (undated last)."""
    items = accepted_items(case).filter(
        kind__in=[PortalItem.Kind.MEDICATION, PortalItem.Kind.PROCEDURE]
    )
    rows = [
        _entry(item, kind=_treatment_kind(item))
        for item in items
        if item.kind == PortalItem.Kind.MEDICATION or item.category in TREATMENT_PROCEDURES
    ]
    return sorted(rows, key=_by_date)


def cancer_diagnoses(case) -> list[PortalEntry]:
    items = accepted_items(case).filter(kind=PortalItem.Kind.CONDITION, cancer=True)
    return sorted((_entry(item, kind="") for item in items), key=_by_date)


def stage_and_markers(case) -> list[PortalEntry]:
    """Staging and tumor marker results, with the portal's own name and value."""
    items = accepted_items(case).filter(kind=PortalItem.Kind.OBSERVATION).exclude(field="")
    return sorted((_entry(item, kind="", value=item.value) for item in items), key=_by_date)


def _treatment_kind(item: PortalItem) -> str:
    if item.kind == PortalItem.Kind.PROCEDURE:
        return item.category_label
    if item.cancer_drug:
        return f"cancer medicine ({item.category_label})" if item.category else "cancer medicine"
    return "medicine"


def _entry(item: PortalItem, *, kind: str, value: str = "") -> PortalEntry:
    return PortalEntry(
        name=item.name,
        kind=kind,
        date=item.date,
        code=f"{item.system} {item.code}".strip() if item.code else "",
        value=value,
        source=_source(item),
    )


def _source(item: PortalItem) -> str:
    download = item.portal_import.source_name if item.portal_import else ""
    inside = item.source_file
    if inside and download and inside != download:
        return f"{inside} in {download}"
    return inside or download


def _by_date(entry: PortalEntry) -> tuple[bool, datetime.date, str]:
    return (entry.date is None, entry.date or datetime.date.min, entry.name.lower())
