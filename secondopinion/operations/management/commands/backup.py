"""`secondopinion backup --out DIR`: the database and every stored file, with a manifest."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from secondopinion.operations.backup import BackupError, installation_backup
from secondopinion.records.storage_io import human_size


class Command(BaseCommand):
    help = "Back up the whole installation (database and files) into a new folder."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, type=Path, help="A new folder for the backup.")

    def handle(self, *args, out: Path, **options):
        try:
            result = installation_backup(out=out)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Backup written to {result.path}: {result.engine} database and {result.files} "
            f"files, {human_size(result.bytes)} in all."
        )
