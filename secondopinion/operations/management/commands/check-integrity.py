"""`secondopinion check-integrity [--repair] [--json]`: do stored files and records agree?

Exit status 0 when everything is in place (or was set aside by --repair), 1 when problems remain.

When the app is stopped (nobody holds the app lock of the data folder, on a personal copy), nothing
can be under way, so repair sees to every leftover of a crash at once, whatever its age; the check
holds the lock meanwhile, so the app cannot start under it. While the app runs (and always when
hosted, where web processes and workers live elsewhere) files younger than --min-age-minutes and
jobs with a recent heartbeat are left alone, and the report says so. Repair also empties
quarantine folders older than QUARANTINE_KEEP_DAYS, removes the `.partial` folders of backups that
were cut off, deletes what killed processes left in the data folder's tmp/ (integrity.py, kind
"temporary"), and feeds rq's failed and abandoned runs into the job lifecycle.
"""

from __future__ import annotations

import json
from contextlib import ExitStack
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from secondopinion.core.applock import AppRunning, app_lock
from secondopinion.operations.backup import partial_backups_remove
from secondopinion.operations.integrity import (
    DEFAULT_MIN_AGE,
    IntegrityReport,
    RepairRefused,
    integrity_check,
    integrity_repair,
    quarantine_prune,
    rq_failures_feed,
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
            default=None,
            help="Files newer than this are never called orphans (an upload may be under way). "
            f"Default: {DEFAULT_MIN_AGE // 60} while the app runs, 0 when it is stopped.",
        )

    def handle(self, *args, repair: bool, json: bool, quick: bool, min_age_minutes, **o: Any):
        if repair and quick:
            raise CommandError("--repair needs the full check; leave out --quick.")
        with ExitStack() as stack:
            stopped = not settings.HOSTED and _lock_if_free(stack)
            if min_age_minutes is None:
                min_age = 0.0 if stopped else float(DEFAULT_MIN_AGE)
            else:
                min_age = min_age_minutes * 60
            cleaned: list[str] = []
            if repair:
                rq_failures_feed()  # runs rq saw die are failed before the check looks
            report = integrity_check(
                quick=quick, min_age=min_age, stale_after=0 if stopped else None
            )
            if repair:
                try:
                    integrity_repair(report=report)
                except RepairRefused as exc:
                    raise CommandError(str(exc)) from None
                cleaned = [
                    *(f"old quarantine emptied: {f}" for f in quarantine_prune()),
                    *(f"cut-off backup removed: {f}" for f in partial_backups_remove()),
                ]
        self._print(report, json=json, stopped=stopped, min_age=min_age, cleaned=cleaned)
        if report.unrepaired:
            raise SystemExit(1)

    def _print(
        self, report: IntegrityReport, *, json: bool, stopped: bool, min_age: float, cleaned: list
    ) -> None:
        if json:
            data = {**report.as_dict(), "app_running": not stopped, "cleaned": cleaned}
            self.stdout.write(_json_dumps(data))
            return
        if stopped:
            self.stdout.write("The app is stopped, so every leftover of a crash is looked at now.")
        elif min_age:
            self.stdout.write(
                f"The app may be running, so files younger than {min_age / 60:g} minutes and "
                "background jobs that still show signs of life are left alone. Stop the app to "
                "repair everything at once."
            )
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
        for line in cleaned:
            self.stdout.write(line)


def _lock_if_free(stack: ExitStack) -> bool:
    """Hold the app lock for the rest of the command if nobody holds it; True if taken."""
    try:
        stack.enter_context(app_lock(settings.DATA_DIR))
    except AppRunning:
        return False
    return True


def _json_dumps(data: dict) -> str:
    return json.dumps(data, indent=2)
