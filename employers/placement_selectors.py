"""Reads of placements, the good-job standard and retention checks.

Every queryset here is already limited to what the viewer may see (``mtw_portal.access``), and
each list page takes the same few queries however many rows it shows.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import reduce
from operator import or_

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from employers.models import Employer, GoodJobStandard, Kind, Placement, RetentionCheck
from mtw_portal import access

# A check still without an outcome this many days after it came due is overdue.
OVERDUE_AFTER_DAYS = 14
UPCOMING_DAYS = 30
RECORDABLE_DAYS_AHEAD = 14  # as services.retention_check_record

# The tests a near miss may fail (exactly one of them). "No standard" is not a test of the job.
NEAR_MISS_TESTS = tuple(t for t in Placement.Test.values if t != Placement.Test.NO_STANDARD)


def near_miss_q() -> Q:
    """Placements that failed exactly one test (a JSON list of one), on SQLite and PostgreSQL alike."""
    return reduce(or_, (Q(failed_tests=[test]) for test in NEAR_MISS_TESTS))


def placement_list_for(
    *, user, good: str = "", near_miss: bool = False, kind: str = "", employer: Employer | None = None
) -> QuerySet[Placement]:
    """The placements ``user`` may see, newest start first, filtered: ``good`` "yes" or "no";
    ``near_miss``: failed exactly one test; a kind; an employer."""
    placements = access.placements_visible_to(user)
    if good == "yes":
        placements = placements.filter(is_good_job=True)
    elif good == "no":
        placements = placements.filter(is_good_job=False)
    if near_miss:
        placements = placements.filter(near_miss_q())
    if kind in Kind.values:
        placements = placements.filter(kind=kind)
    if employer is not None:
        placements = placements.filter(employer=employer)
    return placements.select_related("employer", "participant__user", "standard").order_by(
        "-start_date", "-pk"
    )


def placement_filter_employers(*, user) -> QuerySet[Employer]:
    """Employers with a placement ``user`` may see: the choices of the list's employer filter."""
    return Employer.objects.filter(pk__in=access.placements_visible_to(user).values("employer_id")).order_by(
        "name"
    )


def placement_list_for_participant(*, participant, viewer=None) -> QuerySet[Placement]:
    """A participant's placements (as ``viewer`` may see them, when given), newest start first."""
    placements = (
        access.placements_visible_to(viewer) if viewer is not None else Placement.objects.all()
    ).filter(participant=participant)
    return placements.select_related("employer", "standard").order_by("-start_date", "-pk")


def placement_retention_checks(*, placement: Placement) -> QuerySet[RetentionCheck]:
    return placement.retention_checks.select_related("recorded_by").order_by("days")


def employer_choices() -> QuerySet[Employer]:
    """Every employer, for the placement form (a new name can be typed instead)."""
    return Employer.objects.order_by("name")


# --- The good-job standard -----------------------------------------------------------------


def standard_versions() -> QuerySet[GoodJobStandard]:
    """Every version, newest first, with how many placements are judged against each."""
    return (
        GoodJobStandard.objects.select_related("created_by")
        .annotate(placement_count=Count("placements"))
        .order_by("-effective_from")
    )


def standard_latest() -> GoodJobStandard | None:
    return GoodJobStandard.objects.order_by("-effective_from").first()


# --- Retention checks ----------------------------------------------------------------------


def _open_checks(*, user, mine: bool) -> QuerySet[RetentionCheck]:
    checks = access.retention_checks_visible_to(user).filter(outcome="")
    if mine:
        checks = checks.filter(placement__participant__navigator=access.navigator_for(user))
    return checks.select_related(
        "placement__employer", "placement__participant__user", "placement__participant__navigator__user"
    ).order_by("due_on", "pk")


def retention_checks_due(*, user, mine: bool = False) -> QuerySet[RetentionCheck]:
    """Checks that came due (on or before today) with no outcome yet, oldest first (overdue ones
    first). ``mine``: only the navigator's own caseload."""
    return _open_checks(user=user, mine=mine).filter(due_on__lte=timezone.localdate())


def retention_checks_upcoming(*, user, mine: bool = False) -> QuerySet[RetentionCheck]:
    """Checks coming due in the next 30 days."""
    today = timezone.localdate()
    return _open_checks(user=user, mine=mine).filter(
        due_on__gt=today, due_on__lte=today + timedelta(days=UPCOMING_DAYS)
    )


def overdue_before() -> date:
    """Checks due before this date and still open are overdue."""
    return timezone.localdate() - timedelta(days=OVERDUE_AFTER_DAYS)


def recordable_until() -> date:
    """An outcome may be recorded for checks due up to this date (``retention_check_record``
    refuses a check more than 14 days before it is due)."""
    return timezone.localdate() + timedelta(days=RECORDABLE_DAYS_AHEAD)


def retention_due_counts(*, user, mine: bool = False) -> dict[str, int]:
    """How many checks are due, and how many of them overdue: one query."""
    return retention_checks_due(user=user, mine=mine).aggregate(
        due=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=overdue_before()))
    )
