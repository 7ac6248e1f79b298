"""Django glue for the per-service checklist: read the vault, call the pure `needs` core."""

from __future__ import annotations

from django.db.models import Count

from secondopinion.providers.models import RECORD_LABELS
from secondopinion.records import needs
from secondopinion.records.models import Document, ImagingStudy


def vault_holdings(case) -> tuple[dict[str, int], int]:
    """(documents per type, number of imaging studies) for a case, in three queries.

    A CD of one CT scan holds hundreds of images but is one study, and a reviewer asks for
    studies; DICOM files uploaded one by one, outside any CD, count as one study together."""
    held = dict(
        Document.objects.filter(case=case)
        .values_list("doc_type")
        .annotate(n=Count("id"))
        .values_list("doc_type", "n")
    )
    studies = ImagingStudy.objects.visible().filter(case=case).count()
    if not studies and Document.objects.filter(case=case, kind="dicom").exists():
        studies = 1
    return held, studies


def service_checklist(service, *, holdings: tuple[dict[str, int], int] | None = None):
    held, studies = holdings or vault_holdings(service.case)
    asked = list(service.records_needed or [])
    if service.records_other.strip() and "other" not in asked:
        asked.append("other")
    return needs.checklist_build(
        asked=asked,
        labels=RECORD_LABELS,
        held_by_type=held,
        imaging_studies=studies,
        other_label=service.records_other.strip(),
    )


def missing_for_service(service) -> list[str]:
    """For the providers' red-flag rules: labels of records asked for and not held yet."""
    return needs.missing_labels(service_checklist(service))
