from django.db import migrations

WORKING_GROUPS = [
    (
        "emerging-tech-talent",
        "Emerging Tech Talent",
        "Bring new people into tech careers: outreach, training pathways and first jobs.",
    ),
    (
        "tech-skills-gap",
        "Tech Skills Gap",
        "Match training to the skills employers need now and will need next.",
    ),
    (
        "small-business-capacity-development",
        "Small Business Capacity Development",
        "Help small businesses hire, train and keep tech talent.",
    ),
    (
        "inclusive-tech-talent-pipeline",
        "Inclusive Tech Talent Pipeline",
        "Open the pipeline to Miami's underrepresented communities, from outreach to placement.",
    ),
]


def add_groups(apps, schema_editor):
    WorkingGroup = apps.get_model("coalition", "WorkingGroup")
    for slug, name, description in WORKING_GROUPS:
        WorkingGroup.objects.update_or_create(slug=slug, defaults={"name": name, "description": description})


def remove_groups(apps, schema_editor):
    WorkingGroup = apps.get_model("coalition", "WorkingGroup")
    WorkingGroup.objects.filter(slug__in=[slug for slug, _name, _description in WORKING_GROUPS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("coalition", "0001_partners_groups_meetings"),
    ]

    operations = [
        migrations.RunPython(add_groups, remove_groups),
    ]
