"""Bot notices become rows of the one outbox: the outbox's columns, every existing notice kept.

Each notice gets its own idempotency key; a notice queued before the upgrade
has never been handed to a worker in the outbox's sense (``enqueued_at``
empty), so the outbox's tick hands it over and it still goes out. One left
``sending`` was timed from ``send_after`` by the old rule: that moment becomes
its claim, so the outbox reconciles it instead of failing it blindly.
"""

import uuid

from django.db import migrations, models
from django.db.models import F


def keys_and_claims(apps, schema_editor):
    TelegramNotice = apps.get_model("telegram", "TelegramNotice")
    for pk in TelegramNotice.objects.filter(idempotency_key__isnull=True).values_list(
        "pk", flat=True
    ):
        TelegramNotice.objects.filter(pk=pk).update(idempotency_key=uuid.uuid4())
    TelegramNotice.objects.filter(state="sending", claimed_at__isnull=True).update(
        claimed_at=F("send_after")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("telegram", "0004_lost_chat_is_the_subject"),
    ]

    operations = [
        migrations.AddField(
            model_name="telegramnotice",
            name="claimed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="sending since"),
        ),
        migrations.AddField(
            model_name="telegramnotice",
            name="enqueued_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="last handed to a worker"
            ),
        ),
        migrations.AddField(
            model_name="telegramnotice",
            name="external_id",
            field=models.CharField(blank=True, max_length=200, verbose_name="id in the channel"),
        ),
        migrations.AddField(
            model_name="telegramnotice",
            name="held_reason",
            field=models.CharField(blank=True, max_length=200, verbose_name="held because"),
        ),
        migrations.AddField(
            model_name="telegramnotice",
            name="idempotency_key",
            field=models.UUIDField(null=True, verbose_name="idempotency key"),
        ),
        migrations.AlterField(
            model_name="telegramnotice",
            name="state",
            field=models.CharField(
                choices=[
                    ("held", "Held for working hours"),
                    ("queued", "Queued"),
                    ("sending", "Sending"),
                    ("sent", "Sent"),
                    ("failed", "Failed"),
                ],
                default="queued",
                max_length=10,
                verbose_name="state",
            ),
        ),
        migrations.RunPython(keys_and_claims, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="telegramnotice",
            name="idempotency_key",
            field=models.UUIDField(default=uuid.uuid4, unique=True, verbose_name="idempotency key"),
        ),
    ]
