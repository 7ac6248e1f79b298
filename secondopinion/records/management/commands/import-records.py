"""secondopinion import-records PATH --case ID [--json]: a patient-portal download into a case."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from secondopinion.cases.models import Case
from secondopinion.core.words import count
from secondopinion.records.portal_import import file_digest, portal_import_run, portal_import_start


class Command(BaseCommand):
    help = (
        "Import records downloaded from a patient portal into a case: a C-CDA XML document, an "
        "IHE XDM ZIP, a FHIR R4 Bundle (JSON), a folder or ZIP of FHIR resources one per file, "
        "or FHIR NDJSON bulk export. Importing the same file again adds nothing."
    )
    requires_system_checks: list[str] = []  # as import-cd: only the records tables are touched

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="A file (XML, JSON, NDJSON or ZIP) or a folder.")
        parser.add_argument("--case", required=True, help="The case id (see: secondopinion cases).")
        parser.add_argument("--json", action="store_true", help="Print what was added as JSON.")
        parser.add_argument(
            "--confirm-patient",
            action="store_true",
            help="Import even though the records name someone other than the case's patient "
            "(only after you have checked that they are this person's records).",
        )

    def handle(self, *args, path: str, case: str, json: bool = False, **options) -> None:  # noqa: A002
        source = Path(path).expanduser()
        if not source.exists():
            raise CommandError(f"Nothing found at {source}.")
        try:
            case_obj = Case.objects.get(public_id=case)
        except (Case.DoesNotExist, ValueError) as exc:
            raise CommandError("No case with that id. List them with: secondopinion cases") from exc
        portal_import = portal_import_start(
            case=case_obj,
            source_name=source.name or str(source),
            sha256=file_digest(source) if source.is_file() else "",
        )
        portal_import = portal_import_run(
            portal_import=portal_import,
            source=source,
            confirm_patient=options.get("confirm_patient", False),
        )
        summary = portal_import.summary or _empty(portal_import.warnings)
        if json:
            self.stdout.write(_dump(summary))
        else:
            self._report(summary)
        if portal_import.status == "check":
            raise CommandError(
                "Nothing was imported: these records may belong to someone else (see the "
                "warnings). If you have checked that they are this person's, run the command "
                "again with --confirm-patient."
            )
        if portal_import.status != "done":
            raise CommandError(portal_import.error)

    def _report(self, summary: dict) -> None:
        for key, label in (
            ("documents", "document"),
            ("conditions", "condition"),
            ("medications", "medicine"),
            ("procedures", "procedure"),
            ("observations", "result"),
        ):
            self.stdout.write(f"Added {count(len(summary[key]), label)}.")
        for document in summary["documents"]:
            self.stdout.write(f"  {document['type']}: {document['title']}")
        for condition in summary["conditions"]:
            if condition["cancer"]:
                self.stdout.write(f"  Cancer diagnosis: {condition['text']}")
        for skipped in summary["skipped"]:
            self.stdout.write(f"Skipped: {skipped}")
        for warning in summary["warnings"]:
            self.stdout.write(self.style.WARNING(f"WARNING: {warning}"))


def _empty(warnings: list[str]) -> dict:
    return {
        "documents": [],
        "conditions": [],
        "medications": [],
        "procedures": [],
        "observations": [],
        "skipped": [],
        "warnings": list(warnings),
    }


def _dump(summary: dict) -> str:
    return json.dumps(summary, indent=2)
