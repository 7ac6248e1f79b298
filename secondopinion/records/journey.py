"""The "gather records" stage of the journey dashboard, derived from what the vault holds."""

from __future__ import annotations

import datetime

from django.urls import reverse

from secondopinion.cases.journey import ATTENTION, DONE, STARTED, TODO, Stage
from secondopinion.core.words import count
from secondopinion.providers.models import Service
from secondopinion.records.checklist import service_checklist, vault_holdings
from secondopinion.records.models import DiscImport, Document, ImagingStudy

TITLE = "Gather your records"


def stages(case, today: datetime.date) -> list[Stage]:
    url = reverse("records:index", args=[case.public_id])
    documents = Document.objects.filter(case=case).count()
    studies = ImagingStudy.objects.visible().filter(case=case).count()
    warned = [
        w
        for warnings in DiscImport.objects.filter(case=case, status=DiscImport.Status.DONE)
        .exclude(warnings=[])
        .values_list("warnings", flat=True)
        for w in warnings
    ]
    missing = _missing(case)
    held = f"{count(documents, 'document')} and {count(studies, 'imaging study', 'imaging studies')} in your records."
    if warned:
        return [
            Stage(
                "records",
                TITLE,
                ATTENTION,
                "A scan on a disc you imported may belong to someone else. Please check it.",
                "Check your scans",
                url,
                50,
                notes=warned[:3],
            )
        ]
    if not documents and not studies:
        return [
            Stage(
                "records",
                TITLE,
                TODO,
                "Collect the reports and scans a second-opinion service will need.",
                "Add your records",
                url,
                50,
            )
        ]
    if missing is None:
        return [
            Stage(
                "records",
                TITLE,
                STARTED,
                held + " Note which records each service needs to see what is missing.",
                "See your records",
                url,
                50,
            )
        ]
    if missing:
        return [
            Stage(
                "records",
                TITLE,
                STARTED,
                held + " Still missing: " + ", ".join(missing[:4]) + ".",
                "See what is missing",
                url,
                50,
            )
        ]
    return [
        Stage(
            "records",
            TITLE,
            DONE,
            held + " You have every record the services asked for.",
            "See your records",
            url,
            50,
        )
    ]


def _missing(case) -> list[str] | None:
    """Missing record labels across services, or None when no service has said what it needs."""
    services = [s for s in Service.objects.filter(case=case) if s.records_needed or s.records_other]
    if not services:
        return None
    holdings = vault_holdings(case)
    labels: list[str] = []
    for service in services:
        for item in service_checklist(service, holdings=holdings):
            if item.is_missing and item.label not in labels:
                labels.append(item.label)
    return labels
