"""Writes for employers: employers (created, or found by name for the placement importer), their
members (also set when the employer role is granted, on ``accounts.signals.role_granted``), account
requests and their decisions, the profile and colleagues' invitations, opportunities, applications
and mentoring. (Placements, the good-job standard and retention checks: ``placements.services``.)"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

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
from employers.validators import validate_resume
from mtw_portal import access
from mtw_portal.accounts.models import Role, User
from mtw_portal.accounts.selectors import user_language
from mtw_portal.accounts.services import user_invite, user_role_grant
from mtw_portal.notifications.models import Kind as NotificationKind
from mtw_portal.notifications.services import notify, notify_each
from programs.services import skills_from_names


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


def memberships_for_role(sender, *, user, role, organization, **_signal) -> None:
    """Receives ``accounts.signals.role_granted``: an employer's membership for the employer role,
    none for another."""
    employer_member_remove(user=user)
    if role == Role.EMPLOYER:
        employer_member_set(user=user, employer=organization)


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
    notify_each(
        recipients=User.objects.filter(role=Role.STAFF, is_active=True).order_by("pk"),
        kind=NotificationKind.EMPLOYER_REQUEST_NEW,
        key=f"employer_request:{request.pk}",
        context={
            "name": " ".join(f"{request.first_name} {request.last_name}".split()),
            "employer": request.organization_name,
        },
        url=reverse("employers:account_request_detail", args=[request.pk]),
    )
    return request


def employer_members(employer_id):
    """The active members of an employer (who hear about its applicants and retention checks)."""
    return User.objects.filter(
        employer_member__employer_id=employer_id, role=Role.EMPLOYER, is_active=True
    ).order_by("pk")


def _application_context(application) -> dict:
    return {
        "name": " ".join(application.participant.user.display_name.split()),
        "opportunity": application.opportunity.title,
        "employer": application.opportunity.employer.name,
    }


def _round_key(application, key: str) -> str:
    return f"{key}:round{application.round}" if application.round else key


def application_news_notify(*, application, what: str, kind: str, **context) -> None:
    """Tell the applicant about their application (received, moved, hired), once per ``what`` in
    each round (an application sent again after a withdrawal starts a new round)."""
    notify(
        recipient=application.participant.user,
        kind=kind,
        key=_round_key(application, f"job_application:{application.pk}:{what}"),
        context={**_application_context(application), **context},
        url=reverse("employers:my_applications"),
    )


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


# --- Hiring: the employer's profile and colleagues, opportunities, applications, mentoring ----
# (A hire records a placement: placements.services.application_hire, with the two steps below.)

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

    if not access.can_manage_employer(by_member.user, by_member.employer):
        raise PermissionDenied
    if role not in EmployerMember.Role.values:
        raise ValidationError({"role": _("Choose the role from the list.")})
    address = email.strip().lower()
    holder = User.objects.filter(email__iexact=address).first()
    if holder is not None:
        employer_name = by_member.employer.name
        language = user_language(holder)

        def send_note():
            with translation.override(language):  # in the holder's language, not the owner's
                send_mail(
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

        transaction.on_commit(send_note)
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
    return opportunity.state == Opportunity.State.OPEN and (
        opportunity.deadline is None or opportunity.deadline >= timezone.localdate()
    )


@transaction.atomic
def application_create(*, participant, opportunity, note: str = "", resume=None):
    """A participant (with their intake done) applies to an open opportunity, once."""

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
    application_news_notify(
        application=application, what="received", kind=NotificationKind.JOB_APPLICATION_RECEIVED
    )
    notify_each(
        recipients=employer_members(opportunity.employer_id),
        kind=NotificationKind.JOB_APPLICANT_NEW,
        key=f"job_application:{application.pk}:new",
        context=_application_context(application),
        url=reverse("employers:applicants", args=[opportunity.pk]),
        about=participant.user,
    )
    return application


def _application_for_change(application, by, action: str):

    application = (
        Application.objects.select_for_update()
        .select_related("opportunity__employer", "participant__user")
        .get(pk=application.pk)
    )
    if not access.can_act_on_application(by, application, action):
        raise PermissionDenied
    return application


def application_for_hire(*, application, by):
    """The application, locked, once ``by`` may hire its applicant (it was offered the job).
    The first step of ``placements.services.application_hire``."""
    application = _application_for_change(application, by, "hire")
    _check_transition(application, Application.State.HIRED)
    return application


def application_mark_hired(*, application, by):
    """The last step of a hire, once its placement is recorded: the application is hired. Checked
    again (who hires, from which state), as every move is, should it ever be called on its own."""
    if not access.can_act_on_application(by, application, "hire"):
        raise PermissionDenied
    _check_transition(application, Application.State.HIRED)
    application.state = Application.State.HIRED
    application.decided_by = by
    application.save(update_fields=["state", "decided_by", "updated_at"])
    return application


def _check_transition(application, to_state: str) -> None:
    """The move to ``to_state`` starts from the application's state (``Application.MOVES``)."""
    if application.state not in type(application).move_to(to_state).from_states:
        raise ValidationError(
            _("An application that is “%(state)s” cannot be moved to “%(to)s”.")
            % {
                "state": application.get_state_display(),
                "to": type(application).State(to_state).label,
            }
        )


