"""The `secondopinion` console command: Django's management commands under the product's name."""

import os
import sys

from django.core.management import execute_from_command_line

from secondopinion.core.privacy import use_private_umask


def main(argv: list[str] | None = None) -> None:
    # Files the app writes (database, documents, backups, exports) are for this user only.
    use_private_umask()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "secondopinion.settings")
    execute_from_command_line(["secondopinion", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
