"""`secondopinion check-integrity [--repair] [--json]`: do stored files and records agree?

Exit status 0 when everything is in place (or was set aside by --repair), 1 when problems remain.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from secondopinion.operations.integrity import (
    DEFAULT_MIN_AGE,
    RepairRefused,
    integrity_check,
    integrity_repair,
)


class Command(BaseCommand):
    help = "Find missing, changed and orphan stored files; --repair moves them to quarantine."

    def add_arguments(self, parser):
        parser.add_argument(
            "--repair",
            action="store_true",
            help="Move bad and orphan files (and records of missing files) to the quarantine folder.",
        )
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")
        parser.add_argument(
            "--quick", action="store_true", help="Only check that files exist (no hashing)."
        )
        parser.add_argument(
            "--min-age-minutes",
            type=float,
            default=DEFAULT_MIN_AGE / 60,
            help="Files newer than this are never called orphans (an upload may be under way). "
            "Use 0 right after a crash, with the app stopped.",
        )

    def handle(self, *args, repair: bool, json: bool, quick: bool, min_age_minutes: float, **o):
        if repair and quick:
            raise CommandError("--repair needs the full check; leave out --quick.")
        report = integrity_check(quick=quick, min_age=min_age_minutes * 60)
        if repair:
            try:
                integrity_repair(report=report)
            except RepairRefused as exc:
                raise CommandError(str(exc)) from None
        if json:
            self.stdout.write(_json_dumps(report.as_dict()))
        else:
            self.stdout.write(report.summary())
            for problem in report.problems:
                self.stdout.write("  " + problem.line())
            if report.recent:
                self.stdout.write(
                    f"{len(report.recent)} recent files without a record were left alone "
                    "(they may belong to an upload under way)."
                )
            if report.quarantine:
                self.stdout.write(f"What was set aside, and a report, is in {report.quarantine}")
        if report.unrepaired:
            raise SystemExit(1)


def _json_dumps(data: dict) -> str:
    return json.dumps(data, indent=2)
