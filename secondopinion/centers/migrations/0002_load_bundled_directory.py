"""Load the directory shipped with the package, so a fresh install can search at once.

Later updates go through `secondopinion centers_load --file new.csv` (validated, all or nothing).
"""

from django.db import migrations


def load(apps, schema_editor):
    from secondopinion.centers.directory import BUNDLED_CSV, directory_read
    from secondopinion.centers.loading import directory_replace

    directory_replace(centers=directory_read(BUNDLED_CSV), model=apps.get_model("centers", "Center"))


class Migration(migrations.Migration):
    dependencies = [("centers", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
