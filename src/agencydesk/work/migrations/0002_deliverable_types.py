from django.db import migrations

from agencydesk.work.catalogue import TYPES


def seed(apps, schema_editor):
    DeliverableType = apps.get_model("work", "DeliverableType")
    for row in TYPES:
        DeliverableType.objects.get_or_create(code=row["code"], defaults={k: v for k, v in row.items() if k != "code"})


class Migration(migrations.Migration):
    dependencies = [("work", "0001_deliverables")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
