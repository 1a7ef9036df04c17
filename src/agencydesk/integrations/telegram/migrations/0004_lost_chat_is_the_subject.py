"""A lost-chat commitment is about its Telegram chat (the ledger's subject became generic)."""

from django.db import migrations


def forwards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Commitment = apps.get_model("commitments", "Commitment")
    TelegramChat = apps.get_model("telegram", "TelegramChat")
    chat_type = ContentType.objects.get_or_create(app_label="telegram", model="telegramchat")[0]
    for chat_pk, lost_pk in TelegramChat.objects.filter(lost__isnull=False).values_list(
        "pk", "lost_id"
    ):
        Commitment.objects.filter(pk=lost_pk).update(subject_type=chat_type, subject_id=chat_pk)


class Migration(migrations.Migration):
    dependencies = [
        ("telegram", "0003_keep_every_update_and_disconnected_chats"),
        ("commitments", "0004_generic_subject"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
