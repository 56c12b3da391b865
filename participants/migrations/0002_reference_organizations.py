"""Reference data: the community organizations whose navigators support participants."""

from django.db import migrations

ORGANIZATIONS = [
    ("oic", "OIC of South Florida", "https://www.oicsfl.org"),
    ("united-way", "United Way Miami", "https://unitedwaymiami.org"),
]


def add_organizations(apps, schema_editor):
    CommunityOrganization = apps.get_model("participants", "CommunityOrganization")
    for code, name, website in ORGANIZATIONS:
        CommunityOrganization.objects.update_or_create(code=code, defaults={"name": name, "website": website})


def remove_organizations(apps, schema_editor):
    CommunityOrganization = apps.get_model("participants", "CommunityOrganization")
    CommunityOrganization.objects.filter(
        code__in=[code for code, _, _ in ORGANIZATIONS], navigators__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("participants", "0001_organizations_navigators")]
    operations = [migrations.RunPython(add_organizations, remove_organizations)]
