"""Messages the connector recorded before sources existed move into its own id space."""

from django.db import migrations


def forwards(apps, schema_editor):
    Message = apps.get_model("messaging", "Message")
    TelegramChat = apps.get_model("telegram", "TelegramChat")
    for chat_id in TelegramChat.objects.values_list("chat_id", flat=True).iterator():
        Message.objects.filter(
            channel="telegram", source="api", external_id__startswith=f"{chat_id}:"
        ).update(source="telegram")


def backwards(apps, schema_editor):
    apps.get_model("messaging", "Message").objects.filter(source="telegram").update(source="api")


class Migration(migrations.Migration):
    dependencies = [
        ("telegram", "0001_initial"),
        ("messaging", "0004_message_source"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
