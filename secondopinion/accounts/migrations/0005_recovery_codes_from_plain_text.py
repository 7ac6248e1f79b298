"""Move recovery codes kept in plain text (django-otp's static tokens) to hashes, then delete the
plain ones. The codes people hold keep working. There is no way back: the plain codes are gone."""

import secrets

from django.db import migrations

from secondopinion.accounts.models import RECOVERY_HASH_ITERATIONS, recovery_code_hash


def plain_to_hashed(apps, schema_editor):
    StaticDevice = apps.get_model("otp_static", "StaticDevice")
    RecoveryCodeDevice = apps.get_model("accounts", "RecoveryCodeDevice")
    RecoveryCode = apps.get_model("accounts", "RecoveryCode")
    for plain in StaticDevice.objects.filter(name="recovery"):
        salt = secrets.token_hex(16)
        device = RecoveryCodeDevice.objects.create(
            user_id=plain.user_id,
            name="recovery",
            confirmed=plain.confirmed,
            salt=salt,
            iterations=RECOVERY_HASH_ITERATIONS,
        )
        RecoveryCode.objects.bulk_create(
            RecoveryCode(
                device=device,
                code_hash=recovery_code_hash(token, salt, RECOVERY_HASH_ITERATIONS),
            )
            for token in plain.token_set.values_list("token", flat=True)
        )
        plain.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_recovery_codes_hashed"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(plain_to_hashed, migrations.RunPython.noop)]
