"""`secondopinion plans compare --jsonl IN [--out OUT]` (CONTRACT.md in the plan-pairs data).

One output line per input line, in order; a bad line gives {"id": ..., "error": "..."} and the
batch goes on. Standard out when no --out.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from secondopinion.plans.batch import batch_dumps, batch_lines


class Command(BaseCommand):
    help = "Compare first plans with second opinions, component by component (JSONL batch)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        cmp = sub.add_parser("compare", help="Compare each pair in a JSONL file.")
        cmp.add_argument(
            "--jsonl",
            metavar="IN",
            required=True,
            help='Input: {"id", "cancer", "first_plan", "opinion"} per line',
        )
        cmp.add_argument("--out", metavar="OUT", help="Output file (default: standard out)")

    def handle(self, *args, **options) -> None:
        path = Path(options["jsonl"])
        if not path.is_file():
            raise CommandError(f"Batch input not found: {options['jsonl']}")
        out = options.get("out")
        started = time.perf_counter()
        count = 0
        try:
            target = open(out, "w", encoding="utf-8") if out else None  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"Could not open the output: {exc.strerror}") from exc
        try:
            writer = target or self.stdout
            with path.open(encoding="utf-8", errors="replace") as lines:
                for record in batch_lines(lines):
                    line = batch_dumps(record)
                    if target:
                        target.write(line + "\n")
                    else:
                        writer.write(line)
                    count += 1
        except OSError as exc:
            raise CommandError(f"Could not write the output: {exc.strerror}") from exc
        finally:
            if target:
                target.close()
        if out:
            rate = count / max(time.perf_counter() - started, 1e-9)
            self.stderr.write(f"{count} pairs, {rate:.0f} per second -> {out}")
        sys.stdout.flush()
