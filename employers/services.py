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
from mtw_portal import access
from mtw_portal.core.batch import each_isolated
from mtw_portal.core.services import outcomes_changed


def employer_member_set(
    *, user, employer: Employer, role: str = EmployerMember.Role.RECRUITER
) -> EmployerMember:
    member, _created = EmployerMember.objects.update_or_create(
        user=user, defaults={"employer": employer, "role": role}
    )
    access.memberships_forget(user)
    return member


def employer_member_remove(*, user) -> None:
    EmployerMember.objects.filter(user=user).delete()
    access.memberships_forget(user)


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
    access.memberships_forget(user)
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
    outcomes_changed()
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
    outcomes_changed()
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
    from django.db.models import F

    from employers.models import RetentionCheck

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
                # One line: a name stored before line breaks were refused must not break the header.
                % {"name": " ".join(placement.participant.user.display_name.split()), "days": check.days},
                message=render_to_string("employers/email/retention_reminder.txt", context),
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
    """Send every due reminder not yet sent, oldest first (the nightly beat task). Safe to run twice
    at once. A reminder that fails is logged by id and skipped: the others are still sent. No
    reminder about a deactivated participant: the employer is not written to about them."""
    from employers.models import RetentionCheck

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


# =============================================================================================
# Hiring: the employer's profile and colleagues, opportunities, applications, hires, mentoring.
# (Kept as one block; placements, the standard and retention live in the sections above.)
# =============================================================================================

OPPORTUNITY_FIELDS = (
    "kind",
    "title",
    "description",
    "location",
    "is_remote",
    "hourly_wage",
    "fixed_fee",
    "estimated_hours",
    "hours_per_week",
    "deadline",
    "advancement_path",
    "benefit_health",
    "benefit_dental_vision",
    "benefit_paid_time_off",
    "benefit_retirement",
    "benefit_tuition",
)


@transaction.atomic
def employer_profile_update(
    *, employer: Employer, by, name: str, industry: str = "", size: str = "", website: str = ""
) -> Employer:
    """The employer's own details, changed by one of its owners."""
    from django.core.exceptions import PermissionDenied

    from mtw_portal import access

    if not access.can_manage_employer(by, employer):
        raise PermissionDenied
    employer = Employer.objects.select_for_update().get(pk=employer.pk)
    employer.name = " ".join(name.split())
    employer.industry, employer.size, employer.website = industry.strip(), size, website.strip()
    if Employer.objects.filter(name__iexact=employer.name).exclude(pk=employer.pk).exists():
        raise ValidationError({"name": _("An employer with this name already exists.")})
    employer.full_clean()
    employer.save()
    return employer


@transaction.atomic
def employer_colleague_invite(
    *, by_member: EmployerMember, email: str, first_name: str, last_name: str, role: str
) -> EmployerMember | None:
    """An owner invites a colleague: an employer account of the same employer, emailed a link.

    The owner is never told whether the address already has an account (of any role): then no
    account is made (``None``), the address's holder is emailed a note instead, and the owner's
    page reads exactly as for a new address.
    """
    from django.core.exceptions import PermissionDenied

    from mtw_portal import access
    from mtw_portal.accounts.models import Role, User
    from mtw_portal.accounts.services import user_invite

    if not access.can_manage_employer(by_member.user, by_member.employer):
        raise PermissionDenied
    if role not in EmployerMember.Role.values:
        raise ValidationError({"role": _("Choose the role from the list.")})
    address = email.strip().lower()
    if User.objects.filter(email__iexact=address).exists():
        employer_name = by_member.employer.name
        transaction.on_commit(
            lambda: send_mail(
                _("An invitation to the MTW Portal"),
                _(
                    "Someone at %(employer)s tried to invite this address to the MTW Portal, but it "
                    "already has an account. Nothing was changed. If you should have access for "
                    "%(employer)s, ask Miami Tech Works staff to add it to your account."
                )
                % {"employer": employer_name},
                None,
                [address],
                fail_silently=True,
            )
        )
        return None
    invitation = user_invite(
        email=email,
        first_name=first_name,
        last_name=last_name,
        role=Role.EMPLOYER,
        organization=by_member.employer,
        invited_by=by_member.user,
    )
    member = EmployerMember.objects.select_related("user", "employer").get(user=invitation.user)
    member.role = role
    member.save(update_fields=["role"])
    access.memberships_forget(invitation.user)
    return member


