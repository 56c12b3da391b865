"""Writes for training: providers' staff, programs, cohorts, the enrollment lifecycle, credentials."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mtw_portal import access
from mtw_portal.accounts.models import Role, User
from mtw_portal.accounts.selectors import user_language
from mtw_portal.audit.services import change_history_record_created
from mtw_portal.core.bulk import bulk_insert
from mtw_portal.core.changes import outcomes_changed
from mtw_portal.notifications.models import Kind
from mtw_portal.notifications.services import day_text, notify, notify_each
from programs.follow_up import add_months, follow_up_due
from programs.models import (
    Cohort,
    CompletionFollowUp,
    Credential,
    CredentialType,
    Enrollment,
    EnrollmentEvent,
    Program,
    Provider,
    ProviderStaff,
    Skill,
    WithdrawalReason,
)

Status = Enrollment.Status


def provider_staff_set(*, user, provider: Provider, can_edit: bool = True) -> ProviderStaff:
    staff, _created = ProviderStaff.objects.update_or_create(
        user=user, defaults={"provider": provider, "can_edit": can_edit}
    )
    access.memberships_forget(user)
    return staff


def provider_staff_remove(*, user) -> None:
    ProviderStaff.objects.filter(user=user).delete()
    access.memberships_forget(user)


def memberships_for_role(sender, *, user, role, organization, **_signal) -> None:
    """Receives ``accounts.signals.role_granted``: a provider's staff membership for the provider
    role, none for another."""
    provider_staff_remove(user=user)
    if role == Role.PROVIDER:
        provider_staff_set(user=user, provider=organization)


# --- Programs and cohorts ----------------------------------------------------------------


def skills_from_names(names: list[str]) -> list[Skill]:
    skills = []
    for name in {" ".join(n.split()) for n in names if n.strip()}:
        skill = Skill.objects.filter(name__iexact=name).first() or Skill.objects.create(name=name[:80])
        skills.append(skill)
    return skills


@transaction.atomic
def program_save(
    *, program: Program | None = None, provider: Provider, skills: list[str] | None = None, **fields
) -> Program:
    """Create (``program=None``) or update a program of ``provider``."""
    program = program or Program(provider=provider)
    for name, value in fields.items():
        setattr(program, name, value)
    program.name = " ".join(program.name.split())
    clash = Program.objects.filter(provider=provider, name__iexact=program.name).exclude(pk=program.pk)
    if clash.exists():
        raise ValidationError({"name": _("This provider already has a program with this name.")})
    program.full_clean()
    program.save()
    if skills is not None:
        program.skills.set(skills_from_names(skills))
    return program


def seats_taken(cohort: Cohort) -> int:
    return cohort.enrollments.filter(status__in=Enrollment.SEAT_STATUSES).count()


@transaction.atomic
def cohort_save(
    *, cohort: Cohort | None = None, program: Program, start_date: date, end_date: date | None, seats: int
) -> Cohort:
    if cohort is not None:
        cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    cohort = cohort or Cohort(program=program)
    cohort.start_date, cohort.end_date, cohort.seats = start_date, end_date, seats
    if Cohort.objects.filter(program=program, start_date=start_date).exclude(pk=cohort.pk).exists():
        raise ValidationError({"start_date": _("This program already has a cohort starting on this date.")})
    taken = seats_taken(cohort) if cohort.pk else 0
    if seats is not None and seats < taken:
        raise ValidationError(
            {"seats": _("%(taken)s people already hold seats in this cohort.") % {"taken": taken}}
        )
    cohort.full_clean()
    cohort.save()
    return cohort


# --- Enrollment lifecycle ----------------------------------------------------------------

# Which status may follow which. Completed, withdrawn and not admitted are final in the
# portal; a roster import may still correct them (the provider's roster is the record).
TRANSITIONS = {
    Status.APPLIED: {Status.ENROLLED, Status.NOT_ADMITTED},
    Status.ENROLLED: {Status.ACTIVE, Status.COMPLETED, Status.WITHDRAWN},
    Status.ACTIVE: {Status.COMPLETED, Status.WITHDRAWN},
    Status.NOT_ADMITTED: set(),
    Status.COMPLETED: set(),
    Status.WITHDRAWN: set(),
}


def _lock_cohort_with_room(cohort: Cohort, *, needed: int = 1, exclude: Enrollment | None = None) -> Cohort:
    """Lock the cohort row, then check for a free seat: two enrollments cannot both take the last one."""
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    taken = cohort.enrollments.filter(status__in=Enrollment.SEAT_STATUSES)
    if exclude is not None and exclude.pk:
        taken = taken.exclude(pk=exclude.pk)
    if taken.count() + needed > cohort.seats:
        raise ValidationError(
            _("This cohort is full: all %(seats)s seats are taken.") % {"seats": cohort.seats}
        )
    return cohort


def _record(enrollment: Enrollment, from_status: str, by, *, source: str = "portal", note: str = "") -> None:
    EnrollmentEvent.objects.create(
        enrollment=enrollment,
        from_status=from_status,
        to_status=enrollment.status,
        actor=by,
        source=source,
        note=note[:500],
    )


def _check_end_date(enrollment: Enrollment, end_date: date | None) -> None:
    if end_date is None:
        raise ValidationError({"end_date": _("Give the date.")})
    if end_date > timezone.localdate():
        raise ValidationError({"end_date": _("The date cannot be in the future.")})
    if end_date < enrollment.cohort.start_date:
        raise ValidationError({"end_date": _("The date cannot be before the cohort started.")})


def _transition(enrollment: Enrollment, to_status: str) -> tuple[Enrollment, str]:
    enrollment = (
        Enrollment.objects.select_for_update()
        .select_related("cohort__program__provider")
        .get(pk=enrollment.pk)
    )
    if to_status not in TRANSITIONS[enrollment.status]:
        raise ValidationError(
            _("An enrollment that is %(current)s cannot become %(new)s.")
            % {"current": enrollment.get_status_display().lower(), "new": Status(to_status).label.lower()}
        )
    return enrollment, enrollment.status


@transaction.atomic
def enrollment_apply(*, participant, cohort: Cohort) -> Enrollment:
    """A participant asks for a place in a cohort."""
    if participant.intake_completed_at is None:
        raise ValidationError(_("Complete your profile before you apply."))
    if cohort.end_date and cohort.end_date < timezone.localdate():
        raise ValidationError(_("This cohort has already ended."))
    # No enrollment deadline exists: a cohort takes applications until the day it starts. Later,
    # only a navigator or the provider can enroll someone (enrollment_create).
    if not cohort.takes_applications():
        raise ValidationError(_("This cohort has already started: apply to a later one."))
    if not cohort.program.is_active:
        raise ValidationError(_("This program is not taking applications."))
    if Enrollment.objects.filter(participant=participant, cohort=cohort).exists():
        raise ValidationError(_("You have already applied to this cohort."))
    enrollment = Enrollment.objects.create(
        participant=participant,
        cohort=cohort,
        status=Status.APPLIED,
        origin=Enrollment.Origin.APPLICATION,
        partner_confirmed_at=timezone.now(),  # the person made this link themself
    )
    _record(enrollment, "", participant.user)
    notify_each(
        recipients=User.objects.filter(
            provider_staff__provider=cohort.program.provider_id, role=Role.PROVIDER, is_active=True
        ).order_by("pk"),
        kind=Kind.PROGRAM_APPLICATION_NEW,
        key=f"enrollment:{enrollment.pk}:applied",
        context={
            "name": " ".join(participant.user.display_name.split()),
            "program": cohort.program.name,
            "start_date": _day(cohort.start_date),
        },
        url=reverse("programs:cohort_roster", args=[cohort.pk]),
        about=participant.user,
    )
    return enrollment


def _day(day):
    return day_text(day)  # lazy: in the recipient's language


def _status_notify(enrollment: Enrollment, before: str) -> None:
    """Tell the participant their enrollment's news (admitted, not admitted, enrolled), once per
    status. Not while the link waits for their confirmation: the confirmation request tells them."""
    if enrollment.partner_confirmed_at is None:
        return
    if enrollment.status == Status.ENROLLED:
        kind, what = (
            (Kind.PROGRAM_ADMITTED, "admitted")
            if before == Status.APPLIED
            else (Kind.PROGRAM_ENROLLED, "enrolled")
        )
    elif enrollment.status == Status.NOT_ADMITTED:
        kind, what = Kind.PROGRAM_NOT_ADMITTED, "not_admitted"
    else:
        return
    program = enrollment.cohort.program
    notify(
        recipient=enrollment.participant.user,
        kind=kind,
        key=f"enrollment:{enrollment.pk}:{what}",
        context={
            "program": program.name,
            "provider": program.provider.name,
            "start_date": _day(enrollment.cohort.start_date),
            "reason": enrollment.note if enrollment.status == Status.NOT_ADMITTED else "",
        },
        url=reverse("participants:home"),
    )


@transaction.atomic
def enrollment_create(*, participant, cohort: Cohort, by, note: str = "") -> Enrollment:
    """Enroll someone directly (a navigator or the provider), without an application first."""
    existing = Enrollment.objects.filter(participant=participant, cohort=cohort).first()
    if existing is not None:
        if existing.status == Status.APPLIED:
            return enrollment_enroll(enrollment=existing, by=by)
        raise ValidationError(_("This person already has an enrollment in this cohort."))
    _lock_cohort_with_room(cohort)
    by_provider = access.has_role(by, Role.PROVIDER)
    confirmed = not by_provider or has_confirmed_link(
        participant=participant, provider=cohort.program.provider
    )
    enrollment = Enrollment.objects.create(
        participant=participant,
        cohort=cohort,
        status=Status.ENROLLED,
        enrolled_on=timezone.localdate(),
        note=note,
        origin=Enrollment.Origin.PROVIDER if by_provider else Enrollment.Origin.NAVIGATOR,
        # A navigator's or grant staff's referral is a link the person's side made; a provider's
        # own waits for the person (or their navigator) to confirm it, unless they already have one.
        partner_confirmed_at=timezone.now() if confirmed else None,
    )
    _record(enrollment, "", by)
    outcomes_changed()
    _status_notify(enrollment, "")
    return enrollment


@transaction.atomic
def enrollment_enroll(*, enrollment: Enrollment, by) -> Enrollment:
    enrollment, before = _transition(enrollment, Status.ENROLLED)
    _lock_cohort_with_room(enrollment.cohort)
    enrollment.status = Status.ENROLLED
    enrollment.enrolled_on = timezone.localdate()
    enrollment.save(update_fields=["status", "enrolled_on", "updated_at"])
    _record(enrollment, before, by)
    outcomes_changed()
    _status_notify(enrollment, before)
    return enrollment


@transaction.atomic
def enrollment_not_admit(*, enrollment: Enrollment, by, note: str = "") -> Enrollment:
    """Not admitted, for good: it needs a reason, which the person reads (their notification)."""
    if not note.strip():
        raise ValidationError({"note": _("Tell the person why they were not admitted: they will read it.")})
    enrollment, before = _transition(enrollment, Status.NOT_ADMITTED)
    enrollment.status = Status.NOT_ADMITTED
    enrollment.note = note.strip() or enrollment.note
    enrollment.save(update_fields=["status", "note", "updated_at"])
    _record(enrollment, before, by, note=note)
    _status_notify(enrollment, before)
    return enrollment


@transaction.atomic
def enrollment_activate(*, enrollment: Enrollment, by) -> Enrollment:
    enrollment, before = _transition(enrollment, Status.ACTIVE)
    enrollment.status = Status.ACTIVE
    enrollment.save(update_fields=["status", "updated_at"])
    _record(enrollment, before, by)
    outcomes_changed()
    return enrollment


@transaction.atomic
def enrollment_complete(
    *,
    enrollment: Enrollment,
    by,
    end_date: date,
    credential_type: str = "",
    credential_name: str = "",
    credential_issuer: str = "",
    credential_date: date | None = None,
) -> Enrollment:
    """Completion, with the credential earned if any (type and name together)."""
    enrollment, before = _transition(enrollment, Status.COMPLETED)
    _check_end_date(enrollment, end_date)
    enrollment.status = Status.COMPLETED
    enrollment.end_date = end_date
    enrollment.save(update_fields=["status", "end_date", "updated_at"])
    if credential_type or credential_name:
        credential_record(
            enrollment=enrollment,
            type=credential_type,
            name=credential_name,
            issuer=credential_issuer or enrollment.cohort.program.provider.name,
            awarded_on=credential_date or end_date,
        )
    _record(enrollment, before, by)
    outcomes_changed()
    return enrollment


@transaction.atomic
def enrollment_withdraw(
    *, enrollment: Enrollment, by, reason: str, end_date: date, note: str = ""
) -> Enrollment:
    enrollment, before = _transition(enrollment, Status.WITHDRAWN)
    if reason not in WithdrawalReason.values:
        raise ValidationError({"reason": _("Choose the reason from the list.")})
    if reason == WithdrawalReason.OTHER and not note.strip():
        raise ValidationError({"note": _("Say what the other reason was.")})
    _check_end_date(enrollment, end_date)
    enrollment.status = Status.WITHDRAWN
    enrollment.withdrawal_reason = reason
    enrollment.end_date = end_date
    enrollment.note = note.strip() or enrollment.note
    enrollment.save(update_fields=["status", "withdrawal_reason", "end_date", "note", "updated_at"])
    _record(enrollment, before, by, note=note)
    outcomes_changed()
    return enrollment


def _check_credential(*, type: str, name: str, issuer: str, awarded_on: date) -> None:
    if type not in CredentialType.values:
        raise ValidationError({"credential_type": _("Choose the credential type from the list.")})
    if not name.strip():
        raise ValidationError({"credential_name": _("Give the credential's name.")})
    if awarded_on > timezone.localdate():
        raise ValidationError({"credential_date": _("The date cannot be in the future.")})


def credential_record(
    *, enrollment: Enrollment, type: str, name: str, issuer: str, awarded_on: date
) -> Credential:
    """Record (or correct) the credential an enrollment earned."""
    _check_credential(type=type, name=name, issuer=issuer, awarded_on=awarded_on)
    credential, _created = Credential.objects.update_or_create(
        enrollment=enrollment,
        defaults={
            "participant_id": enrollment.participant_id,
            "type": type,
            "name": name.strip(),
            "issuer": issuer.strip(),
            "awarded_on": awarded_on,
        },
    )
    outcomes_changed()
    return credential


# --- Roster import (programs/imports.py plans; these write) ---------------------------


def has_confirmed_link(*, participant, provider) -> bool:
    """Whether ``participant`` has an enrollment at ``provider`` that they (or their navigator) made
    or confirmed."""
    return access.confirmed_enrollments_at(provider.pk).filter(participant=participant).exists()


@transaction.atomic
def enrollment_link_confirm(*, enrollment: Enrollment, by) -> Enrollment:
    """The participant (or their navigator) confirms an enrollment a provider made: the provider
    may read their record from now on."""
    if not access.can_confirm_enrollment(by, enrollment):
        raise PermissionDenied
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.partner_confirmed_at is None:
        enrollment.partner_confirmed_at = timezone.now()
        enrollment.partner_declined_at = None
        enrollment.save(update_fields=["partner_confirmed_at", "partner_declined_at", "updated_at"])
        outcomes_changed()
    return enrollment


def enrollment_confirmation_request(*, enrollment: Enrollment) -> None:
    """Email an existing participant that a provider says they are enrolled (after the commit):
    they answer on their home page. A new participant gets the account invitation instead."""
    address = enrollment.participant.user.email
    language = user_language(enrollment.participant.user)
    provider = enrollment.cohort.program.provider.name
    program = enrollment.cohort.program.name

    def send_request():
        with translation.override(language):  # the participant's language, not the provider's
            send_mail(
                _("Please confirm your training with %(provider)s") % {"provider": provider},
                _(
                    "%(provider)s says you are enrolled in %(program)s. They cannot see your record until "
                    "you confirm. Sign in to the MTW Portal (%(path)s) and answer yes or no on your home page."  # noqa: E501
                )
                % {"provider": provider, "program": program, "path": reverse("participants:home")},
                None,
                [address],
                fail_silently=True,
            )

    transaction.on_commit(send_request)


@transaction.atomic
def enrollment_link_decline(*, enrollment: Enrollment, by) -> Enrollment:
    """The participant (or their navigator) says no: the provider keeps its roster row (an email,
    "not confirmed") and never reads the record through it."""
    if not access.can_confirm_enrollment(by, enrollment):
        raise PermissionDenied
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.partner_confirmed_at is not None:
        raise ValidationError(_("This enrollment is already confirmed."))
    if enrollment.partner_declined_at is None:
        enrollment.partner_declined_at = timezone.now()
        enrollment.save(update_fields=["partner_declined_at", "updated_at"])
    return enrollment


@transaction.atomic
def enrollment_roster_save(
    *, enrollment: Enrollment | None, participant, cohort: Cohort, by, confirmed: bool = False, **fields
) -> Enrollment:
    """Create (``enrollment=None``) or update an enrollment as a provider's roster says.

    The roster is the provider's record, so it may move an enrollment in any direction (the
    portal's TRANSITIONS do not apply); the database constraints still hold. The importer has
    checked the rows and the seats; an event records the creation and every change of status.
    """
    created = enrollment is None
    enrollment = enrollment or Enrollment(
        participant=participant,
        cohort=cohort,
        origin=Enrollment.Origin.IMPORT,
        # ``confirmed``: the person already has a confirmed link to this provider (the importer
        # checks it for every row at once); otherwise the row waits for the person's confirmation.
        partner_confirmed_at=timezone.now() if confirmed else None,
    )
    before = "" if created else enrollment.status
    for name, value in fields.items():
        setattr(enrollment, name, value)
    # Field checks only: the constraints are the database's (no query per row).
    enrollment.full_clean(
        exclude=["participant", "cohort"], validate_unique=False, validate_constraints=False
    )
    enrollment.save()
    if created or enrollment.status != before:
        _record(enrollment, before, by, source="import", note="Roster import")
        _status_notify(enrollment, before)
    outcomes_changed()
    return enrollment


def enrollment_roster_build(*, participant, cohort: Cohort, confirmed: bool = False, **fields) -> Enrollment:
    """A new enrollment a roster names, checked and unsaved, for :func:`enrollments_roster_create`:
    what :func:`enrollment_roster_save` makes of ``enrollment=None``."""
    enrollment = Enrollment(
        participant=participant,
        cohort=cohort,
        origin=Enrollment.Origin.IMPORT,
        partner_confirmed_at=timezone.now() if confirmed else None,
        **fields,
    )
    enrollment.full_clean(
        exclude=["participant", "cohort"], validate_unique=False, validate_constraints=False
    )
    return enrollment


def enrollment_roster_build_credential(*, enrollment: Enrollment, credential: dict) -> None:
    """The credential a new enrollment of :func:`enrollment_roster_build` earned (``credential``:
    :func:`credential_record`'s arguments), checked as that service checks it, written with it."""
    _check_credential(**credential)
    enrollment.roster_new_credential = credential


@transaction.atomic
def enrollments_roster_create(*, enrollments: list[Enrollment], by) -> list[Enrollment]:
    """Create the new enrollments of a roster at once (from :func:`enrollment_roster_build`): the
    enrollments, their first events, the credentials they earned and their change history in a few
    inserts whatever their number; the notices :func:`enrollment_roster_save` sends (only to people
    already linked to the provider); the figures' refresh requested once."""
    if not enrollments:
        return enrollments
    bulk_insert(Enrollment, enrollments, batch_size=1000)
    bulk_insert(
        EnrollmentEvent,
        [
            EnrollmentEvent(
                enrollment=enrollment,
                from_status="",
                to_status=enrollment.status,
                actor=by,
                source="import",
                note="Roster import",
            )
            for enrollment in enrollments
        ],
        batch_size=1000,
    )
    credentials = [
        Credential(
            enrollment=enrollment,
            participant_id=enrollment.participant_id,
            type=wanted["type"],
            name=wanted["name"].strip(),
            issuer=wanted["issuer"].strip(),
            awarded_on=wanted["awarded_on"],
        )
        for enrollment in enrollments
        if (wanted := getattr(enrollment, "roster_new_credential", None))
    ]
    bulk_insert(Credential, credentials, batch_size=1000)
    change_history_record_created([*enrollments, *credentials])
    for enrollment in enrollments:
        _status_notify(enrollment, "")  # nothing for a link awaiting the person's confirmation
    outcomes_changed()
    return enrollments


# --- Six months after completion -------------------------------------------------------------


@transaction.atomic
def completion_follow_up_record(*, enrollment: Enrollment, status: str, by, note: str = ""):
    """Record what became of someone six months after completing ``enrollment`` (the funder's
    quarterly report counts it). Recording again updates the one row: the last record holds."""
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.status != Status.COMPLETED:
        raise ValidationError(_("A follow-up can only be recorded for completed training."))
    if status not in CompletionFollowUp.Status.values:
        raise ValidationError({"status": _("Choose the status from the list.")})
    follow_up = CompletionFollowUp.objects.filter(enrollment=enrollment).first() or CompletionFollowUp(
        enrollment=enrollment
    )
    follow_up.status = status
    follow_up.note = note.strip()
    follow_up.recorded_by = by
    follow_up.recorded_at = timezone.now()
    follow_up.full_clean()
    follow_up.save()
    return follow_up


# How far back a follow-up that came due is still announced (the first run does not announce years).
FOLLOW_UP_NOTICE_DAYS = 60


def follow_ups_due_notify(*, today: date | None = None) -> int:
    """Daily: the navigator of each person whose six-month follow-up came due (and is not recorded)
    hears of it, once (the key is the enrollment). No navigator: the organization's navigators.
    The person gets a reminder to check in, once. Returns the navigators' notices."""
    today = today or timezone.localdate()
    due = (
        Enrollment.objects.filter(
            status=Status.COMPLETED,
            end_date__lte=add_months(today, -6),
            end_date__gte=add_months(today - timedelta(days=FOLLOW_UP_NOTICE_DAYS), -6),
            follow_up__isnull=True,
            participant__deactivated_at__isnull=True,
        )
        .select_related("participant__user", "participant__navigator__user", "cohort__program")
        .order_by("end_date", "pk")
    )
    count = 0
    for enrollment in due:
        if follow_up_due(enrollment.end_date) > today:
            continue
        participant = enrollment.participant
        # The person is asked to check in (their own reminder; not counted in the return value).
        with transaction.atomic():
            notify(
                recipient=participant.user,
                kind=Kind.CHECK_IN_DUE,
                key=f"check_in:{enrollment.pk}",
                context={"program": enrollment.cohort.program.name},
                url=reverse("participants:home"),
            )
        if participant.navigator_id:
            recipients = [participant.navigator.user]
        elif participant.organization_id:
            recipients = User.objects.filter(
                navigator__organization_id=participant.organization_id, role=Role.NAVIGATOR, is_active=True
            ).order_by("pk")
        else:
            continue
        with transaction.atomic():
            count += notify_each(
                recipients=recipients,
                kind=Kind.FOLLOW_UP_DUE,
                key=f"follow_up:{enrollment.pk}",
                context={
                    "name": " ".join(participant.user.display_name.split()),
                    "program": enrollment.cohort.program.name,
                    "due_on": _day(follow_up_due(enrollment.end_date)),
                },
                url=reverse("participants:detail", args=[participant.pk]),
                about=participant.user,
            )
    return count
