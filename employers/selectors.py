"""Reads of employers."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Case, Count, F, FloatField, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from employers.models import (
    BENEFITS,
    Application,
    Employer,
    EmployerAccountRequest,
    EmployerMember,
    Kind,
    MentorMatch,
    MentorOffer,
    Opportunity,
    RetentionCheck,
)
from mtw_portal import access
from mtw_portal.core.tables import Column, Table


def employer_member_list(*, employer: Employer, claimed_only: bool = False) -> QuerySet[EmployerMember]:
    """``claimed_only``: colleagues who have set a password (an invitation still unclaimed is not
    listed, so the list never tells an inviter whether an address already had an account)."""
    members = EmployerMember.objects.filter(employer=employer).select_related("user").order_by("user__email")
    if claimed_only:
        members = members.exclude(user__password__startswith=UNUSABLE_PASSWORD_PREFIX)
    return members


def employer_account_request_list(*, state: str = "") -> QuerySet[EmployerAccountRequest]:
    requests = EmployerAccountRequest.objects.select_related("decided_by", "employer").order_by("-created_at")
    if state in EmployerAccountRequest.State.values:
        requests = requests.filter(state=state)
    return requests


def employer_account_request_pending_count() -> int:
    return EmployerAccountRequest.objects.filter(state=EmployerAccountRequest.State.PENDING).count()


# --- Hiring: the public board, opportunities, applications, mentoring ------------------------


def _taking_applications(opportunities: QuerySet[Opportunity]) -> QuerySet[Opportunity]:
    return opportunities.filter(state=Opportunity.State.OPEN).filter(
        Q(deadline__isnull=True) | Q(deadline__gte=timezone.localdate())
    )


def opportunity_board(
    *, kind: str = "", remote: bool = False, q: str = "", employer: Employer | None = None, min_wage=None
) -> QuerySet[Opportunity]:
    """Open opportunities whose deadline has not passed, newest first, filtered. Two queries
    however many there are: the opportunities with their employer, and their skills."""
    opportunities = _taking_applications(Opportunity.objects.all())
    if kind in Kind.values:
        opportunities = opportunities.filter(kind=kind)
    if remote:
        opportunities = opportunities.filter(is_remote=True)
    if employer is not None:
        opportunities = opportunities.filter(employer=employer)
    # Each word must match the title, description, location or a skill: "python remote" finds both.
    skill_links = Opportunity.skills.through.objects
    for term in q.split()[:5]:
        opportunities = opportunities.filter(
            Q(title__icontains=term)
            | Q(description__icontains=term)
            | Q(location__icontains=term)
            | Q(pk__in=skill_links.filter(skill__name__icontains=term).values("opportunity_id"))
        )
    if min_wage is not None:
        # As floats, so SQLite does not divide integers; a filter needs no more precision.
        opportunities = opportunities.annotate(
            rate=Coalesce(
                Cast("hourly_wage", FloatField()),
                Cast("fixed_fee", FloatField()) / Cast("estimated_hours", FloatField()),
            )
        ).filter(rate__gte=float(min_wage))
    return opportunities.select_related("employer").prefetch_related("skills")


def opportunity_public(*, pk: int) -> Opportunity:
    """An opportunity on the board (open, deadline not passed), else 404: drafts and closed ones
    are never shown to the public."""
    return get_object_or_404(
        _taking_applications(Opportunity.objects.select_related("employer").prefetch_related("skills")), pk=pk
    )


def board_employers() -> QuerySet[Employer]:
    """Employers with something on the board, for the board's filter."""
    return Employer.objects.filter(
        pk__in=_taking_applications(Opportunity.objects.all()).values("employer_id")
    )


def _with_state_counts(opportunities: QuerySet[Opportunity]) -> QuerySet[Opportunity]:
    counts = {
        f"count_{state}": Count("applications", filter=Q(applications__state=state))
        for state in Application.State.values
    }
    return opportunities.annotate(count_all=Count("applications"), **counts)


