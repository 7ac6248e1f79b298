"""`secondopinion pathology extract FILE [--json]` and `... extract --jsonl IN [--out OUT]`.

A stable contract: `--json` prints {"fields": {"pT": {"value", "text", "start", "end",
"status", ...}}}; batch mode writes one line per input line, in order, a bad line giving
{"id": ..., "error": "..."} without stopping.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from secondopinion.core.textfile import TextExtractionError, text_from_file
from secondopinion.ocr import OcrError, ocr_file, scan_like
from secondopinion.pathology import glossary
from secondopinion.pathology.batch import batch_dumps, batch_lines
from secondopinion.pathology.extractor import extract


class Command(BaseCommand):
    help = "Read pathology report facts from a .txt or .pdf file, or from a JSONL batch."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        ex = sub.add_parser("extract", help="Print the facts in one report, or run a batch.")
        ex.add_argument("file", nargs="?", help="A .txt or .pdf pathology report")
        ex.add_argument("--json", action="store_true", help="Print JSON (the stable contract)")
        ex.add_argument("--jsonl", metavar="IN", help='Batch input: {"id", "text"} per line')
        ex.add_argument("--out", metavar="OUT", help="Batch output file (default: standard out)")

    def handle(self, *args, **options) -> None:
        if options["jsonl"]:
            if options["file"]:
                raise CommandError("Give either a FILE or --jsonl IN, not both.")
            self._batch(options["jsonl"], options.get("out"))
            return
        if not options["file"]:
            raise CommandError("Give a FILE to read, or --jsonl IN for a batch.")
        note = None
        try:
            text = text_from_file(options["file"])
        except TextExtractionError as exc:
            # A scan (a PDF without a text layer, or a photo) is read with OCR instead.
            if not scan_like(options["file"], str(exc)):
                raise CommandError(str(exc)) from exc
            text, note = self._ocr(options["file"])
        result = extract(text, scanned=note is not None)
        if options["json"]:
            data = result.as_dict()
            if note is not None:
                data.update(source="ocr", ocr_note=note)
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        if note is not None:
            self.stdout.write("Read from a scan with OCR: please check each fact against the page.")
            if note:
                self.stdout.write(note)
        if not result.fields:
            self.stdout.write("No facts found. Nothing was guessed.")
            return
        for name, fact in result.as_dict()["fields"].items():
            status = "" if fact["status"] == "stated" else f" [{fact['status']}]"
            self.stdout.write(f"{glossary.label(name)}: {fact['value']}{status}")
            self.stdout.write(
                f"    words: {fact['text']!r} (characters {fact['start']}-{fact['end']})"
            )

    def _ocr(self, file: str) -> tuple[str, str]:
        def progress(done: int, total: int) -> None:
            if done:
                self.stderr.write(f"OCR: page {done} of {total} read")

        try:
            result = ocr_file(file, max_pages=settings.OCR_MAX_PAGES, progress=progress)
        except OcrError as exc:
            raise CommandError(str(exc)) from exc
        if not result.readable:
            raise CommandError(result.message)
        return result.text, result.message

    def _batch(self, source: str, out: str | None) -> None:
        path = Path(source)
        if not path.is_file():
            raise CommandError(f"Batch input not found: {source}")
        started = time.perf_counter()
        count = 0
        target = open(out, "w", encoding="utf-8") if out else None  # noqa: SIM115
        try:
            writer = target or sys.stdout
            with path.open(encoding="utf-8", errors="replace") as lines:
                for record in batch_lines(lines):
                    writer.write(batch_dumps(record) + "\n")
                    count += 1
        except OSError as exc:
            raise CommandError(f"Could not write the output: {exc.strerror}") from exc
        finally:
            if target:
                target.close()
        if out:
            rate = count / max(time.perf_counter() - started, 1e-9)
            self.stderr.write(f"{count} reports, {rate:.0f} per second -> {out}")
