"""Reads of placements, the good-job standard and retention checks, and the employer's hiring funnel.

Every queryset here is already limited to what the viewer may see (``mtw_portal.access``), and
each list page takes the same few queries however many rows it shows.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import reduce
from operator import or_

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from employers.models import (
    BENEFITS,
    Application,
    Employer,
    Kind,
    Opportunity,
)
from mtw_portal import access
from mtw_portal.core.tables import Column, Table
from placements.models import GoodJobStandard, Placement, RetentionCheck

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


def application_hire_initial(*, application: Application) -> dict:
    """The hire form's starting values, from the opportunity: its title, pay (the effective hourly
    rate of a fixed fee), hours, benefits and path to advance."""
    opportunity = application.opportunity
    initial = {
        "title": opportunity.title,
        "start_date": timezone.localdate(),
        "hourly_wage": opportunity.effective_hourly_rate,
        "hours_per_week": opportunity.hours_per_week,
        "advancement_path": opportunity.advancement_path,
    }
    for key, _label in BENEFITS:
        initial[f"benefit_{key}"] = getattr(opportunity, f"benefit_{key}")
    return initial


# --- The employer's own hiring funnel -------------------------------------------------------
#
# For one employer: its applications (those received in a period, or all), how far they got,
# the placements recorded from its hires and their retention checks. The application steps
# count distinct applications; the placement steps count distinct placements. An application
# keeps only its current state, so "reached an interview" is "now interviewing, offered or
# hired": someone declined or withdrawn after an interview is not counted there.
#
# Each table is one aggregate query (the opportunities: a count and a page), however many
# opportunities there are.

FUNNEL_PAGE_SIZE = 25


_AT_LEAST_INTERVIEWING = (
    Application.State.INTERVIEWING,
    Application.State.OFFERED,
    Application.State.HIRED,
)


_AT_LEAST_OFFERED = (Application.State.OFFERED, Application.State.HIRED)


def _funnel_since(days: int | None):
    return timezone.now() - timedelta(days=days) if days else None


def _funnel_counts(*, employer: Employer, days: int | None, prefix: str = "") -> dict[str, Count]:
    """The funnel's counts, named ``funnel_<step>``, as aggregates over the applications reached
    through ``prefix`` (``""`` from Application, ``"applications__"`` from Opportunity)."""

    def q(**lookups) -> Q:
        return Q(**{prefix + key: value for key, value in lookups.items()})

    since = _funnel_since(days)
    received = q(created_at__gte=since) if since else Q()
    # Placements recorded from a hire here, still with this employer.
    placed = received & q(state=Application.State.HIRED, placement__employer_id=employer.pk)

    def employed_at(check_days: int) -> Q:
        return placed & q(
            placement__retention_checks__days=check_days,
            placement__retention_checks__outcome=RetentionCheck.Outcome.EMPLOYED,
        )

    application, placement = prefix + "pk", prefix + "placement"
    return {
        "funnel_applications": Count(application, distinct=True, filter=received),
        "funnel_interviewing": Count(
            application, distinct=True, filter=received & q(state__in=_AT_LEAST_INTERVIEWING)
        ),
        "funnel_offered": Count(application, distinct=True, filter=received & q(state__in=_AT_LEAST_OFFERED)),
        "funnel_hired": Count(application, distinct=True, filter=received & q(state=Application.State.HIRED)),
        "funnel_good_jobs": Count(placement, distinct=True, filter=placed & q(placement__is_good_job=True)),
        "funnel_employed_90": Count(placement, distinct=True, filter=employed_at(90)),
        "funnel_employed_180": Count(placement, distinct=True, filter=employed_at(180)),
    }


FUNNEL_STEPS = (
    ("applications", _("Applications received")),
    ("interviewing", _("Reached an interview")),
    ("offered", _("Offered the job")),
    ("hired", _("Hired")),
    ("good_jobs", _("Placements judged good jobs")),
    ("employed_90", _("Hires still employed at 90 days")),
    ("employed_180", _("Hires still employed at 180 days")),
)


_STEP_LABELS = dict(FUNNEL_STEPS)


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _period_note(days: int | None):
    if not days:
        return _("Applications received at any time.")
    return _("Applications received in the last %(days)s days.") % {"days": days}


def employer_funnel_table(*, employer: Employer, days: int | None = None) -> Table:
    """The funnel: each step's count and its share of the applications received (one query)."""
    counts = Application.objects.filter(opportunity__employer=employer).aggregate(
        **_funnel_counts(employer=employer, days=days)
    )
    table = Table(
        key="funnel",
        title=_("Hiring funnel"),
        columns=[
            Column("step", _("Step"), kind="text"),
            Column("count", _("Count")),
            Column("share", _("Share of applications"), kind="percent", none_text="—"),
        ],
        note=_period_note(days),
    )
    for key, label in FUNNEL_STEPS:
        table.add(
            key,
            label,
            counts[f"funnel_{key}"],
            _share(counts[f"funnel_{key}"], counts["funnel_applications"]),
        )
    return table