REASON_MAX_LENGTH = 2000


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError({"reason": _("At most %(max)s characters.") % {"max": REASON_MAX_LENGTH}})
    return reason


@transaction.atomic
def application_move(*, application, by, to_state: str, reason: str = ""):
    """The employer moves an applicant through the pipeline: interviewing, offered, declined.
    Hiring goes through ``application_hire``, which records the placement. Declining needs a
    reason, which the applicant reads."""
    State = Application.State
    if to_state not in State.values:
        raise ValidationError(_("Unknown state."))
    if to_state == State.HIRED:
        raise ValidationError(_("Record the hire with its start date and pay."))
    if to_state == State.WITHDRAWN:
        raise ValidationError(_("Only the applicant can withdraw an application."))
    move = Application.move_to(to_state)
    if move is None or move.by != Application.EMPLOYER_SIDE:
        raise ValidationError(
            _("An application cannot be moved to “%(to)s”.") % {"to": State(to_state).label}
        )
    reason = _clean_reason(reason)
    if move.action in Application.REASON_REQUIRED and not reason:
        raise ValidationError({"reason": _("Tell the applicant why: they will read it.")})
    application = _application_for_change(application, by, move.action)
    _check_transition(application, to_state)
    application.state = to_state
    application.decided_by = by
    application.decision_reason = reason if move.action in Application.REASON_REQUIRED else ""
    application.save(update_fields=["state", "decided_by", "decision_reason", "updated_at"])
    application_news_notify(
        application=application,
        what=to_state,
        kind=NotificationKind.JOB_APPLICATION_MOVED,
        state=State(to_state).label,  # lazy: in the applicant's language
    )
    return application


@transaction.atomic
def application_withdraw(*, application, by, reason: str = ""):
    """The applicant takes their application back, while it is still open (with a reason for the
    employer, if they give one). They can apply again (``application_reapply``)."""
    State = Application.State
    reason = _clean_reason(reason)
    application = _application_for_change(application, by, "withdraw")
    if application.state not in Application.move_named("withdraw").from_states:
        raise ValidationError(_("This application can no longer be withdrawn."))
    application.state = State.WITHDRAWN
    application.decided_by = by
    application.decision_reason = reason
    application.save(update_fields=["state", "decided_by", "decision_reason", "updated_at"])
    return application


@transaction.atomic
def application_reapply(*, application, by):
    """Undo a withdrawal: the application is "applied" again, with its note and résumé, while the
    opportunity still takes applications."""
    move = Application.move_named("reapply")
    application = _application_for_change(application, by, move.action)
    if application.state not in move.from_states:
        raise ValidationError(_("Only a withdrawn application can be sent again."))
    if not opportunity_is_taking_applications(application.opportunity):
        raise ValidationError(_("This opportunity is not taking applications."))
    application.state = move.to_state
    application.decided_by = None
    application.decision_reason = ""
    application.round += 1
    application.save(update_fields=["state", "decided_by", "decision_reason", "round", "updated_at"])
    # The employer hears the application is back.
    notify_each(
        recipients=employer_members(application.opportunity.employer_id),
        kind=NotificationKind.JOB_APPLICANT_NEW,
        key=_round_key(application, f"job_application:{application.pk}:new"),
        context=_application_context(application),
        url=reverse("employers:applicants", args=[application.opportunity_id]),
        about=application.participant.user,
    )
    return application


@transaction.atomic
def mentor_offer_save(
    *, member: EmployerMember, offer=None, topics: str, capacity: int, is_active: bool = True
):
    """An employer member offers (or changes, or pauses) their mentoring."""

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

    match = MentorMatch.objects.select_for_update().select_related("participant").get(pk=match.pk)
    if not access.can_manage_support(by, match.participant):
        raise PermissionDenied
    if match.ended_at is not None:
        raise ValidationError(_("This match has already ended."))
    match.ended_at = timezone.now()
    match.save(update_fields=["ended_at"])
    return match


def employer_find_or_create(*, name: str) -> tuple[Employer, bool]:
    """The employer of this name (any case, spaces tidied), or a new one: (employer, created)."""
    name = " ".join(name.split())
    existing = Employer.objects.filter(name__iexact=name).first()
    if existing is not None:
        return existing, False
    return employer_create(name=name), True
