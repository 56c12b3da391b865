"""Reads of providers, programs, cohorts and enrollments: each already limited to what the viewer may see."""

from __future__ import annotations

from datetime import date

from django.db.models import Case, Count, Min, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Lower
from django.shortcuts import get_object_or_404
from django.utils import timezone

from mtw_portal import access
from programs.models import Cohort, Credential, Enrollment, Program, Provider, ProviderStaff

SEATS_TAKEN = Count("enrollments", filter=Q(enrollments__status__in=Enrollment.SEAT_STATUSES))
# Applications waiting for the provider's decision (deactivated people are off the rosters).
WAITING = Count(
    "enrollments",
    filter=Q(
        enrollments__status=Enrollment.Status.APPLIED, enrollments__participant__deactivated_at__isnull=True
    ),
)


def provider_staff_list(*, provider: Provider) -> QuerySet[ProviderStaff]:
    return ProviderStaff.objects.filter(provider=provider).select_related("user").order_by("user__email")


def cohorts_with_seats() -> QuerySet[Cohort]:
    return Cohort.objects.annotate(taken=SEATS_TAKEN).order_by("start_date")


def catalogue_programs(
    *,
    provider: Provider | None = None,
    format: str = "",
    schedule: str = "",
    starts_after: date | None = None,
) -> QuerySet[Program]:
    """The public catalogue: listed programs with their cohorts still taking applications (those
    starting today or later: a cohort that has started is not offered, ``Cohort.takes_applications``)."""
    today = timezone.localdate()
    open_cohorts = cohorts_with_seats().filter(start_date__gte=today)
    if starts_after:
        open_cohorts = open_cohorts.filter(start_date__gte=starts_after)
    programs = Program.objects.filter(is_active=True, provider__is_active=True).select_related("provider")
    if provider:
        programs = programs.filter(provider=provider)
    if format:
        programs = programs.filter(format=format)
    if schedule:
        programs = programs.filter(schedule=schedule)
    if starts_after:
        programs = programs.filter(cohorts__start_date__gte=starts_after).distinct()
    return programs.prefetch_related(
        "skills", Prefetch("cohorts", queryset=open_cohorts, to_attr="open_cohorts")
    ).order_by("provider__name", "name")


def program_public(*, pk: int) -> Program:
    return get_object_or_404(catalogue_programs(), pk=pk)


def cohort_public(*, pk: int) -> Cohort:
    return get_object_or_404(
        cohorts_with_seats().select_related("program__provider").filter(program__is_active=True), pk=pk
    )


def programs_for_manager(*, user) -> QuerySet[Program]:
    cohorts = cohorts_with_seats().annotate(waiting=WAITING)
    return (
        access.programs_managed_by(user)
        .select_related("provider")
        .prefetch_related(Prefetch("cohorts", queryset=cohorts, to_attr="cohort_list"))
        .order_by("provider__name", "name")
    )


def cohorts_with_applications_waiting(*, user) -> QuerySet[Cohort]:
    """The cohorts of the programs ``user`` manages where applications wait for a decision, with
    how many (``waiting``) and since when (``oldest``), the longest waiting first: one query."""
    return (
        Cohort.objects.filter(program__in=access.programs_managed_by(user))
        .annotate(
            waiting=WAITING,
            oldest=Min(
                "enrollments__applied_at",
                filter=Q(
                    enrollments__status=Enrollment.Status.APPLIED,
                    enrollments__participant__deactivated_at__isnull=True,
                ),
            ),
        )
        .filter(waiting__gt=0)
        .select_related("program__provider")
        .order_by("oldest", "pk")
    )


def applications_waiting_count(*, user) -> int:
    """How many applications wait for a decision in the programs ``user`` manages."""
    return Enrollment.objects.filter(
        cohort__program__in=access.programs_managed_by(user),
        status=Enrollment.Status.APPLIED,
        participant__deactivated_at__isnull=True,
    ).count()


def cohort_roster(*, cohort: Cohort, status: str = "") -> QuerySet[Enrollment]:
    """The roster: confirmed enrollments by name, then those awaiting the person's confirmation by
    email (the template shows only their email; their names must not even set the order).
    Deactivated participants are left out (they still count in the figures)."""
    awaiting = Q(partner_confirmed_at__isnull=True)
    roster = (
        cohort.enrollments.filter(participant__deactivated_at__isnull=True)
        .select_related("participant__user", "credential")
        .annotate(
            awaiting=Case(When(awaiting, then=Value(1)), default=Value(0)),
            sort_last=Case(
                When(awaiting, then=Lower("participant__user__email")), default="participant__user__last_name"
            ),
            sort_first=Case(When(awaiting, then=Value("")), default="participant__user__first_name"),
        )
        .order_by("awaiting", "sort_last", "sort_first", "pk")
    )
    if status in Enrollment.Status.values:
        roster = roster.filter(status=status)
    return roster


def cohort_status_counts(*, cohort: Cohort) -> dict[str, int]:
    return dict(cohort.enrollments.values_list("status").annotate(n=Count("pk")))


def enrollment_list_for_participant(*, participant) -> QuerySet[Enrollment]:
    return (
        Enrollment.objects.filter(participant=participant)
        .select_related("cohort__program__provider", "credential")
        .order_by("-cohort__start_date", "-pk")
    )


def enrollment_events(*, enrollment: Enrollment):
    return enrollment.events.select_related("actor").order_by("created_at", "pk")


def cohorts_open_for_enrollment() -> QuerySet[Cohort]:
    today = timezone.localdate()
    return (
        cohorts_with_seats()
        .filter(program__is_active=True)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .select_related("program__provider")
        .order_by("program__provider__name", "program__name", "start_date")
    )


def enrollments_awaiting_confirmation(*, participant) -> QuerySet[Enrollment]:
    """Enrollments a provider made (an import, its own action) that wait for the person's answer."""
    return (
        Enrollment.objects.filter(
            participant=participant, partner_confirmed_at__isnull=True, partner_declined_at__isnull=True
        )
        .select_related("cohort__program__provider")
        .order_by("cohort__start_date", "pk")
    )


def training_of(*, participant_ids) -> dict[int, dict[str, list]]:
    """Each person's training (enrollments in progress or completed, that they made or confirmed)
    and credentials, by participant id: two queries. The caller decides who may read them
    (``access.participants_training_visible_to``)."""
    training = {pk: {"enrollments": [], "credentials": []} for pk in participant_ids}
    enrollments = (
        Enrollment.objects.filter(
            participant_id__in=training,
            status__in=(Enrollment.Status.ENROLLED, Enrollment.Status.ACTIVE, Enrollment.Status.COMPLETED),
            partner_confirmed_at__isnull=False,
        )
        .select_related("cohort__program__provider")
        .order_by("-cohort__start_date", "pk")
    )
    for enrollment in enrollments:
        training[enrollment.participant_id]["enrollments"].append(enrollment)
    credentials = Credential.objects.filter(participant_id__in=training).filter(
        Q(enrollment__isnull=True) | Q(enrollment__partner_confirmed_at__isnull=False)
    )
    for credential in credentials.order_by("-awarded_on", "pk"):
        training[credential.participant_id]["credentials"].append(credential)
    return training
