"""The grant's outcome figures, computed from the database (reads only; the roll-up stores them).

Every count is of distinct participants unless its name says otherwise, each one SQL aggregate
(``Count("participant", distinct=True)``); nothing loops over rows in Python. The one exception
is the median wage: the ordered list of job placements' wages is fetched (one column) and the
middle taken here, which is portable between PostgreSQL and SQLite. It is one Decimal per job
placement, a few thousand at most for this grant.

``as_of``: facts that carry a date after it are left out (placements starting later, credentials
awarded later, support given later). Enrollment statuses are the current ones: their history is
not replayed, so a snapshot for a past date is only approximate for the enrollment counts.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum

from employers.models import INTERNSHIP_KINDS, JOB_KINDS, Kind, Placement, RetentionCheck
from participants.models import SupportItem
from programs.models import Credential, Enrollment, Provider

CENT = Decimal("0.01")
RETENTION_DAYS = 180


def _participants(queryset) -> int:
    return queryset.aggregate(n=Count("participant", distinct=True))["n"]


def _money(value: Decimal | None) -> str:
    return str((value or Decimal(0)).quantize(CENT))


def median_wage(wages: list[Decimal]) -> Decimal | None:
    """The median of ``wages`` (sorted): the middle one, or the mean of the two middle ones, to the cent."""
    if not wages:
        return None
    middle = len(wages) // 2
    if len(wages) % 2:
        return wages[middle].quantize(CENT)
    return ((wages[middle - 1] + wages[middle]) / 2).quantize(CENT)


def _by_provider(as_of: date) -> dict[str, dict[str, int]]:
    """Per provider (every provider, zeros included, so the shape never changes): people enrolled
    and trained there, and of those enrolled there, people placed in a good job. Someone trained by
    two providers counts for each, so the per-provider figures may add up to more than the totals."""
    enrollment = "programs__cohorts__enrollments"
    person = f"{enrollment}__participant"
    in_training = Q(**{f"{enrollment}__status__in": Enrollment.ENROLLED_STATUSES})
    rows = Provider.objects.annotate(
        n_enrolled=Count(person, filter=in_training, distinct=True),
        n_trained=Count(
            person, filter=Q(**{f"{enrollment}__status": Enrollment.Status.COMPLETED}), distinct=True
        ),
        n_placed=Count(
            person,
            filter=in_training
            & Q(
                **{
                    f"{person}__placements__is_good_job": True,
                    f"{person}__placements__start_date__lte": as_of,
                }
            ),
            distinct=True,
        ),
    ).values_list("code", "n_enrolled", "n_trained", "n_placed")
    return {
        code: {"enrolled": enrolled, "trained": trained, "placed_good_jobs": placed}
        for code, enrolled, trained, placed in rows
    }


def outcomes_compute(as_of: date, *, targets: dict | None = None, grant_end_date: date | None = None) -> dict:
    """The figures as of ``as_of``, as JSON-ready values (see the README, "Outcomes")."""
    Status = Enrollment.Status
    enrollments = Enrollment.objects.all()
    placements = Placement.objects.filter(start_date__lte=as_of)
    jobs = placements.filter(kind__in=JOB_KINDS)
    wages = list(
        jobs.filter(hourly_wage__isnull=False).order_by("hourly_wage").values_list("hourly_wage", flat=True)
    )
    median = median_wage(wages)
    supports = SupportItem.objects.filter(state=SupportItem.State.APPROVED, given_on__lte=as_of).aggregate(
        people=Count("participant", distinct=True), items=Count("pk"), amount=Sum("amount")
    )
    retained = RetentionCheck.objects.filter(
        days=RETENTION_DAYS,
        outcome=RetentionCheck.Outcome.EMPLOYED,
        placement__start_date__lte=as_of,
    ).aggregate(n=Count("placement__participant", distinct=True))["n"]
    return {
        "as_of": as_of.isoformat(),
        "targets": dict(targets or {"trained": 1000, "placed_good_jobs": 500}),
        "grant_end_date": grant_end_date.isoformat() if grant_end_date else None,
        "enrolled": _participants(enrollments.filter(status__in=Enrollment.ENROLLED_STATUSES)),
        "active": _participants(enrollments.filter(status__in=(Status.ENROLLED, Status.ACTIVE))),
        "trained": _participants(enrollments.filter(status=Status.COMPLETED)),
        "credentials_earned": _participants(Credential.objects.filter(awarded_on__lte=as_of)),
        "internships": _participants(placements.filter(kind__in=INTERNSHIP_KINDS)),
        "apprenticeships": _participants(placements.filter(kind=Kind.APPRENTICESHIP)),
        "employed_full_time": _participants(placements.filter(kind=Kind.FULL_TIME)),
        "employed_part_time": _participants(placements.filter(kind=Kind.PART_TIME)),
        "placed_good_jobs": _participants(placements.filter(is_good_job=True)),
        "retained_180_days": retained,
        "median_hourly_wage": str(median) if median is not None else None,
        "wraparound": {
            "participants_served": supports["people"],
            "services": supports["items"],
            "amount_usd": _money(supports["amount"]),
        },
        "by_provider": _by_provider(as_of),
    }
