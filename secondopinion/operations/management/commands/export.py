"""`secondopinion export --case ID --out FILE`: one case's records and files in a ZIP."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from secondopinion.cases.models import Case
from secondopinion.operations.export import case_export


class Command(BaseCommand):
    help = "Export one case (every record as JSON, plus the original files) to a ZIP file."

    def add_arguments(self, parser):
        parser.add_argument(
            "--case", required=True, help="The case id (see `secondopinion cases`)."
        )
        parser.add_argument("--out", required=True, type=Path, help="Where to write the ZIP.")

    def handle(self, *args, case: str, out: Path, **options):
        try:
            found = Case.objects.get(public_id=case)
        except (Case.DoesNotExist, ValidationError, ValueError):
            raise CommandError(f"No case has the id {case!r}. See `secondopinion cases`.") from None
        result = case_export(case=found, out=out)
        self.stdout.write(
            f"Wrote {result.path}: {result.records} records and {result.files} files."
        )
        for problem in result.problems:
            self.stderr.write(f"Warning: {problem}")
