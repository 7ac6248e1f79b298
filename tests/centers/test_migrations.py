"""The data migration itself: a fresh database has the bundled directory."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from secondopinion.centers.models import Center


@pytest.mark.django_db(transaction=True)
def test_it_loads_the_bundled_directory_when_migrating():
    executor = MigrationExecutor(connection)
    # Going back to 0001 also unapplies the apps that depend on centers; the finally puts every
    # app back to its latest migration so later tests find their tables.
    try:
        executor.migrate([("centers", "0001_initial")])
        with connection.cursor() as cursor:  # raw: the tables pointing at centers are gone now
            cursor.execute("DELETE FROM centers_center")
        executor.loader.build_graph()
        executor.migrate([("centers", "0002_load_bundled_directory")])
        assert Center.objects.filter(listed=True).count() == 75
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
