"""List the cases with the ids that other commands take (--case ID)."""

from __future__ import annotations

import json as json_module
from typing import Any

from django.core.management.base import BaseCommand

from secondopinion.cases.models import Case


class Command(BaseCommand):
    help = "List the cases on this installation and their ids."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print JSON instead of a table.")

    def handle(self, *args, json: bool = False, **options):  # noqa: A002
        rows: list[dict[str, Any]] = [
            {
                "id": str(case.public_id),
                "patient": case.patient_name,
                "cancer": case.cancer_label,
                "owner": case.owner.email,
                "safe_to_wait_until": case.safe_to_wait_until.isoformat()
                if case.safe_to_wait_until
                else None,
                # Services are what `packet build --service ID` takes.
                "services": [
                    {"id": str(service.public_id), "name": service.name}
                    for service in case.services.all()
                ],
            }
            for case in Case.objects.select_related("owner")
            .prefetch_related("services")
            .order_by("created_at")
        ]
        if json:
            self.stdout.write(json_module.dumps(rows, indent=2))
            return
        if not rows:
            self.stdout.write("No cases yet. Start one in the app, or run: secondopinion demo")
            return
        for row in rows:
            self.stdout.write(
                f"{row['id']}  {row['patient']}  ({row['cancer']})  owner {row['owner']}"
            )
            for service in row["services"]:
                self.stdout.write(f"    service {service['id']}  {service['name']}")
