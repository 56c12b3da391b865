"""Reads of participants, case notes and the support ledger, limited to what the viewer may see."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core import signing
from django.db.models import Count, F, IntegerField, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from employers.models import JOB_KINDS, Application
from mtw_portal import access
from participants.models import (
    BudgetLine,
    CaseNote,
    Navigator,
    Participant,
    PendingReceipt,
    SupportItem,
    SupportRequest,
    SupportType,
)
from programs.follow_up import follow_up_due_cutoff
from programs.models import Enrollment
from programs.selectors import enrollment_list_for_participant
from programs.selectors import enrollments_awaiting_confirmation as awaiting

ZERO = Decimal("0.00")


def participant_list(*, viewer, scope: str = "", query: str = "") -> QuerySet[Participant]:
    """Participants ``viewer`` may see. Scopes: ``mine`` (a navigator's caseload), ``queue``
    (waiting for a navigator), anything else: all visible."""
    participants = access.participants_visible_to(viewer).select_related(
        "user", "navigator__user", "organization"
    )
    if not (access.is_grant_staff(viewer) and scope not in ("mine", "queue")):
        # Deactivated people are out of caseloads and queues; grant staff find them under "all".
        participants = participants.filter(deactivated_at__isnull=True)
    if scope == "mine":
        participants = participants.filter(navigator__user=viewer)
    elif scope == "queue":
        participants = participants.filter(navigator__isnull=True)
    # Each word must match the name, email or ZIP: "maria 33127" finds Maria in 33127.
    for term in query.split()[:5]:
        participants = participants.filter(
            Q(user__email__icontains=term)
            | Q(user__first_name__icontains=term)
            | Q(user__last_name__icontains=term)
            | Q(zip_code__startswith=term)
        )
    return participants.order_by("user__last_name", "user__first_name", "pk")


def _count(queryset) -> Coalesce:
    """How many rows of ``queryset`` (filtered on ``participant=OuterRef("pk")``): one subquery."""
    counted = queryset.order_by().values("participant").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


# The caseload's sortable columns: GET ``sort=<key>`` (ascending) or ``sort=-<key>``.
CASELOAD_SORTS = {
    "name": ("user__last_name", "user__first_name"),
    "waiting": ("waiting_since",),
    "requests": ("open_requests",),
    "follow_ups": ("follow_ups_due",),
    "contact": ("last_contact",),
    "language": ("preferred_language",),
}


def caseload_list(*, viewer, scope: str = "", query: str = "", sort: str = "") -> QuerySet[Participant]:
    """``participant_list`` with what a navigator works from, each a subquery (no per-row query):
    ``waiting_since`` (with the navigator, or in the queue, since: the intake when never assigned),
    ``open_requests`` (support requests waiting), ``follow_ups_due`` (six-month follow-ups due and
    not recorded), ``last_contact`` (the latest case note), sorted by ``sort`` (else by name)."""
    requests = SupportRequest.objects.filter(participant=OuterRef("pk"), state=SupportRequest.State.OPEN)
    follow_ups = Enrollment.objects.filter(
        participant=OuterRef("pk"),
        status=Enrollment.Status.COMPLETED,
        end_date__lte=follow_up_due_cutoff(timezone.localdate()),
        follow_up__isnull=True,
    )
    last_note = (
        CaseNote.objects.filter(participant=OuterRef("pk"))
        .order_by()
        .values("participant")
        .annotate(last=Max("created_at"))
        .values("last")
    )
    participants = participant_list(viewer=viewer, scope=scope, query=query).annotate(
        waiting_since=Coalesce("navigator_since", "intake_completed_at", "created_at"),
        open_requests=_count(requests),
        follow_ups_due=_count(follow_ups),
        last_contact=Subquery(last_note),
    )
    key = sort.removeprefix("-")
    if key not in CASELOAD_SORTS or key == "name":
        return participants.order_by(
            *(F(f).desc() if sort == "-name" else F(f).asc() for f in CASELOAD_SORTS["name"]), "pk"
        )
    column = F(CASELOAD_SORTS[key][0])
    # Never contacted sorts as the oldest contact (first going up, last going down).
    order = column.desc(nulls_last=True) if sort.startswith("-") else column.asc(nulls_first=True)
    return participants.order_by(order, "user__last_name", "user__first_name", "pk")


def navigator_list() -> QuerySet[Navigator]:
    """Every navigator, for grant staff choosing whom to assign a participant to."""
    return Navigator.objects.select_related("user", "organization").order_by(
        "organization__name", "user__last_name", "user__first_name", "pk"
    )


def enrollment_list_visible(*, viewer, participant: Participant):
    """``participant``'s enrollments that ``viewer`` may see: provider staff see only their provider's."""
    return enrollment_list_for_participant(participant=participant).filter(
        pk__in=access.enrollments_visible_to(viewer).values("pk")
    )


def enrollments_awaiting_confirmation(*, participant: Participant):
    return awaiting(participant=participant)


def completed_enrollment_list_visible(*, viewer, participant: Participant):
    """``participant``'s completed enrollments that ``viewer`` may see, each with its six-month
    follow-up (``follow_up``, when recorded) and who recorded it."""
    return (
        enrollment_list_visible(viewer=viewer, participant=participant)
        .filter(status=Enrollment.Status.COMPLETED)
        .select_related("follow_up__recorded_by")
    )


def case_note_list(*, participant: Participant) -> QuerySet[CaseNote]:
    return participant.case_notes.select_related("author").order_by("-created_at", "-pk")


def support_item_list(*, participant: Participant) -> QuerySet[SupportItem]:
    return participant.support_items.select_related("budget_line", "logged_by", "decided_by").order_by(
        "-given_on", "-pk"
    )


def support_totals(*, items: QuerySet[SupportItem]) -> dict:
    """Approved support only: overall and per type, summed in SQL."""
    approved = items.filter(state=SupportItem.State.APPROVED)
    by_type = {
        row["type"]: row
        for row in approved.values("type").annotate(total=Sum("amount"), count=Count("pk")).order_by("type")
    }
    # The overall figures are the sum of the per-type ones: one pass over the items, not two.
    return {
        "total": sum((row["total"] for row in by_type.values()), ZERO),
        "count": sum(row["count"] for row in by_type.values()),
        "by_type": [
            (
                value,
                label,
                by_type.get(value, {}).get("total") or ZERO,
                by_type.get(value, {}).get("count") or 0,
            )
            for value, label in SupportType.choices
        ],
    }


def support_ledger(*, viewer, state: str = "") -> QuerySet[SupportItem]:
    """The support items of every participant ``viewer`` may manage support for."""
    items = SupportItem.objects.filter(
        participant__in=access.participants_supported_by(viewer)
    ).select_related("participant__user", "budget_line", "logged_by", "decided_by")
    if state in SupportItem.State.values:
        items = items.filter(state=state)
    return items.order_by("-given_on", "-pk")


def support_request_list(*, viewer, state: str = SupportRequest.State.OPEN) -> QuerySet[SupportRequest]:
    """Support requests of the participants ``viewer`` may manage support for, oldest first."""
    requests = SupportRequest.objects.filter(
        participant__in=access.participants_supported_by(viewer)
    ).select_related("participant__user")
    if state in SupportRequest.State.values:
        requests = requests.filter(state=state)
    return requests.order_by("created_at", "pk")


# The budget line each type of support is usually charged to (reference data, migration 0004).
USUAL_BUDGET_LINE = {
    SupportType.BUS_FARE: "transportation",
    SupportType.GAS_CARD: "transportation",
    SupportType.DAYCARE: "childcare",
    SupportType.TECHNOLOGY: "technology",
    SupportType.PRE_TRAINING: "pre-training",
    SupportType.OTHER: "other-support",
}


def budget_line_usual_for(*, type: str) -> BudgetLine | None:
    """A suggestion for the form; the navigator may choose another."""
    return BudgetLine.objects.filter(code=USUAL_BUDGET_LINE.get(type, ""), is_active=True).first()


def support_request_for(*, viewer, pk: int) -> SupportRequest:
    return get_object_or_404(support_request_list(viewer=viewer, state=""), pk=pk)


def support_item_for(*, viewer, pk: int) -> SupportItem:
    return get_object_or_404(support_ledger(viewer=viewer), pk=pk)


def support_item_receipt_for(*, viewer, pk: int) -> SupportItem:
    """An item with a receipt, for those who manage the person's support and for the person themself.

    Anyone else (provider staff of the person's training included) gets 404.
    """
    item = get_object_or_404(
        SupportItem.objects.filter(participant__in=access.participants_visible_to(viewer))
        .exclude(receipt="")
        .select_related("participant"),
        pk=pk,
    )
    if not access.can_see_sensitive(viewer, item.participant):  # support is sensitive
        raise Http404
    return item


def next_steps(
    *, participant: Participant, enrollments, applications=(), placements=(), today: date | None = None
) -> list[str]:
    """What the participant should do next, in order, as short sentences, from their real state:
    their profile and navigator, their training (applied, starting on a date, in class, completed),
    their job applications (each by its state) and their jobs (someone working is never told to look
    for one). The arguments are the person's rows, as the home page reads them."""
    today = today or timezone.localdate()
    Status = Enrollment.Status
    State = Application.State
    steps = []
    if participant.intake_completed_at is None:
        steps.append(_("Complete your profile so a navigator can help you."))
    elif participant.navigator_id is None:
        steps.append(_("A navigator will contact you soon."))

    working = [p for p in placements if p.kind in JOB_KINDS and (p.end_date is None or p.end_date >= today)]
    for placement in working:
        if placement.start_date > today:
            steps.append(
                _("Your job at %(employer)s starts on %(date)s.")
                % {"employer": placement.employer.name, "date": date_format(placement.start_date)}
            )
        else:
            steps.append(
                _("You work at %(employer)s. Tell your navigator if anything changes at work.")
                % {"employer": placement.employer.name}
            )

    in_training = False
    for enrollment in enrollments:
        cohort = enrollment.cohort
        names = {"program": cohort.program.name, "provider": cohort.program.provider.name}
        if enrollment.status == Status.APPLIED:
            steps.append(_("Wait for %(provider)s to answer your application to %(program)s.") % names)
        elif enrollment.status in (Status.ENROLLED, Status.ACTIVE):
            in_training = True
            if cohort.start_date > today:
                steps.append(
                    _("Your class in %(program)s starts on %(date)s.")
                    % {**names, "date": date_format(cohort.start_date)}
                )
            else:
                steps.append(
                    _("Keep going to class in %(program)s. Ask your navigator if anything gets in the way.")
                    % names
                )
    statuses = {e.status for e in enrollments}
    if participant.intake_completed_at and not statuses - {Status.NOT_ADMITTED, Status.WITHDRAWN}:
        steps.append(_("Choose a training program and apply to a cohort."))

    for application in applications:
        names = {"title": application.opportunity.title, "employer": application.opportunity.employer.name}
        if application.state == State.APPLIED:
            steps.append(_("%(employer)s has your application for %(title)s: wait for their answer.") % names)
        elif application.state == State.INTERVIEWING:
            steps.append(
                _("%(employer)s wants to interview you for %(title)s: watch your email and phone.") % names
            )
        elif application.state == State.OFFERED:
            steps.append(_("%(employer)s offered you %(title)s: give them your answer.") % names)

    if Status.COMPLETED in statuses and not working and not in_training:
        steps.append(
            _(
                "You completed your training: tell your navigator how you are doing, and look at the "
                "jobs and internships on the board."
            )
        )
    return steps


def participant_of(user):
    """The participant record of ``user``, or None (no user, or not a participant)."""
    if user is None:
        return None
    try:
        return user.participant
    except user._meta.model.participant.RelatedObjectDoesNotExist:
        return None


def pending_receipt_for(*, owner, signed: str):
    """The receipt kept under the signed token ``signed`` for ``owner``: None when the token is
    altered, someone else's, or expired."""
    try:
        token = signing.loads(signed, salt=PendingReceipt.SIGNING_SALT, max_age=PendingReceipt.LIFETIME)
    except signing.BadSignature:
        return None
    return PendingReceipt.objects.filter(token=token, owner=owner, expires_at__gt=timezone.now()).first()
