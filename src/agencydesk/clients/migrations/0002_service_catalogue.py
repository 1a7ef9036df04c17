from django.db import migrations

# The catalogue every agency starts with; admins add their own in the back office.
SERVICES = [
    ("pr", "PR", "publications"),
    ("smm", "SMM", "posts"),
    ("seo", "SEO", "hours"),
    ("context-ads", "Context advertising", "hours"),
    ("design", "Design", "items"),
    ("monitoring", "Media monitoring", "reports"),
    ("events", "Events", "events"),
    ("media-buying", "Media buying", "hours"),
    ("copywriting", "Copywriting", "items"),
    ("analytics", "Analytics and reports", "reports"),
    ("crisis", "Crisis communications", "hours"),
    ("influencers", "Influencer marketing", "items"),
]


def create_services(apps, schema_editor):
    Service = apps.get_model("clients", "Service")
    for code, name, unit in SERVICES:
        Service.objects.get_or_create(code=code, defaults={"name": name, "default_unit": unit})


class Migration(migrations.Migration):
    dependencies = [("clients", "0001_initial")]
    operations = [migrations.RunPython(create_services, migrations.RunPython.noop)]
