"""The first good-job standard, so every database can judge placements from the start.

Grant staff record later versions in the portal; this one is never rewritten.
"""

import datetime
from decimal import Decimal

from django.db import migrations

SOURCE = (
    "Default at the portal's launch, to be confirmed by grant staff. Wage: $20.00 an hour as the "
    "local wage level; check it against the latest BLS Occupational Employment and Wage Statistics "
    "median hourly wage for the Miami-Fort Lauderdale-West Palm Beach metropolitan area and record "
    "a new version when it moves. Hours: 35 a week, the BLS definition of full-time work. Health "
    "benefits and a path to advance: the Good Jobs Challenge's definition of a good job (pay above "
    "the local wage, basic benefits, a path to advance)."
)


def add_default(apps, schema_editor):
    GoodJobStandard = apps.get_model("employers", "GoodJobStandard")
    GoodJobStandard.objects.get_or_create(
        effective_from=datetime.date(2022, 1, 1),
        defaults={
            "min_hourly_wage": Decimal("20.00"),
            "min_hours_per_week": 35,
            "health_benefits_required": True,
            "advancement_required": True,
            "source": SOURCE,
        },
    )


def remove_default(apps, schema_editor):
    GoodJobStandard = apps.get_model("employers", "GoodJobStandard")
    GoodJobStandard.objects.filter(effective_from=datetime.date(2022, 1, 1), placements__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("employers", "0002_opportunities_applications_placements")]
    operations = [migrations.RunPython(add_default, remove_default)]