def _opportunity_pay_errors(opportunity) -> dict[str, str]:
    """Every opportunity is paid: an hourly wage, or (a micro-internship only) a fixed fee with
    the hours it should take, so its effective hourly rate can be shown."""
    from employers.models import Kind

    micro = opportunity.kind == Kind.MICRO_INTERNSHIP
    if opportunity.fixed_fee is not None:
        errors = {}
        if not micro:
            errors["fixed_fee"] = _("Only a micro-internship can pay a fixed fee: give an hourly wage.")
        elif opportunity.hourly_wage is not None:
            errors["fixed_fee"] = _("Give an hourly wage or a fixed fee, not both.")
        if micro and not opportunity.estimated_hours:
            errors["estimated_hours"] = _("Give the hours the project should take.")
        return errors
    if opportunity.hourly_wage is None:
        if micro:
            return {"hourly_wage": _("Give an hourly wage, or a fixed fee with the hours it should take.")}
        return {"hourly_wage": _("Give the hourly wage: every opportunity on the board is paid.")}
    return {}


def _opportunity_opening_errors(opportunity) -> dict[str, str]:
    """What an opportunity needs before it goes on the board, besides its pay."""
    from employers.models import Kind

    errors = _opportunity_pay_errors(opportunity)
    if not opportunity.is_remote and not opportunity.location.strip():
        errors["location"] = _("Give the location, or mark the opportunity as remote.")
    if opportunity.hours_per_week is None and opportunity.kind != Kind.MICRO_INTERNSHIP:
        errors["hours_per_week"] = _("Give the hours per week.")
    if opportunity.deadline is not None and opportunity.deadline < timezone.localdate():
        errors["deadline"] = _("The deadline has passed: choose a later date or leave it empty.")
    return errors


@transaction.atomic
def opportunity_save(*, opportunity=None, employer: Employer, by, skills: list[str] | None = None, **fields):
    """Create (a draft, ``opportunity=None``) or update an opportunity of ``employer``."""
    from employers.models import Opportunity
    from programs.services import skills_from_names

    unknown = set(fields) - set(OPPORTUNITY_FIELDS)
    if unknown:
        raise TypeError(f"unknown opportunity fields: {sorted(unknown)}")
    if opportunity is None:
        opportunity = Opportunity(employer=employer, created_by=by)
    elif opportunity.employer_id != employer.pk:
        raise ValueError("the opportunity belongs to another employer")
    for name, value in fields.items():
        setattr(opportunity, name, value)
    opportunity.title = " ".join(opportunity.title.split())
    opportunity.location = " ".join(opportunity.location.split())
    errors: dict = {}
    try:
        opportunity.full_clean(exclude=["created_by"], validate_constraints=False)
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    rules = (
        _opportunity_opening_errors(opportunity)
        if opportunity.state == Opportunity.State.OPEN
        else _opportunity_pay_errors(opportunity)
    )
    for field, message in rules.items():
        errors.setdefault(field, []).append(message)
    if errors:
        raise ValidationError(errors)
    opportunity.save()
    if skills is not None:
        opportunity.skills.set(skills_from_names(skills))
    return opportunity


OPPORTUNITY_STATE_ACTIONS = ("open", "reopen", "close")


@transaction.atomic
def opportunity_set_state(*, opportunity, by, action: str):
    """``open`` (a draft, or ``reopen`` a closed one) puts it on the board; ``close`` takes it off.
    Closing stops new applications; the applicants already in the pipeline stay."""
    from employers.models import Opportunity

    State = Opportunity.State
    opportunity = Opportunity.objects.select_for_update().select_related("employer").get(pk=opportunity.pk)
    if action in ("open", "reopen"):
        if opportunity.state == State.OPEN:
            raise ValidationError(_("This opportunity is already open."))
        if action == "reopen" and opportunity.state != State.CLOSED:
            raise ValidationError(_("Only a closed opportunity can be reopened."))
        errors = _opportunity_opening_errors(opportunity)
        if errors:
            raise ValidationError(errors)
        opportunity.state = State.OPEN
        opportunity.opened_at = opportunity.opened_at or timezone.now()
    elif action == "close":
        if opportunity.state != State.OPEN:
            raise ValidationError(_("Only an open opportunity can be closed."))
        opportunity.state = State.CLOSED
    else:
        raise ValidationError(_("Unknown action."))
    opportunity.save(update_fields=["state", "opened_at"])
    return opportunity


