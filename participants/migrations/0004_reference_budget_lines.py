"""Reference data: the grant's budget lines that wraparound support is charged to."""

from django.db import migrations

BUDGET_LINES = [
    ("transportation", "Supportive services: transportation"),
    ("childcare", "Supportive services: childcare"),
    ("technology", "Supportive services: technology"),
    ("pre-training", "Supportive services: pre-training"),
    ("other-support", "Supportive services: other"),
]


def add_budget_lines(apps, schema_editor):
    BudgetLine = apps.get_model("participants", "BudgetLine")
    for code, name in BUDGET_LINES:
        BudgetLine.objects.update_or_create(code=code, defaults={"name": name})


def remove_budget_lines(apps, schema_editor):
    BudgetLine = apps.get_model("participants", "BudgetLine")
    BudgetLine.objects.filter(code__in=[code for code, _ in BUDGET_LINES], supportitem__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("participants", "0003_intake_casenotes_support")]
    operations = [migrations.RunPython(add_budget_lines, remove_budget_lines)]
