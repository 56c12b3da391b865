"""Reads of the coalition's records, already limited to what the viewer may see."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Prefetch, Q, Sum
from django.utils import timezone

from coalition.models import Award, Meeting, Membership, Partner, PilotProject, WorkingGroup
from mtw_portal import access


def groups_for(*, user):
    """Working groups ``user`` may see (grant staff: all; others: their own), with member counts."""
    return access.coalition_groups_visible_to(user).annotate(member_count=Count("memberships"))


def group_memberships(*, group: WorkingGroup):
    return group.memberships.select_related("user", "partner").order_by(
        "-role", "user__last_name", "user__first_name", "pk"
    )


def meetings_for(*, user, upcoming: bool | None = None):
    """Meetings of the groups ``user`` may see; for grant staff also the community gatherings.

    ``upcoming``: True, from today on (soonest first); False, before today (latest first).
    """
    today = timezone.localdate()
    if access.is_grant_staff(user):
        meetings = Meeting.objects.all()
    else:
        meetings = Meeting.objects.filter(group__in=access.coalition_groups_visible_to(user))
    meetings = meetings.select_related("group").annotate(attendee_count=Count("attendances"))
    if upcoming is True:
        return meetings.filter(held_on__gte=today).order_by("held_on", "pk")
    if upcoming is False:
        return meetings.filter(held_on__lt=today).order_by("-held_on", "-pk")
    return meetings.order_by("-held_on", "-pk")


def meetings_of_group(*, group: WorkingGroup):
    return group.meetings.annotate(attendee_count=Count("attendances")).order_by("-held_on", "-pk")


def meeting_attendances(*, meeting: Meeting):
    return meeting.attendances.select_related("user", "partner").order_by("pk")


def partner_list():
    return Partner.objects.select_related("employer", "provider", "community_organization").order_by("name")


def pilot_list():
    return PilotProject.objects.select_related("lead_partner", "group").order_by("-started_on", "title")


def award_list():
    return Award.objects.select_related("partner").order_by("-awarded_on", "-pk")


def groups_with_members():
    """Every working group with its memberships (users and partners) prefetched."""
    return WorkingGroup.objects.prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("user", "partner"))
    ).annotate(member_count=Count("memberships"))


def coalition_counts() -> dict:
    """The coalition's figures for the dashboard, each from one SQL aggregate."""
    today = timezone.localdate()
    meetings = Meeting.objects.aggregate(
        meetings_held=Count("pk", filter=Q(kind=Meeting.Kind.MEETING, held_on__lte=today)),
        gatherings=Count("pk", filter=Q(kind=Meeting.Kind.GATHERING, held_on__lte=today)),
    )
    pilots = PilotProject.objects.aggregate(
        total=Count("pk"),
        **{status: Count("pk", filter=Q(status=status)) for status in PilotProject.Status.values},
    )
    total = pilots.pop("total")
    return {
        "members": Membership.objects.aggregate(n=Count("user", distinct=True))["n"],
        "partners": Partner.objects.filter(is_active=True).aggregate(n=Count("pk"))["n"],
        "meetings_held": meetings["meetings_held"],
        "gatherings": meetings["gatherings"],
        "pilots": total,
        "pilots_by_status": pilots,
        "awards_usd": Award.objects.aggregate(total=Sum("amount_usd"))["total"] or Decimal("0"),
    }