def opportunity_is_taking_applications(opportunity) -> bool:
    from employers.models import Opportunity

    return opportunity.state == Opportunity.State.OPEN and (
        opportunity.deadline is None or opportunity.deadline >= timezone.localdate()
    )


@transaction.atomic
def application_create(*, participant, opportunity, note: str = "", resume=None):
    """A participant (with their intake done) applies to an open opportunity, once."""
    from django.db import IntegrityError

    from employers.models import Application, Opportunity
    from employers.validators import validate_resume

    if participant.intake_completed_at is None:
        raise ValidationError(_("Complete your profile before you apply."))
    opportunity = Opportunity.objects.select_related("employer").get(pk=opportunity.pk)
    if not opportunity_is_taking_applications(opportunity):
        raise ValidationError(_("This opportunity is not taking applications."))
    already = _("You have already applied to this opportunity.")
    if Application.objects.filter(opportunity=opportunity, participant=participant).exists():
        raise ValidationError(already)
    if resume:
        validate_resume(resume)
        resume.name = "resume.pdf"  # stored under a random name; never the uploader's
    application = Application(
        opportunity=opportunity, participant=participant, note=note.strip(), resume=resume or ""
    )
    application.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:  # the same person, twice at once
        raise ValidationError(already) from None
    return application


def application_transitions() -> dict[str, frozenset[str]]:
    """Where an employer may move an application from each state. Hired, declined and withdrawn
    are final."""
    from employers.models import Application

    State = Application.State
    return {
        State.APPLIED: frozenset({State.INTERVIEWING, State.OFFERED, State.DECLINED}),
        State.INTERVIEWING: frozenset({State.OFFERED, State.DECLINED}),
        State.OFFERED: frozenset({State.HIRED, State.DECLINED}),
    }


def application_action_state(action: str) -> str | None:
    """The state an action (as in ``access.APPLICATION_ACTIONS``) moves an application to."""
    from employers.models import Application

    State = Application.State
    return {
        "interview": State.INTERVIEWING,
        "offer": State.OFFERED,
        "hire": State.HIRED,
        "decline": State.DECLINED,
        "withdraw": State.WITHDRAWN,
    }.get(action)


def _application_for_change(application, by, action: str):
    from django.core.exceptions import PermissionDenied

    from employers.models import Application
    from mtw_portal import access

    application = (
        Application.objects.select_for_update()
        .select_related("opportunity__employer", "participant__user")
        .get(pk=application.pk)
    )
    if not access.can_act_on_application(by, application, action):
        raise PermissionDenied
    return application


def _check_transition(application, to_state: str) -> None:
    if to_state not in application_transitions().get(application.state, frozenset()):
        raise ValidationError(
            _("An application that is “%(state)s” cannot be moved to “%(to)s”.")
            % {
                "state": application.get_state_display(),
                "to": type(application).State(to_state).label,
            }
        )


@transaction.atomic
def application_move(*, application, by, to_state: str):
    """The employer moves an applicant through the pipeline: interviewing, offered, declined.
    Hiring goes through ``application_hire``, which records the placement."""
    from employers.models import Application

    State = Application.State
    if to_state not in State.values:
        raise ValidationError(_("Unknown state."))
    if to_state == State.HIRED:
        raise ValidationError(_("Record the hire with its start date and pay."))
    if to_state == State.WITHDRAWN:
        raise ValidationError(_("Only the applicant can withdraw an application."))
    action = {State.INTERVIEWING: "interview", State.OFFERED: "offer", State.DECLINED: "decline"}.get(
        to_state
    )
    if action is None:
        raise ValidationError(
            _("An application cannot be moved to “%(to)s”.") % {"to": State(to_state).label}
        )
    application = _application_for_change(application, by, action)
    _check_transition(application, to_state)
    application.state = to_state
    application.decided_by = by
    application.save(update_fields=["state", "decided_by", "updated_at"])
    return application


