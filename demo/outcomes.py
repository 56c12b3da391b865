"""Demo outcome history for `manage.py seed_demo`: a year of snapshots for the grant dashboard.

The demo data's dates already spread over the past year, so rolling up as of past dates gives a
rising history (enrollment statuses are the current ones: see ``outcomes.rollup``).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from outcomes import services as outcome_services
from outcomes.models import OutcomeSnapshot

HISTORY_MONTHS = 12
OLD_SNAPSHOT_DAYS = 300


def _month_starts(today: date, months: int) -> list[date]:
    """The 1st of each of the ``months`` months before today's month, oldest first."""
    starts = []
    year, month = today.year, today.month
    for _ in range(months):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        starts.append(date(year, month, 1))
    return starts[::-1]


def seed() -> bool:
    """Store snapshots for the 1st of each of the past 12 months and today. Idempotent: False (and
    nothing done) when a snapshot older than 300 days is there already."""
    today = timezone.localdate()
    if OutcomeSnapshot.objects.filter(as_of__lt=today - timedelta(days=OLD_SNAPSHOT_DAYS)).exists():
        return False
    for as_of in [*_month_starts(today, HISTORY_MONTHS), today]:
        outcome_services.outcomes_rollup(as_of=as_of)
    return True
