"""A commitment is about a generic subject (and met by a generic event); the kind says the reason.

Existing rows: a commitment with a message is about that message, one with
only a conversation about the conversation's client, any other about its
client (the Telegram connector's own migration points lost-chat commitments
at their chat). ``met_by`` (a message) becomes the generic pair.
"""

import django.db.models.deletion
from django.db import migrations, models

import agencydesk.commitments.kinds


def _type(apps, app_label, model):
    ContentType = apps.get_model("contenttypes", "ContentType")
    return ContentType.objects.get_or_create(app_label=app_label, model=model)[0]


def forwards(apps, schema_editor):
    Commitment = apps.get_model("commitments", "Commitment")
    if "message" not in {f.name for f in Commitment._meta.get_fields()}:
        return  # run again on today's models (the browser tests replay data migrations)
    message = _type(apps, "messaging", "message")
    client = _type(apps, "clients", "client")
    Commitment.objects.filter(message__isnull=False).update(
        subject_type=message, subject_id=models.F("message_id")
    )
    Commitment.objects.filter(message__isnull=True).update(
        subject_type=client, subject_id=models.F("client_id")
    )
    Commitment.objects.filter(met_by__isnull=False).update(
        met_by_type=message, met_by_tmp=models.F("met_by_id")
    )


def backwards(apps, schema_editor):
    Commitment = apps.get_model("commitments", "Commitment")
    message = _type(apps, "messaging", "message")
    Commitment.objects.filter(subject_type=message).update(message_id=models.F("subject_id"))
    Commitment.objects.filter(met_by_type=message).update(met_by_id=models.F("met_by_tmp"))
    Commitment.objects.update(reason_code=models.F("kind"))


class Migration(migrations.Migration):
    dependencies = [
        ("commitments", "0003_kind_telegram_lost"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("messaging", "0006_message_kind_event"),
        ("clients", "0004_bounded_notes_and_safe_links"),
    ]

    operations = [
        migrations.AddField(
            model_name="commitment",
            name="subject_type",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="contenttypes.contenttype",
                verbose_name="about (type)",
            ),
        ),
        migrations.AddField(
            model_name="commitment",
            name="subject_id",
            field=models.PositiveBigIntegerField(null=True, verbose_name="about (id)"),
        ),
        migrations.AddField(
            model_name="commitment",
            name="met_by_type",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="contenttypes.contenttype",
                verbose_name="met by (type)",
            ),
        ),
        migrations.AddField(
            model_name="commitment",
            name="met_by_tmp",
            field=models.PositiveBigIntegerField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="commitment",
            name="reason_code",
            field=models.CharField(blank=True, max_length=40, verbose_name="reason"),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveIndex(model_name="commitment", name="commit_conv_idx"),
        migrations.RemoveField(model_name="commitment", name="conversation"),
        migrations.RemoveField(model_name="commitment", name="message"),
        migrations.RemoveField(model_name="commitment", name="met_by"),
        migrations.RemoveField(model_name="commitment", name="reason_code"),
        migrations.RenameField(model_name="commitment", old_name="met_by_tmp", new_name="met_by_id"),
        migrations.AlterField(
            model_name="commitment",
            name="met_by_id",
            field=models.PositiveBigIntegerField(blank=True, null=True, verbose_name="met by (id)"),
        ),
        migrations.AlterField(
            model_name="commitment",
            name="subject_type",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="contenttypes.contenttype",
                verbose_name="about (type)",
            ),
        ),
        migrations.AlterField(
            model_name="commitment",
            name="subject_id",
            field=models.PositiveBigIntegerField(verbose_name="about (id)"),
        ),
        migrations.AlterField(
            model_name="commitment",
            name="kind",
            field=models.CharField(
                max_length=40,
                validators=[agencydesk.commitments.kinds.validate_kind],
                verbose_name="kind",
            ),
        ),
        migrations.AlterField(
            model_name="breach",
            name="kind",
            field=models.CharField(
                max_length=40,
                validators=[agencydesk.commitments.kinds.validate_kind],
                verbose_name="kind",
            ),
        ),
        migrations.AddIndex(
            model_name="commitment",
            index=models.Index(
                fields=["subject_type", "subject_id", "kind", "state"], name="commit_subject_idx"
            ),
        ),
    ]
