"""`secondopinion status [--json]`: the deep health check, for an operator at the keyboard.

The same checks as `/health/?deep=1` (core.health): database, cache, queue and storage, each with
its time. Exit status 1 when any failed, so it can be used from a script or a timer.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from secondopinion.core.health import health_report

FACT_WORDS = {
    "workers": "workers seen",
    "queued": "queued",
    "failed": "failed jobs",
    "oldest_wait_s": "oldest waiting (s)",
    "mode": "",
}


class Command(BaseCommand):
    help = "Check the database, cache, task queue and storage, each timed (like /health/?deep=1)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="Print the report as JSON."
        )

    def handle(self, *args, as_json: bool = False, **options):
        report = health_report(deep=True)
        if as_json:
            self.stdout.write(json.dumps(report, indent=2))
        else:
            for name, check in report["checks"].items():
                state = "ok" if check["ok"] else "FAILED"
                facts = ", ".join(_fact(k, v) for k, v in check["facts"].items())
                detail = check["reason"] or facts
                self.stdout.write(f"{name:<9} {state:<7} {check['ms']:>8.1f} ms  {detail}".rstrip())
        if report["failed"]:
            raise CommandError(f"Not healthy: {', '.join(report['failed'])} failed.")


def _fact(key: str, value: object) -> str:
    words = FACT_WORDS.get(key, key)
    return f"{words} {value}".strip()
