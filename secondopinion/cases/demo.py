"""A clearly fictional demo account and case, so a newcomer can look around in a minute."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from secondopinion.accounts.models import User
from secondopinion.cases.models import Case

DEMO_EMAIL = "demo@example.org"
DEMO_PASSWORD = "demo-password-not-secret"  # noqa: S105 - a public demo account, stated in README


@transaction.atomic
def demo_create() -> tuple:
    user = User.objects.filter(email=DEMO_EMAIL).first()
    if user is None:
        user = User.objects.create_user(
            DEMO_EMAIL, DEMO_PASSWORD, display_name="Demo visitor", is_demo=True
        )
    today = timezone.localdate()
    case, _ = Case.objects.update_or_create(
        owner=user,
        patient_name="Alex Example (fictional demo patient)",
        defaults={
            "cancer_type": "breast",
            "diagnosis_date": today - datetime.timedelta(days=9),
            "stage_told": "Stage 2",
            "doctor_name": "Jordan Sample",
            "doctor_institution": "Example Community Hospital (fictional)",
            "first_plan": "Surgery (lumpectomy), then radiation, then hormone therapy.",
            "first_plan_date": today - datetime.timedelta(days=5),
            "first_plan_urgency": "soon",
            "asked_doctor": "answered",
            "doctor_answer": "can_wait",
            "safe_to_wait_until": today + datetime.timedelta(days=28),
            "planned_treatment_start": today + datetime.timedelta(days=35),
            "treatment_goals": "Be cured if that is possible.",
            "quality_of_life_goals": "Keep teaching part-time and be at my daughter's wedding.",
        },
    )
    return user, case
