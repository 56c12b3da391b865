"""Writes for employers: members, account requests."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from employers.models import Employer, EmployerAccountRequest, EmployerMember


def employer_member_set(
    *, user, employer: Employer, role: str = EmployerMember.Role.RECRUITER
) -> EmployerMember:
    member, _created = EmployerMember.objects.update_or_create(
        user=user, defaults={"employer": employer, "role": role}
    )
    return member


def employer_member_remove(*, user) -> None:
    EmployerMember.objects.filter(user=user).delete()


@transaction.atomic
def employer_create(
    *, name: str, industry: str = "", website: str = "", is_partner: bool = False
) -> Employer:
    name = " ".join(name.split())
    if Employer.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": _("An employer with this name already exists.")})
    employer = Employer(name=name, industry=industry, website=website, is_partner=is_partner)
    employer.full_clean()
    employer.save()
    return employer


@transaction.atomic
def employer_account_request_create(**fields) -> EmployerAccountRequest:
    request = EmployerAccountRequest(**fields)
    request.email = request.email.strip().lower()
    request.full_clean()
    if EmployerAccountRequest.objects.filter(
        email__iexact=request.email, state=EmployerAccountRequest.State.PENDING
    ).exists():
        raise ValidationError(
            {"email": _("A request from this email address is already waiting for review.")}
        )
    request.save()
    return request


def _request_for_decision(pk: int) -> EmployerAccountRequest:
    request = EmployerAccountRequest.objects.select_for_update().get(pk=pk)
    if request.state != EmployerAccountRequest.State.PENDING:
        raise ValidationError(_("This request has already been decided."))
    return request


@transaction.atomic
def employer_account_request_approve(
    *, account_request: EmployerAccountRequest, decided_by, employer: Employer | None = None, note: str = ""
):
    """Approve: the employer (new unless an existing one is chosen) and an invited owner account."""
    from mtw_portal.accounts.models import Role, User
    from mtw_portal.accounts.services import user_invite, user_role_grant

    request = _request_for_decision(account_request.pk)
    if employer is None:
        employer = employer_create(
            name=request.organization_name, industry=request.industry, website=request.website
        )
    existing = User.objects.filter(email__iexact=request.email).first()
    if existing is not None:
        if existing.role not in (Role.PARTICIPANT, Role.EMPLOYER):
            raise ValidationError(
                _("This email address belongs to a %(role)s account.") % {"role": existing.get_role_display()}
            )
        user_role_grant(user=existing, role=Role.EMPLOYER, organization=employer, granted_by=decided_by)
        user = existing
    else:
        user = user_invite(
            email=request.email,
            first_name=request.first_name,
            last_name=request.last_name,
            role=Role.EMPLOYER,
            organization=employer,
            invited_by=decided_by,
        ).user
    EmployerMember.objects.filter(user=user).update(role=EmployerMember.Role.OWNER)
    request.state = EmployerAccountRequest.State.APPROVED
    request.decided_by = decided_by
    request.decided_at = timezone.now()
    request.decision_note = note
    request.employer = employer
    request.save()
    return request


@transaction.atomic
def employer_account_request_decline(*, account_request: EmployerAccountRequest, decided_by, note: str):
    request = _request_for_decision(account_request.pk)
    if not note.strip():
        raise ValidationError({"note": _("Say why, so the requester can be told.")})
    request.state = EmployerAccountRequest.State.DECLINED
    request.decided_by = decided_by
    request.decided_at = timezone.now()
    request.decision_note = note.strip()
    request.save()
    return request


# --- Placements, the good-job standard and retention -----------------------------------------

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
    from employers.good_jobs import judge
    from employers.models import Kind, Placement

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
    return placement


def retention_checks_schedule(*, placement) -> None:
    """The 90- and 180-day checks of a job placement (idempotent; none for internships)."""
    from employers.models import JOB_KINDS, RetentionCheck

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
    from employers.models import GoodJobStandard

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
    from employers.good_jobs import judge
    from employers.models import Placement

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
    return {"changed": changed, "unchanged": unchanged}


# --- Retention checks: reminders and the employer's one-click confirmation --------------------

_RETENTION_SALT = "employers.retention-check"


def retention_link_token(check) -> str:
    return signing.dumps({"c": check.pk, "n": check.link_nonce}, salt=_RETENTION_SALT, compress=True)


def retention_check_from_token(token: str):
    """The check a link names, if the link is genuine and not expired; None otherwise."""
    from employers.models import RetentionCheck

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
    from employers.models import RetentionCheck

    check = RetentionCheck.objects.select_for_update().get(pk=check.pk)
    if via_link and (check.link_used_at is not None or check.outcome):
        raise ValidationError(_("This link has already been used."))
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
    return check


def retention_reminder_send(*, check_id: int) -> bool:
    """Email the employer (and the navigator) a check that is due, once. False when already sent."""
    from employers.models import RetentionCheck

    now = timezone.now()
    claimed = RetentionCheck.objects.filter(
        pk=check_id, reminder_sent_at=None, outcome="", due_on__lte=timezone.localdate()
    ).update(reminder_sent_at=now)
    if not claimed:
        return False
    check = RetentionCheck.objects.select_related(
        "placement__employer", "placement__participant__user", "placement__participant__navigator__user"
    ).get(pk=check_id)
    placement = check.placement
    recipients = list(placement.employer.members.values_list("user__email", flat=True))
    if placement.participant.navigator_id:
        recipients.append(placement.participant.navigator.user.email)
    if not recipients:
        return True
    url = settings.MTW_BASE_URL.rstrip("/") + reverse(
        "employers:retention_confirm", args=[retention_link_token(check)]
    )
    context = {"check": check, "placement": placement, "url": url, "days": settings.MTW_RETENTION_LINK_DAYS}
    try:
        with translation.override(settings.LANGUAGE_CODE):
            send_mail(
                subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX
                + _("Is %(name)s still with you? (%(days)s-day check)")
                % {"name": placement.participant.user.display_name, "days": check.days},
                message=render_to_string("employers/email/retention_reminder.txt", context),
                from_email=None,
                recipient_list=recipients,
            )
    except Exception:
        RetentionCheck.objects.filter(pk=check_id).update(reminder_sent_at=None)
        raise
    return True


def retention_reminders_send_due() -> int:
    """Send every due reminder not yet sent (the nightly beat task). Safe to run twice at once."""
    from employers.models import RetentionCheck

    due = RetentionCheck.objects.filter(reminder_sent_at=None, outcome="", due_on__lte=timezone.localdate())
    return sum(retention_reminder_send(check_id=pk) for pk in due.values_list("pk", flat=True))
