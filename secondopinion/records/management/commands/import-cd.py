"""secondopinion import-cd PATH --case ID [--json]: bring an imaging CD (folder or ZIP) into a case."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from secondopinion.cases.models import Case
from secondopinion.core import words
from secondopinion.core.jobs import job_run_foreground
from secondopinion.core.vault import human_size
from secondopinion.records.imports import disc_import_run, disc_import_start
from secondopinion.records.jobs import CD_IMPORT


class Command(BaseCommand):
    help = (
        "Import an imaging CD into a case: PATH is a folder (a mounted disc or a copy) or a ZIP. "
        "Only DICOM images are kept; viewer programs and other files are skipped and counted."
    )
    # The full system check costs about half a second at every start; `secondopinion check`
    # and the web server run it. This command touches only the records tables.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("path", help="A folder or a ZIP file.")
        parser.add_argument("--case", required=True, help="The case id (see: secondopinion cases).")
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")

    def handle(self, *args, path: str, case: str, json: bool = False, **options):  # noqa: A002
        source = Path(path).expanduser()
        if not source.exists():
            raise CommandError(f"Nothing found at {source}.")
        try:
            case_obj = Case.objects.get(public_id=case)
        except (Case.DoesNotExist, ValueError) as exc:
            raise CommandError("No case with that id. List them with: secondopinion cases") from exc
        disc_import = disc_import_start(case=case_obj, source_name=source.name or str(source))
        progress = None if json else self._progress
        # The same job lifecycle as an import from the web, run here in the foreground: a row
        # with its heartbeat, so an import killed with its terminal is failed by the next sweep
        # (`serve` or a worker starting, check-integrity) and its half-written files removed.
        with job_run_foreground(CD_IMPORT, disc_import.pk) as go:
            if go:
                disc_import_run(disc_import=disc_import, source=source, on_progress=progress)
        disc_import.refresh_from_db()
        result = {
            "import": str(disc_import.public_id),
            "status": disc_import.status,
            "error": disc_import.error,
            **disc_import.summary,
            "warnings": disc_import.warnings,
            "studies_found": [
                {
                    "study_uid": s.study_uid,
                    "date": s.study_date.isoformat() if s.study_date else None,
                    "description": s.description,
                    "modalities": s.modalities,
                    "series": [
                        {
                            "description": se.description,
                            "modality": se.modality,
                            "images": se.image_count,
                            "preview": bool(se.preview_name),
                        }
                        for se in s.series.all()
                    ],
                }
                for s in disc_import.studies.prefetch_related("series")
            ],
        }
        if json:
            self.stdout.write(_json_dump(result))
        else:
            self._report(result)
        if disc_import.status != "done":
            raise CommandError(disc_import.error)

    def _progress(self, done: int, total: int) -> None:
        if sys.stderr.isatty():
            sys.stderr.write(f"\r{human_size(done)} of about {human_size(total)}   ")

    def _report(self, result: dict) -> None:
        if result["status"] != "done":
            return
        self.stdout.write(
            f"Imported {_n(result['studies'], 'study', 'studies')}, "
            f"{_n(result['series'], 'series', 'series')}, {_n(result['images'], 'image')} "
            f"({human_size(result['imported_bytes'])})."
        )
        self.stdout.write(
            f"Skipped {_n(result['skipped_files'], 'other file')} "
            f"({human_size(result['skipped_bytes'])})"
            + (f", {_n(result['duplicates'], 'duplicate image')}" if result["duplicates"] else "")
            + "."
        )
        for study in result["studies_found"]:
            self.stdout.write(
                f"  {study['date'] or 'no date'}  {study['description'] or 'Study'} "
                f"({study['modalities']})"
            )
            for series in study["series"]:
                self.stdout.write(
                    f"      {series['description'] or 'Series'}: {_n(series['images'], 'image')}"
                )
        for problem in result["problems"]:
            self.stdout.write(f"Not imported: {problem['path']}: {problem['reason']}")
        for warning in result["warnings"]:
            self.stdout.write(self.style.WARNING(f"WARNING: {warning}"))


def _n(count: int, one: str, many: str = "") -> str:
    return words.count(count, one, many)


def _json_dump(result: dict) -> str:
    return json.dumps(result, indent=2)