def opportunity_list_for_manager(*, user) -> QuerySet[Opportunity]:
    """The opportunities ``user`` manages (their employer's; all for grant staff), each with how
    many applications it has in each state (``count_applied``, ``count_interviewing``...)."""
    opportunities = access.opportunities_managed_by(user).select_related("employer")
    open_first = Case(
        When(state=Opportunity.State.OPEN, then=Value(0)),
        When(state=Opportunity.State.DRAFT, then=Value(1)),
        default=Value(2),
    )
    return _with_state_counts(opportunities).order_by(open_first, "-created_at", "-pk")


def applicants(*, opportunity: Opportunity, state: str = "") -> QuerySet[Application]:
    """The applications to ``opportunity`` (a manager's view), oldest first; with a state, only those."""
    applications = opportunity.applications.filter(participant__deactivated_at__isnull=True)
    applications = applications.select_related("participant__user", "placement__standard")
    if state in Application.State.values:
        applications = applications.filter(state=state)
    return applications.order_by("created_at", "pk")


def applicant_state_counts(*, opportunity: Opportunity) -> dict[str, int]:
    rows = opportunity.applications.values("state").annotate(n=Count("pk")).order_by()
    found = {row["state"]: row["n"] for row in rows}
    return {state: found.get(state, 0) for state in Application.State.values}


def application_list_for(*, user, state: str = "") -> QuerySet[Application]:
    """The applications ``user`` may see: a participant's own, a navigator's organization's
    participants', an employer's applicants, everyone's for grant staff."""
    applications = access.applications_visible_to(user).select_related(
        "opportunity__employer", "participant__user", "participant__navigator__user", "placement"
    )
    if not access.is_grant_staff(user):  # deactivated people drop out of partners' lists
        applications = applications.filter(participant__deactivated_at__isnull=True)
    if state in Application.State.values:
        applications = applications.filter(state=state)
    return applications.order_by("-created_at", "-pk")


def application_list_for_participant(*, participant) -> QuerySet[Application]:
    return (
        Application.objects.filter(participant=participant)
        .select_related("opportunity__employer")
        .order_by("-created_at", "-pk")
    )


def pending_applicants(*, employer: Employer) -> QuerySet[Application]:
    """Applications to ``employer``'s opportunities that nobody has looked at yet."""
    return (
        Application.objects.filter(
            opportunity__employer=employer,
            state=Application.State.APPLIED,
            participant__deactivated_at__isnull=True,
        )
        .select_related("opportunity", "participant__user")
        .order_by("created_at", "pk")
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


def _with_active_matches(offers: QuerySet[MentorOffer]) -> QuerySet[MentorOffer]:
    return offers.annotate(active_matches=Count("matches", filter=Q(matches__ended_at__isnull=True)))


def mentor_offer_list(*, member: EmployerMember) -> QuerySet[MentorOffer]:
    """A member's own offers, each with its number of active matches."""
    return _with_active_matches(MentorOffer.objects.filter(member=member)).order_by("-created_at", "-pk")


def mentor_offers_available() -> QuerySet[MentorOffer]:
    """Offers taking mentees with room left (``active_matches`` below ``capacity``)."""
    return (
        _with_active_matches(MentorOffer.objects.filter(is_active=True))
        .filter(active_matches__lt=F("capacity"))
        .annotate(places_left=F("capacity") - F("active_matches"))
        .select_related("member__user", "member__employer")
        .order_by("member__employer__name", "member__user__last_name", "pk")
    )


def mentor_match_list_for(*, user) -> QuerySet[MentorMatch]:
    """Active matches ``user`` may see: of their own offers (employer members), of their
    organization's participants (navigators), all (grant staff)."""
    return (
        access.mentor_matches_visible_to(user)
        .filter(ended_at__isnull=True)
        .select_related("participant__user", "offer__member__user", "offer__member__employer")
        .order_by("-created_at", "-pk")
    )


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
