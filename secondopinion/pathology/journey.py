"""The pathology stage of the journey dashboard, derived from the facts the patient checked."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.urls import reverse

from secondopinion.cases.journey import ATTENTION, DONE, STARTED, TODO, Stage
from secondopinion.core.words import count
from secondopinion.pathology.facts import case_summary
from secondopinion.pathology.models import ReportFact, Review
from secondopinion.records.models import Document


def stages(case, today: datetime.date) -> list[Stage]:
    url = reverse("pathology:summary", args=[case.public_id])
    title = "Understand your pathology report"
    reports = Document.objects.filter(case=case, doc_type="pathology_report").count()
    if not reports:
        return [
            Stage(
                "pathology",
                title,
                TODO,
                "Add your pathology report to your records; we will pick out the key facts.",
                "Go to the pathology page",
                url,
                order=55,
            )
        ]
    counts = ReportFact.objects.filter(case=case).aggregate(
        total=Count("pk"), open=Count("pk", filter=Q(review=Review.UNREVIEWED))
    )
    if any(row.disagrees for row in case_summary(case)):
        return [
            Stage(
                "pathology",
                title,
                ATTENTION,
                "Two of your reports give different values for the same fact. Ask your doctor.",
                "See the differences",
                url,
                order=55,
            )
        ]
    if counts["total"] and not counts["open"]:
        return [
            Stage(
                "pathology",
                title,
                DONE,
                "You checked every fact we found.",
                "See the summary",
                url,
                order=55,
            )
        ]
    summary = (
        f"{count(counts['open'], 'fact')} to check."
        if counts["total"]
        else "Open your report to read its facts."
    )
    return [Stage("pathology", title, STARTED, summary, "Check the facts", url, order=55)]
