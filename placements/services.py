"""Writes of the placements app: placements (recorded, imported or from a hire), judged against the
good-job standard; the standard itself; retention checks, their reminders and the employer's
one-click confirmation."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from employers import services as employers_services
from employers.models import JOB_KINDS, Employer, Kind
from employers.services import employer_find_or_create
from mtw_portal import access
from mtw_portal.accounts.models import Role
from mtw_portal.accounts.selectors import user_language
from mtw_portal.core.batch import each_isolated
from mtw_portal.core.changes import outcomes_changed
from mtw_portal.notifications.models import Kind as NotificationKind
from mtw_portal.notifications.services import day_text, notify_each, preference_for
from placements.good_jobs import judge
from placements.models import GoodJobStandard, Placement, RetentionCheck

RETENTION_DAYS = (90, 180)


PLACEMENT_FIELDS = (
    "title",
    "end_date",
    "hourly_wage",
    "hours_per_week",
    "in_field_of_training",
    "advancement_path",
    "benefit_health",
    "benefit_dental_vision",
    "benefit_paid_time_off",
    "benefit_retirement",
    "benefit_tuition",
)


@transaction.atomic
def placement_save(
    *,
    participant,
    employer: Employer,
    kind: str,
    start_date,
    source: str,
    by=None,
    application=None,
    placement=None,
    **fields,
):
    """Create or update a placement, judge it against the standard in force on its start date,
    and (for jobs) schedule its 90- and 180-day retention checks."""
    unknown = set(fields) - set(PLACEMENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown placement fields: {sorted(unknown)}")
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Choose the kind from the list.")})
    if start_date > timezone.localdate() + timedelta(days=366):
        raise ValidationError({"start_date": _("The start date is more than a year away.")})
    placement = placement or Placement(
        participant=participant, employer=employer, kind=kind, start_date=start_date
    )
    placement.participant, placement.employer, placement.kind = participant, employer, kind
    placement.start_date, placement.source = start_date, source
    placement.application = application or placement.application
    placement.recorded_by = placement.recorded_by or by
    for name, value in fields.items():
        setattr(placement, name, value)
    if placement.end_date and placement.end_date < placement.start_date:
        raise ValidationError({"end_date": _("The end date cannot be before the start date.")})
    judge(placement)
    placement.full_clean(validate_constraints=False)
    placement.save()
    retention_checks_schedule(placement=placement)
    outcomes_changed()
    return placement


def retention_checks_schedule(*, placement) -> None:
    """The 90- and 180-day checks of a job placement (idempotent; none for internships)."""
    if placement.kind not in JOB_KINDS:
        placement.retention_checks.filter(outcome="").delete()
        return
    for days in RETENTION_DAYS:
        due_on = placement.start_date + timedelta(days=days)
        check, created = RetentionCheck.objects.get_or_create(
            placement=placement,
            days=days,
            defaults={"due_on": due_on, "link_nonce": secrets.token_urlsafe(24)},
        )
        if not created and check.due_on != due_on and not check.outcome:
            check.due_on = due_on
            check.save(update_fields=["due_on"])


@transaction.atomic
def good_job_standard_create(
    *,
    by,
    effective_from,
    min_hourly_wage,
    min_hours_per_week,
    health_benefits_required: bool,
    advancement_required: bool,
    source: str,
):
    """A new version of the standard. Past judgements stay as they are until staff re-judge."""
    if GoodJobStandard.objects.filter(effective_from=effective_from).exists():
        raise ValidationError({"effective_from": _("A version already starts on this date.")})
    standard = GoodJobStandard(
        effective_from=effective_from,
        min_hourly_wage=min_hourly_wage,
        min_hours_per_week=min_hours_per_week,
        health_benefits_required=health_benefits_required,
        advancement_required=advancement_required,
        source=source.strip(),
        created_by=by,
    )
    standard.full_clean()
    standard.save()
    return standard


def placements_rejudge(*, placements=None) -> dict[str, int]:
    """Judge placements again against the standard in force on each start date: an explicit staff
    action, never a side effect of editing the standard. Returns how many changed."""
    changed = unchanged = 0
    queryset = placements if placements is not None else Placement.objects.all()
    for pk in queryset.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            placement = Placement.objects.select_for_update().get(pk=pk)
            before = (placement.is_good_job, placement.standard_id, list(placement.failed_tests))
            judge(placement)
            if (placement.is_good_job, placement.standard_id, list(placement.failed_tests)) == before:
                unchanged += 1
                continue
            placement.save(update_fields=["is_good_job", "standard", "failed_tests", "judged_at"])
            changed += 1
    outcomes_changed()
    return {"changed": changed, "unchanged": unchanged}


# Named when retention checks were in the employers app; kept, or every link already emailed would
# stop working.
_RETENTION_SALT = "employers.retention-check"


def retention_link_token(check) -> str:
    return signing.dumps({"c": check.pk, "n": check.link_nonce}, salt=_RETENTION_SALT, compress=True)


def retention_check_from_token(token: str):
    """The check a link names, if the link is genuine and not expired; None otherwise."""
    try:
        data = signing.loads(
            token, salt=_RETENTION_SALT, max_age=timedelta(days=settings.MTW_RETENTION_LINK_DAYS)
        )
        check = RetentionCheck.objects.select_related(
            "placement__employer", "placement__participant__user"
        ).get(pk=int(data["c"]))
    except (signing.BadSignature, RetentionCheck.DoesNotExist, KeyError, TypeError, ValueError):
        return None
    if not check.link_nonce or not secrets.compare_digest(check.link_nonce, str(data["n"])):
        return None
    return check


@transaction.atomic
def retention_check_record(
    *, check, outcome: str, evidence: str, by=None, note: str = "", via_link: bool = False
):
    """Record a check's outcome. Through the employer's link it works once."""
    check = RetentionCheck.objects.select_for_update().get(pk=check.pk)
    if via_link and (check.link_used_at is not None or check.outcome):
        raise ValidationError(_("This link has already been used."))
    if check.outcome and access.has_role(by, Role.EMPLOYER):
        # The employer answers once, in the portal as through its link; a correction is the
        # navigators' or grant staff's.
        raise ValidationError(_("This check has already been answered."))
    if outcome not in RetentionCheck.Outcome.values:
        raise ValidationError({"outcome": _("Choose the outcome from the list.")})
    if evidence not in RetentionCheck.Evidence.values:
        raise ValidationError({"evidence": _("Choose the evidence from the list.")})
    if check.due_on > timezone.localdate() + timedelta(days=14):
        raise ValidationError(_("This check is not due yet."))
    check.outcome, check.evidence, check.note = outcome, evidence, note.strip()
    check.recorded_at, check.recorded_by = timezone.now(), by
    if via_link:
        check.link_used_at = timezone.now()
    check.full_clean()
    check.save()
    outcomes_changed()
    return check


# A reminder whose sending failed this many times is no longer tried (the check stays on the
# navigators' retention list, where it is recorded by hand).
RETENTION_REMINDER_MAX_ATTEMPTS = 3


def retention_reminder_send(*, check_id: int) -> bool:
    """Email the employer (and the navigator) a check that is due, once. False when already sent.

    A failed send releases the claim and counts an attempt; after RETENTION_REMINDER_MAX_ATTEMPTS
    failures the reminder is no longer tried.
    """

    now = timezone.now()
    claimed = RetentionCheck.objects.filter(
        pk=check_id,
        reminder_sent_at=None,
        outcome="",
        due_on__lte=timezone.localdate(),
        reminder_attempts__lt=RETENTION_REMINDER_MAX_ATTEMPTS,
    ).update(reminder_sent_at=now)
    if not claimed:
        return False
    check = RetentionCheck.objects.select_related(
        "placement__employer", "placement__participant__user", "placement__participant__navigator__user"
    ).get(pk=check_id)
    placement = check.placement
    # The inbox item of each member: the email is this reminder (with its link), not a second one.
    notify_each(
        recipients=employers_services.employer_members(placement.employer_id),
        kind=NotificationKind.RETENTION_CHECK_DUE,
        key=f"retention_check:{check.pk}:due",
        context={"name": " ".join(placement.participant.user.display_name.split()), "days": check.days},
        url=reverse("placements:retention_checks"),
        about=placement.participant.user,
        emailed=True,
    )
    # The email goes to the members who kept this kind's email on (Notification settings).
    people = [
        member.user
        for member in placement.employer.members.select_related("user")
        if preference_for(member.user, NotificationKind.RETENTION_CHECK_DUE).email
    ]
    if placement.participant.navigator_id:
        people.append(placement.participant.navigator.user)
    if not people:
        return True
    # One email per language, each to the people who read it.
    by_language: dict[str, list[str]] = {}
    for person in people:
        by_language.setdefault(user_language(person), []).append(person.email)
    url = settings.MTW_BASE_URL.rstrip("/") + reverse(
        "placements:retention_confirm", args=[retention_link_token(check)]
    )
    context = {"check": check, "placement": placement, "url": url, "days": settings.MTW_RETENTION_LINK_DAYS}
    try:
        for language, recipients in sorted(by_language.items()):
            with translation.override(language):
                send_mail(
                    subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX
                    + _("Is %(name)s still with you? (%(days)s-day check)")
                    # One line: a name stored before line breaks were refused must not break the header.
                    % {"name": " ".join(placement.participant.user.display_name.split()), "days": check.days},
                    message=render_to_string("placements/email/retention_reminder.txt", context),
                    from_email=None,
                    recipient_list=recipients,
                )
    except Exception:
        RetentionCheck.objects.filter(pk=check_id).update(
            reminder_sent_at=None, reminder_attempts=F("reminder_attempts") + 1
        )
        raise
    return True


def retention_reminders_send_due() -> int:
    """Send every due reminder not yet sent, oldest first (beat, every 6 hours). Safe to run twice
    at once. A reminder that fails is logged by id and skipped: the others are still sent. No
    reminder about a deactivated participant: the employer is not written to about them."""
    due = RetentionCheck.objects.filter(
        placement__participant__deactivated_at__isnull=True,
        reminder_sent_at=None,
        outcome="",
        due_on__lte=timezone.localdate(),
        reminder_attempts__lt=RETENTION_REMINDER_MAX_ATTEMPTS,
    ).order_by("due_on", "pk")
    return each_isolated(
        list(due.values_list("pk", flat=True)),
        lambda pk: retention_reminder_send(check_id=pk),
        what="retention reminder",
    )


@transaction.atomic
def application_hire(*, application, by, start_date, **fields):
    """Hire an applicant who was offered the job: the application is hired and a placement
    (source ``hire``, the opportunity's kind) is recorded and judged against the good-job standard."""
    application = employers_services.application_for_hire(application=application, by=by)
    if fields.get("hourly_wage") is None:
        raise ValidationError({"hourly_wage": _("Give the hourly wage.")})
    opportunity = application.opportunity
    if Placement.objects.filter(
        participant=application.participant,
        employer=opportunity.employer,
        kind=opportunity.kind,
        start_date=start_date,
    ).exists():
        raise ValidationError(
            {"start_date": _("This person already has a placement of this kind with you on this date.")}
        )
    placement = placement_save(
        participant=application.participant,
        employer=opportunity.employer,
        kind=opportunity.kind,
        start_date=start_date,
        source=Placement.Source.HIRE,
        by=by,
        application=application,
        **fields,
    )
    employers_services.application_mark_hired(application=application, by=by)
    employers_services.application_news_notify(
        application=application,
        what="hired",
        kind=NotificationKind.JOB_HIRED,
        start_date=day_text(start_date),  # lazy: in the applicant's language
    )
    return placement


@transaction.atomic
def placement_record(
    *,
    by,
    participant,
    kind: str,
    start_date,
    employer: Employer | None = None,
    employer_name: str = "",
    placement=None,
    **fields,
):
    """A navigator of the person's organization, or grant staff, records a placement (source
    ``navigator``) or corrects one (keeping its source). ``employer_name`` names an employer not
    in the list: found in any case, or created. The placement is judged again on saving."""

    if not access.can_manage_support(by, participant):
        raise PermissionDenied
    if placement is not None and placement.participant_id != participant.pk:
        raise ValueError("the placement belongs to another participant")
    if employer is None:
        if not employer_name.strip():
            raise ValidationError({"employer": _("Choose the employer, or type a new employer's name.")})
        employer, _created = employer_find_or_create(name=employer_name)
    same = Placement.objects.filter(
        participant=participant, employer=employer, kind=kind, start_date=start_date
    )
    if placement is not None:
        same = same.exclude(pk=placement.pk)
    if same.exists():
        raise ValidationError(
            {
                "start_date": _(
                    "This person already has a placement of this kind with this employer on this date."
                )
            }
        )
    return placement_save(
        participant=participant,
        employer=employer,
        kind=kind,
        start_date=start_date,
        source=placement.source if placement is not None else Placement.Source.NAVIGATOR,
        by=by,
        placement=placement,
        **fields,
    )
