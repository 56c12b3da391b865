"""Reference data: the coalition's training providers, present in every database after migrate."""

from django.db import migrations

PROVIDERS = [
    ("brainstation", "BrainStation", "https://brainstation.io"),
    ("4geeks", "4Geeks Academy", "https://4geeksacademy.com"),
    ("mdc", "Miami Dade College", "https://www.mdc.edu"),
    ("fiu", "Florida International University", "https://www.fiu.edu"),
    ("fmu", "Florida Memorial University", "https://www.fmuniv.edu"),
]


def add_providers(apps, schema_editor):
    Provider = apps.get_model("programs", "Provider")
    for code, name, website in PROVIDERS:
        Provider.objects.update_or_create(code=code, defaults={"name": name, "website": website})


def remove_providers(apps, schema_editor):
    Provider = apps.get_model("programs", "Provider")
    Provider.objects.filter(code__in=[code for code, _, _ in PROVIDERS], staff__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_providers")]
    operations = [migrations.RunPython(add_providers, remove_providers)]
