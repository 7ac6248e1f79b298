"""`secondopinion backup --out DIR | --into ROOT`: the database and every stored file, with a
manifest; encrypted when BACKUP_ENCRYPT is on (hosted), incremental against the previous one."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from secondopinion.core.vault import human_size
from secondopinion.operations.backup import (
    BackupError,
    backup_key_new,
    backups_in,
    backups_prune,
    installation_backup,
)


class Command(BaseCommand):
    help = "Back up the whole installation (database and files) into a new folder."

    def add_arguments(self, parser):
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--out", type=Path, help="A new folder for the backup.")
        where.add_argument(
            "--into",
            type=Path,
            help="A folder of backups: a new one is named by the time, files unchanged since the "
            "newest one there are linked, and only the BACKUP_KEEP newest are kept.",
        )
        where.add_argument(
            "--new-key", type=Path, metavar="FILE", help="Make a new backup key in FILE, and stop."
        )
        parser.add_argument(
            "--since", type=Path, help="With --out: link files unchanged since this backup."
        )
        parser.add_argument(
            "--full", action="store_true", help="With --into: read every file again."
        )

    def handle(self, *args, out, into, new_key, since, full, **options):
        try:
            if new_key:
                path = backup_key_new(new_key)
                self.stdout.write(
                    f"A new backup key is in {path} (readable by you only). Keep a copy somewhere "
                    "safe, away from the backups: without it they cannot be restored."
                )
                return
            if into:
                found = backups_in(into)
                previous = None if full or not found else found[-1]
                out = _new_name(into)
            else:
                previous = since
            result = installation_backup(out=out, previous=previous)
            removed = backups_prune(into, keep=settings.BACKUP_KEEP) if into else []
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        how = "encrypted" if result.encrypted else "not encrypted"
        self.stdout.write(
            f"Backup written to {result.path} ({how}): {result.engine} database and "
            f"{result.files} files, {human_size(result.bytes)} in all; {result.reused} files "
            "unchanged since the previous backup were linked, not read again."
        )
        for path in removed:
            self.stdout.write(
                f"Removed the old backup {path} (BACKUP_KEEP={settings.BACKUP_KEEP})."
            )


def _new_name(root: Path) -> Path:
    """ROOT/2026-12-01T031500Z, with -2, -3... when two backups start in the same second."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H%M%SZ")
    candidate, n = root / stamp, 1
    while candidate.exists() or (root / f".{candidate.name}.partial").exists():
        n += 1
        candidate = root / f"{stamp}-{n}"
    return candidate
