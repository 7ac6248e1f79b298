"""`secondopinion agreement read FILE [--json]`: read a service's agreement (CONTRACT.md shape).

``--json`` prints exactly {"clauses": [...], "missing": [...], "questions": [...]}. A file that
cannot be read (empty, a scan, not English, damaged) gives a plain message and exit status 1.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from secondopinion.agreements.reader import UnreadableAgreement, agreement_read
from secondopinion.agreements.source import TextExtractionError, agreement_text
from secondopinion.agreements.wording import LABELS


class Command(BaseCommand):
    help = "Read a second-opinion service's agreement (.txt, .pdf or a saved web page)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        rd = sub.add_parser("read", help="Find the clauses a patient most needs to understand.")
        rd.add_argument("file", help="The agreement: .txt, .pdf or .html saved from a web page")
        rd.add_argument("--json", action="store_true", help="Print JSON (the stable contract)")

    def handle(self, *args, **options) -> None:
        try:
            result = agreement_read(agreement_text(options["file"]))
        except (TextExtractionError, UnreadableAgreement) as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
            return
        for clause in result.clauses:
            flags = f" [{', '.join(clause.flags)}]" if clause.flags else ""
            self.stdout.write(f"{LABELS[clause.kind]}{flags}: {clause.explanation}")
            self.stdout.write(
                f"    words: {clause.text!r} (characters {clause.start}-{clause.end})"
            )
        if result.missing:
            self.stdout.write("Not addressed: " + ", ".join(LABELS[k] for k in result.missing))
        self.stdout.write("Questions to ask:")
        for question in result.questions:
            self.stdout.write(f"  - {question}")
        self.stdout.write("This reading explains the words; it does not say whether to sign.")
