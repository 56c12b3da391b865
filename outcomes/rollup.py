"""The grant's outcome figures, computed from the database (reads only; the roll-up stores them).

Every count is of distinct participants unless its name says otherwise. The counts of people are
the definitions of ``measures`` (shared with the dashboard's lists), counted with one aggregate
per source table (enrollments, credentials, placements, retention checks: ``count_people``, no
correlated subquery per participant); nothing loops over rows in Python. The one exception
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

from django.db.models import Count, Sum

from employers.models import JOB_KINDS
from outcomes.measures import count_grouped, count_people, measure
from participants.models import SupportItem
from placements.models import Placement
from programs.models import Enrollment, Provider

CENT = Decimal("0.01")


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
    two providers counts for each, so the per-provider figures may add up to more than the totals.
    One query over enrollments grouped by provider (``measures.count_grouped``).

    These figures are shown to the provider itself (its dashboard's history), so, like its live
    figures, they count only enrollments the participant made or confirmed (README, access)."""
    codes = dict(Provider.objects.values_list("pk", "code"))
    figures = {code: {"enrolled": 0, "trained": 0, "placed_good_jobs": 0} for code in codes.values()}
    keys = ("enrolled", "trained", "placed_good_jobs")
    # Each figure needs one of its measure's statuses: the other rows (applied, not admitted) are
    # left out before counting (every provider still gets its row, zeros included).
    statuses = sorted({status for key in keys for status in measure(key).statuses})
    rows = count_grouped(
        Enrollment.objects.filter(partner_confirmed_at__isnull=False, status__in=statuses),
        ("cohort__program__provider",),  # the id: no join to the providers, no ordering by code
        keys,
        as_of,
    )
    for row in rows:
        code = codes[row.pop("cohort__program__provider")]
        figures[code] = row
    return figures


# The snapshot's counts of people, each one of ``measures.MEASURES``.
COUNTED = (
    "enrolled",
    "active",
    "trained",
    "credentials_earned",
    "internships",
    "apprenticeships",
    "employed_full_time",
    "employed_part_time",
    "placed_good_jobs",
    "retained_180_days",
)


def outcomes_compute(as_of: date, *, targets: dict | None = None, grant_end_date: date | None = None) -> dict:
    """The figures as of ``as_of``, as JSON-ready values (see the README, "Outcomes")."""
    placements = Placement.objects.filter(start_date__lte=as_of)
    jobs = placements.filter(kind__in=JOB_KINDS)
    wages = list(
        jobs.filter(hourly_wage__isnull=False).order_by("hourly_wage").values_list("hourly_wage", flat=True)
    )
    median = median_wage(wages)
    supports = SupportItem.objects.filter(state=SupportItem.State.APPROVED, given_on__lte=as_of).aggregate(
        people=Count("participant", distinct=True), items=Count("pk"), amount=Sum("amount")
    )
    counts = count_people(COUNTED, as_of)
    return {
        "as_of": as_of.isoformat(),
        "targets": dict(targets or {"trained": 1000, "placed_good_jobs": 500}),
        "grant_end_date": grant_end_date.isoformat() if grant_end_date else None,
        **counts,
        "median_hourly_wage": str(median) if median is not None else None,
        "wraparound": {
            "participants_served": supports["people"],
            "services": supports["items"],
            "amount_usd": _money(supports["amount"]),
        },
        "by_provider": _by_provider(as_of),
    }
