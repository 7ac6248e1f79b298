"""Phone numbers from the December 2026 directory: new columns, then the bundled file loaded again
(only Center rows change; services keep their link)."""

from django.db import migrations, models


def reload_bundled(apps, schema_editor):
    from secondopinion.centers.directory import BUNDLED_CSV, directory_read
    from secondopinion.centers.loading import directory_replace

    directory_replace(centers=directory_read(BUNDLED_CSV), model=apps.get_model("centers", "Center"))


class Migration(migrations.Migration):
    dependencies = [("centers", "0002_load_bundled_directory")]

    operations = [
        migrations.AddField(
            model_name="center",
            name="phone",
            field=models.CharField(blank=True, max_length=20),
        ),
        migrations.AddField(
            model_name="center",
            name="phone_source",
            field=models.CharField(blank=True, max_length=500),
        ),
        migrations.AddField(
            model_name="center",
            name="second_opinion_phone",
            field=models.CharField(blank=True, max_length=20),
        ),
        migrations.RunPython(reload_bundled, migrations.RunPython.noop),
    ]
