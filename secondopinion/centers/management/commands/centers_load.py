"""Reload the cancer-center directory from a CSV file, all or nothing.

    secondopinion centers_load --file updated.csv
    secondopinion centers_load            # the copy bundled with this version

A file with a missing column or any bad row is refused as a whole, naming each bad line, and the
current directory stays as it was. Nothing a patient entered is touched.
"""

from django.core.management.base import BaseCommand, CommandError

from secondopinion.centers.directory import BUNDLED_CSV, DirectoryError, directory_read
from secondopinion.centers.loading import directory_replace


class Command(BaseCommand):
    help = "Reload the cancer-center directory from a CSV file (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(BUNDLED_CSV), help="CSV file to load")

    def handle(self, *args, **options):
        try:
            centers = directory_read(options["file"])
        except FileNotFoundError as exc:
            raise CommandError(f"No such file: {options['file']}") from exc
        except DirectoryError as exc:
            lines = "\n".join(f"  line {line}: {msg}" for line, msg in exc.problems)
            raise CommandError(
                f"The file was refused; the current directory is unchanged.\n{lines}"
            ) from exc
        summary = directory_replace(centers=centers)
        self.stdout.write(
            f"Directory loaded: {len(centers)} centers ({summary.added} added, "
            f"{summary.updated} updated, {summary.unlisted} no longer listed)."
        )
