import os

from django.conf import settings
from django.db import migrations


def create_default(apps, schema_editor):
    BusinessCalendar = apps.get_model("calendars", "BusinessCalendar")
    if BusinessCalendar.objects.filter(is_default=True).exists():
        return
    BusinessCalendar.objects.create(
        name="Agency default",
        timezone=settings.TIME_ZONE,
        hours=os.environ.get("AGENCYDESK_WORKING_HOURS", "mon-fri 09:00-18:00"),
        country=os.environ.get("AGENCYDESK_COUNTRY", "RU"),
        is_default=True,
    )


class Migration(migrations.Migration):
    dependencies = [("calendars", "0001_initial")]
    operations = [migrations.RunPython(create_default, migrations.RunPython.noop)]
