"""The good-job standard: which version was in force on a date, and what a placement fails."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import timezone

from employers.models import JOB_KINDS
from placements.models import GoodJobStandard, Placement

Test = Placement.Test


def standard_in_force(on: date) -> GoodJobStandard | None:
    return GoodJobStandard.objects.filter(effective_from__lte=on).order_by("-effective_from").first()


def failed_tests(
    *,
    standard: GoodJobStandard | None,
    kind: str,
    hourly_wage: Decimal | None,
    hours_per_week: Decimal | None,
    health: bool,
    advancement_path: str,
) -> list[str]:
    """Every test the job fails (empty: a good job). All are listed, so near misses show."""
    if standard is None:
        return [Test.NO_STANDARD]
    failed = []
    if kind not in JOB_KINDS:
        failed.append(Test.KIND)
    if hourly_wage is None or hourly_wage < standard.min_hourly_wage:
        failed.append(Test.WAGE)
    if hours_per_week is None or hours_per_week < standard.min_hours_per_week:
        failed.append(Test.HOURS)
    if standard.health_benefits_required and not health:
        failed.append(Test.HEALTH)
    if standard.advancement_required and not advancement_path.strip():
        failed.append(Test.ADVANCEMENT)
    return [str(t) for t in failed]


def judge(placement: Placement, *, standard: GoodJobStandard | None = None) -> None:
    """Set the judgement (in memory) against ``standard``, or the one in force on the start date."""
    standard = standard if standard is not None else standard_in_force(placement.start_date)
    placement.standard = standard
    placement.failed_tests = failed_tests(
        standard=standard,
        kind=placement.kind,
        hourly_wage=placement.hourly_wage,
        hours_per_week=placement.hours_per_week,
        health=placement.benefit_health,
        advancement_path=placement.advancement_path,
    )
    placement.is_good_job = not placement.failed_tests
    placement.judged_at = timezone.now()
