"""Reads of employers."""

from __future__ import annotations

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Case, Count, F, FloatField, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from employers.models import (
    Application,
    Employer,
    EmployerAccountRequest,
    EmployerMember,
    Kind,
    MentorMatch,
    MentorOffer,
    Opportunity,
)
from mtw_portal import access


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
