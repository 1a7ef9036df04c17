from django.db import migrations

from agencydesk.calendars.defaults import default_calendar_fields


def create_default(apps, schema_editor):
    BusinessCalendar = apps.get_model("calendars", "BusinessCalendar")
    if BusinessCalendar.objects.filter(is_default=True).exists():
        return
    BusinessCalendar.objects.create(is_default=True, **default_calendar_fields())


class Migration(migrations.Migration):
    dependencies = [("calendars", "0001_initial")]
    operations = [migrations.RunPython(create_default, migrations.RunPython.noop)]
