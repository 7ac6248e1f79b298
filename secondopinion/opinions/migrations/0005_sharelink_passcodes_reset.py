from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('opinions', '0004_opinion_report_kept_original'),
    ]

    operations = [
        migrations.AddField(
            model_name='sharelink',
            name='passcodes_reset_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name='linkevent',
            name='action',
            field=models.CharField(choices=[('open', 'Opened the page'), ('packet', 'Downloaded the packet'), ('file', 'Downloaded a file'), ('report', 'Uploaded a report'), ('passcode_failed', 'Typed a wrong passcode'), ('passcode_paused', 'Too many wrong passcodes: this address must wait')], max_length=20),
        ),
    ]
