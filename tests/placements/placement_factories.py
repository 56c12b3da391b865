"""Builders for the placement tests: placements through the real service, the default standard."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from placements import services as placement_services
from placements.models import GoodJobStandard, Placement
from tests import factories

# The default standard (migration 0003, documented in the README).
DEFAULT_FROM = date(2022, 1, 1)
DEFAULT_WAGE = Decimal("20.00")
DEFAULT_HOURS = 35
START = date(2024, 3, 1)

# Exactly at every threshold of the default standard: a good job, just.
GOOD_JOB = {
    "kind": "full_time",
    "title": "Junior Developer",
    "hourly_wage": DEFAULT_WAGE,
    "hours_per_week": Decimal(DEFAULT_HOURS),
    "benefit_health": True,
    "advancement_path": "Developer II after a year, with a raise.",
}


def default_standard() -> GoodJobStandard:
    """The migration's default version (re-created if a transactional test flushed it)."""
    return GoodJobStandard.objects.get_or_create(
        effective_from=DEFAULT_FROM,
        defaults={
            "min_hourly_wage": DEFAULT_WAGE,
            "min_hours_per_week": DEFAULT_HOURS,
            "health_benefits_required": True,
            "advancement_required": True,
            "source": "Default at the portal's launch.",
        },
    )[0]


def person(organization=None, **user_fields):
    """A participant record (intake done) of ``organization``."""
    return factories.participant_record(factories.participant_user(**user_fields), organization=organization)


def placement_judged(
    *,
    participant=None,
    employer=None,
    start_date: date = START,
    source: str = "navigator",
    by=None,
    **overrides,
) -> Placement:
    """A placement saved (judged, checks scheduled) by ``services.placement_save``; by default a
    full-time job exactly at every threshold of the default standard."""
    default_standard()
    fields = {**GOOD_JOB, **overrides}
    kind = fields.pop("kind")
    return placement_services.placement_save(
        participant=participant or person(),
        employer=employer or factories.EmployerFactory(),
        kind=kind,
        start_date=start_date,
        source=source,
        by=by,
        **fields,
    )
