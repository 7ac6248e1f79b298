"""Django glue for the per-service checklist: read the vault, call the pure `needs` core."""

from __future__ import annotations

from django.db.models import Count

from secondopinion.providers.models import RECORD_LABELS
from secondopinion.records import needs
from secondopinion.records.models import INSTANCE_VISIBLE, Document, ImagingInstance


def vault_holdings(case) -> tuple[dict[str, int], int]:
    """(documents per type, number of DICOM images) for a case, in two queries."""
    held = dict(
        Document.objects.filter(case=case)
        .values_list("doc_type")
        .annotate(n=Count("id"))
        .values_list("doc_type", "n")
    )
    dicom_images = ImagingInstance.objects.filter(INSTANCE_VISIBLE, case=case).count()
    dicom_images += Document.objects.filter(case=case, kind="dicom").count()
    return held, dicom_images


def service_checklist(service, *, holdings: tuple[dict[str, int], int] | None = None):
    held, dicom_images = holdings or vault_holdings(service.case)
    asked = list(service.records_needed or [])
    if service.records_other.strip() and "other" not in asked:
        asked.append("other")
    return needs.checklist_build(
        asked=asked,
        labels=RECORD_LABELS,
        held_by_type=held,
        dicom_images=dicom_images,
        other_label=service.records_other.strip(),
    )


def missing_for_service(service) -> list[str]:
    """For the providers' red-flag rules: labels of records asked for and not held yet."""
    return needs.missing_labels(service_checklist(service))
