from django.db import migrations


def seed(apps, schema_editor):
    from agencydesk.messaging.templates_text import DEFAULTS

    MessageTemplate = apps.get_model("messaging", "MessageTemplate")
    for kind, languages in DEFAULTS.items():
        for language, forms in languages.items():
            for address_form, text in forms.items():
                MessageTemplate.objects.get_or_create(
                    kind=kind, language=language, address_form=address_form, defaults={"text": text}
                )


class Migration(migrations.Migration):
    dependencies = [("messaging", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
