"""Test helper: the bundled directory in the database.

The data migration loads it, but transactional tests (the browser tests) flush every table when
they finish, migration data included. Tests that need centers call this first.
"""

from secondopinion.centers.directory import bundled_centers
from secondopinion.centers.loading import directory_replace
from secondopinion.centers.models import Center


def ensure_directory() -> None:
    if not Center.objects.filter(listed=True).exists():
        directory_replace(centers=bundled_centers())