@transaction.atomic
def application_withdraw(*, application, by):
    """The applicant takes their application back, while it is still open."""
    from employers.models import Application

    State = Application.State
    application = _application_for_change(application, by, "withdraw")
    if application.state not in (State.APPLIED, State.INTERVIEWING, State.OFFERED):
        raise ValidationError(_("This application can no longer be withdrawn."))
    application.state = State.WITHDRAWN
    application.decided_by = by
    application.save(update_fields=["state", "decided_by", "updated_at"])
    return application


@transaction.atomic
def application_hire(*, application, by, start_date, **fields):
    """Hire an applicant who was offered the job: the application is hired and a placement
    (source ``hire``, the opportunity's kind) is recorded and judged against the good-job standard."""
    from employers.models import Application, Placement

    State = Application.State
    application = _application_for_change(application, by, "hire")
    _check_transition(application, State.HIRED)
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
    application.state = State.HIRED
    application.decided_by = by
    application.save(update_fields=["state", "decided_by", "updated_at"])
    return placement


@transaction.atomic
def mentor_offer_save(
    *, member: EmployerMember, offer=None, topics: str, capacity: int, is_active: bool = True
):
    """An employer member offers (or changes, or pauses) their mentoring."""
    from django.core.exceptions import PermissionDenied

    from employers.models import MentorOffer

    if offer is not None:
        offer = MentorOffer.objects.select_for_update().get(pk=offer.pk)
        if offer.member_id != member.pk:
            raise PermissionDenied
    offer = offer or MentorOffer(member=member)
    offer.topics, offer.capacity, offer.is_active = " ".join(topics.split()), capacity, is_active
    offer.full_clean()
    if offer.pk:
        active = offer.matches.filter(ended_at__isnull=True).count()
        if capacity < active:
            raise ValidationError(
                {
                    "capacity": _("You mentor %(count)s people now: end a match before lowering this.")
                    % {"count": active}
                }
            )
    offer.save()
    return offer


@transaction.atomic
def mentor_match(*, offer, participant, by):
    """A navigator (of the participant's organization) or grant staff pairs a mentor with a participant,
    within the mentor's capacity."""
    from django.core.exceptions import PermissionDenied

    from employers.models import MentorMatch, MentorOffer
    from mtw_portal import access

    if not access.can_manage_support(by, participant):
        raise PermissionDenied
    offer = MentorOffer.objects.select_for_update().get(pk=offer.pk)
    if not offer.is_active:
        raise ValidationError({"offer": _("This mentor is not taking mentees right now.")})
    active = MentorMatch.objects.filter(offer=offer, ended_at__isnull=True)
    if active.filter(participant=participant).exists():
        raise ValidationError({"participant": _("This person is already matched with this mentor.")})
    if active.count() >= offer.capacity:
        raise ValidationError({"offer": _("This mentor has no room for another mentee.")})
    match = MentorMatch(offer=offer, participant=participant, matched_by=by)
    match.full_clean()
    match.save()
    return match


@transaction.atomic
def mentor_match_end(*, match, by):
    from django.core.exceptions import PermissionDenied

    from employers.models import MentorMatch
    from mtw_portal import access

    match = MentorMatch.objects.select_for_update().select_related("participant").get(pk=match.pk)
    if not access.can_manage_support(by, match.participant):
        raise PermissionDenied
    if match.ended_at is not None:
        raise ValidationError(_("This match has already ended."))
    match.ended_at = timezone.now()
    match.save(update_fields=["ended_at"])
    return match


# =============================================================================================
# Placements recorded in the portal by navigators and grant staff (placement pages, placement
# import). Judging, retention checks and the standard are in the placement section above.
# =============================================================================================


def employer_find_or_create(*, name: str) -> tuple[Employer, bool]:
    """The employer of this name (any case, spaces tidied), or a new one: (employer, created)."""
    name = " ".join(name.split())
    existing = Employer.objects.filter(name__iexact=name).first()
    if existing is not None:
        return existing, False
    return employer_create(name=name), True


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
    from django.core.exceptions import PermissionDenied

    from employers.models import Placement
    from mtw_portal import access

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