def employer_funnel_by_opportunity(*, employer: Employer, days: int | None = None) -> QuerySet[Opportunity]:
    """``employer``'s opportunities, newest first, each with the funnel's counts (one query)."""
    return (
        Opportunity.objects.filter(employer=employer)
        .annotate(**_funnel_counts(employer=employer, days=days, prefix="applications__"))
        .order_by("-created_at", "-pk")
    )


_OPPORTUNITY_COUNTS = ("applications", "interviewing", "offered", "hired", "good_jobs")


def employer_funnel_opportunity_table(*, opportunities, days: int | None = None) -> Table:
    """A table of ``opportunities`` from ``employer_funnel_by_opportunity`` (a page, or all)."""
    table = Table(
        key="opportunities",
        title=_("Hiring funnel by opportunity"),
        columns=[
            Column("title", _("Opportunity"), kind="text"),
            Column("kind", _("Kind"), kind="text"),
            Column("state", _("State"), kind="text"),
            *(Column(key, _STEP_LABELS[key]) for key in _OPPORTUNITY_COUNTS),
        ],
        note=_period_note(days),
    )
    for opportunity in opportunities:
        table.add(
            str(opportunity.pk),
            opportunity.title,
            opportunity.get_kind_display(),
            opportunity.get_state_display(),
            *(getattr(opportunity, f"funnel_{key}") for key in _OPPORTUNITY_COUNTS),
        )
    return table


def employer_funnel_kind_table(*, employer: Employer, days: int | None = None) -> Table:
    """The funnel by kind of opportunity, for the kinds ``employer`` has posted (one query)."""
    rows = (
        Opportunity.objects.filter(employer=employer)
        .values("kind")
        .annotate(**_funnel_counts(employer=employer, days=days, prefix="applications__"))
        .order_by("kind")
    )
    order = {kind: n for n, kind in enumerate(Kind.values)}
    table = Table(
        key="kinds",
        title=_("Hiring funnel by kind"),
        columns=[
            Column("kind", _("Kind"), kind="text"),
            *(Column(key, label) for key, label in FUNNEL_STEPS),
        ],
        note=_period_note(days),
    )
    for row in sorted(rows, key=lambda row: order.get(row["kind"], len(order))):
        label = Kind(row["kind"]).label if row["kind"] in Kind.values else row["kind"]
        table.add(row["kind"], label, *(row[f"funnel_{key}"] for key, _label in FUNNEL_STEPS))
    return table


FUNNEL_TABLE_KEYS = ("funnel", "opportunities", "kinds")


def employer_funnel_table_for(*, key: str, employer: Employer, days: int | None = None) -> Table | None:
    """One of the funnel's tables in full (every opportunity), for a download; ``None`` for an
    unknown ``key``."""
    if key == "funnel":
        return employer_funnel_table(employer=employer, days=days)
    if key == "kinds":
        return employer_funnel_kind_table(employer=employer, days=days)
    if key == "opportunities":
        opportunities = employer_funnel_by_opportunity(employer=employer, days=days)
        return employer_funnel_opportunity_table(opportunities=opportunities, days=days)
    return None
