"""`secondopinion restore DIR`: put a backup back. Stop the app (web and worker) first."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from secondopinion.operations.backup import BackupError
from secondopinion.operations.restore import backup_verify, installation_restore


class Command(BaseCommand):
    help = "Replace this installation's database and files with a backup (checked first)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The backup folder.")
        parser.add_argument(
            "--check-only", action="store_true", help="Verify the backup; change nothing."
        )
        parser.add_argument(
            "--key-file", type=Path, help="The backup key (default: BACKUP_KEY_FILE)."
        )

    def handle(self, *args, path: Path, check_only: bool, key_file: Path | None, **options):
        try:
            if check_only:
                manifest = backup_verify(path, key_file=key_file)
                self.stdout.write(
                    f"The backup is complete: {len(manifest['files'])} files and the database "
                    "match their digests."
                )
                return
            manifest = installation_restore(path=path, key_file=key_file)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Restored the {manifest['engine']} database and {len(manifest['files'])} files "
            f"from the backup of {manifest['created']}."
        )
        self.stdout.write(manifest["key_note"])
