"""Writes for participants: intake, navigators and caseloads, case notes, the support ledger."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, UNUSABLE_PASSWORD_SUFFIX_LENGTH
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from mtw_portal import access
from mtw_portal.accounts.models import Role, User
from mtw_portal.accounts.services import invitation_create, invitations_create_for_new
from mtw_portal.audit.services import change_history_forget_participant, change_history_record_created
from mtw_portal.core.bulk import bulk_insert
from mtw_portal.core.changes import outcomes_changed
from mtw_portal.core.services import grant_settings
from mtw_portal.notifications.models import Kind
from mtw_portal.notifications.services import notifications_forget, notify, notify_each
from mtw_portal.notifications.sms import e164
from participants.models import (
    BudgetLine,
    CaseNote,
    CommunityOrganization,
    Navigator,
    Participant,
    PendingReceipt,
    SupportItem,
    SupportRequest,
    SupportType,
)
from participants.validators import receipt_kind, validate_receipt
from placements.models import RetentionCheck
from programs.models import CompletionFollowUp, EnrollmentEvent


def navigator_set(*, user, organization: CommunityOrganization) -> Navigator:
    navigator, _created = Navigator.objects.update_or_create(
        user=user, defaults={"organization": organization}
    )
    access.memberships_forget(user)
    return navigator


def navigator_remove(*, user) -> None:
    # One save per person, not queryset.update(): the change history records each move.
    for participant in Participant.objects.filter(navigator__user=user):
        participant.navigator, participant.navigator_since = None, timezone.now()
        participant.save(update_fields=["navigator", "navigator_since"])
    Navigator.objects.filter(user=user).delete()
    access.memberships_forget(user)


def memberships_for_role(sender, *, user, role, organization, **_signal) -> None:
    """Receives ``accounts.signals.role_granted``: a navigator's membership for the navigator role
    (none for another); a participant's record for the participant role."""
    navigator_remove(user=user)
    if role == Role.NAVIGATOR:
        navigator_set(user=user, organization=organization)
    elif role == Role.PARTICIPANT:
        participant_ensure(user=user)


# --- Participants ----------------------------------------------------------------------


def participant_ensure(*, user) -> Participant:
    """The participant record of ``user``, created if missing (sign-up, roster import)."""
    participant, _created = Participant.objects.get_or_create(user=user)
    return participant


INTAKE_FIELDS = (
    "phone",
    "sms_opt_in",
    "preferred_language",
    "zip_code",
    "date_of_birth",
    "employment_status",
    "education",
    "ethnicity",
    "race",
    "gender",
    "veteran",
    "disability",
    "barrier_transportation",
    "barrier_childcare",
    "barrier_technology",
    "barrier_finances",
    "barrier_other",
    "organization",
    "consent_to_share",
    "wioa_coenrolled",
    "wioa_consent",
)

# PIRL 100 is at most 12 characters; the prefix tells the board whose identifier it is.
WIOA_ID_PREFIX = "MTW"
_WIOA_ID_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over a phone


def _new_wioa_id() -> str:
    while True:
        candidate = WIOA_ID_PREFIX + "".join(secrets.choice(_WIOA_ID_ALPHABET) for _ in range(9))
        if not Participant.objects.filter(wioa_id=candidate).exists():
            return candidate


@transaction.atomic
def participant_intake_save(
    *, participant: Participant, first_name: str, last_name: str, **fields
) -> Participant:
    """Save the intake profile (first time or a correction). Names live on the user account."""
    unknown = set(fields) - set(INTAKE_FIELDS)
    if unknown:
        raise TypeError(f"unknown intake fields: {sorted(unknown)}")
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    user = participant.user
    user.first_name, user.last_name = first_name.strip(), last_name.strip()
    if not user.first_name or not user.last_name:
        raise ValidationError({"first_name": _("Tell us your first and last name.")})
    was_consenting = participant.consent_to_share
    was_sharing_with_board = participant.wioa_consent
    first_intake, organization_before = participant.intake_completed_at is None, participant.organization_id
    for name, value in fields.items():
        setattr(participant, name, value)
    if participant.date_of_birth and participant.date_of_birth > timezone.localdate():
        raise ValidationError({"date_of_birth": _("The date of birth cannot be in the future.")})
    if participant.sms_opt_in and not participant.phone.strip():
        raise ValidationError({"sms_opt_in": _("Give your mobile number to receive text messages.")})
    if participant.sms_opt_in and not e164(participant.phone):
        raise ValidationError(
            {"sms_opt_in": _("Give a mobile number we can text, with its area code, like 305-555-0100.")}
        )
    if participant.consent_to_share != was_consenting:
        participant.consent_at = timezone.now()  # when the current answer was given (or withdrawn)
    if participant.wioa_consent and not participant.wioa_coenrolled:
        raise ValidationError(
            {
                "wioa_consent": _(
                    "Tick “I am also served by CareerSource South Florida” first: the record is only "
                    "shared with the board for people it also serves."
                )
            }
        )
    if participant.wioa_consent != was_sharing_with_board:
        participant.wioa_consent_at = timezone.now()  # given, or withdrawn: out of the next extract
    if participant.wioa_consent and not participant.wioa_id:
        participant.wioa_id = _new_wioa_id()
    moved = participant.navigator_id and participant.navigator.organization_id != participant.organization_id
    if moved:
        participant.navigator = None  # another organization now: back to its queue
        participant.navigator_since = timezone.now()
    participant.intake_completed_at = participant.intake_completed_at or timezone.now()
    participant.full_clean(exclude=["user"])
    # One language for the person: the one saved here is also the portal's and their emails'.
    user.language = participant.preferred_language
    user.save(update_fields=["first_name", "last_name", "language"])
    participant.save()
    if participant.navigator_id is None and (
        first_intake or participant.organization_id != organization_before
    ):
        queue_arrival_notify(participant=participant)
    return participant


def _name(user) -> str:
    return " ".join(user.display_name.split())


def organization_navigators(organization_id, *, exclude=None):
    """The active navigators of an organization (the people who hear about its queue and support)."""
    users = User.objects.filter(
        navigator__organization_id=organization_id, role=Role.NAVIGATOR, is_active=True
    ).order_by("pk")
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return users


def queue_arrival_notify(*, participant: Participant) -> int:
    """Tell the navigators of the participant's organization that someone waits in its queue."""
    if participant.organization_id is None or participant.navigator_id is not None:
        return 0
    return notify_each(
        recipients=organization_navigators(participant.organization_id),
        kind=Kind.QUEUE_NEW_PERSON,
        key=f"queue:{participant.pk}:{participant.organization_id}",
        context={"name": _name(participant.user), "organization": participant.organization.name},
        url=reverse("participants:caseload"),
        about=participant.user,
    )


@transaction.atomic
def participant_assign(
    *,
    participant: Participant,
    navigator: Navigator | None,
    by,
    organization: CommunityOrganization | None = None,
    from_queue: bool = False,
) -> Participant:
    """Put a participant in a navigator's caseload (or back in the queue with ``navigator=None``).

    Navigators take people of their own organization only; grant staff may also move a
    participant to another organization. With ``from_queue`` (a navigator taking someone from
    the queue) it refuses a participant whom another navigator took in the meantime.
    """
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if not access.can_see_case_notes(by, participant):
        raise ValidationError(_("You cannot assign participants of another organization."))
    if from_queue and participant.navigator_id is not None:
        if navigator is not None and participant.navigator_id == navigator.pk:
            return participant
        raise ValidationError(_("Another navigator has already taken this participant."))
    organization_before = participant.organization_id
    if organization is not None and organization.pk != participant.organization_id:
        if not access.is_grant_staff(by):
            raise ValidationError(_("Only grant staff can move a participant to another organization."))
        participant.organization = organization
    if navigator is not None:
        if participant.organization_id is None:
            participant.organization = navigator.organization
        if navigator.organization_id != participant.organization_id:
            raise ValidationError(_("This navigator works for another organization."))
        if not access.is_grant_staff(by) and not (
            access.has_role(by, Role.NAVIGATOR)
            and access.navigator_for(by).organization_id == navigator.organization_id
        ):
            raise ValidationError(_("You cannot assign participants of another organization."))
    moved = participant.organization_id != organization_before
    if participant.navigator_id != (navigator.pk if navigator else None):
        participant.navigator_since = timezone.now()
    participant.navigator = navigator
    participant.save(update_fields=["navigator", "organization", "navigator_since"])
    if moved and navigator is None:
        queue_arrival_notify(participant=participant)
    return participant


BULK_ASSIGN_MAX = 100


@transaction.atomic
def participant_assign_bulk(*, participant_ids, navigator: Navigator, by) -> list[Participant]:
    """Put several people from the queue in ``navigator``'s caseload at once: all or none.

    A navigator takes people for themself, from their own organization's queue; grant staff put
    people from any queue with a navigator of the person's organization. Someone ``by`` cannot
    see, or whom another navigator took in the meantime, refuses the whole batch.
    """
    ids = sorted({int(pk) for pk in participant_ids})
    if not ids:
        raise ValidationError(_("Choose at least one person."))
    if len(ids) > BULK_ASSIGN_MAX:
        raise ValidationError(_("Choose at most %(max)s people at once.") % {"max": BULK_ASSIGN_MAX})
    if not access.is_grant_staff(by) and not (
        access.has_role(by, Role.NAVIGATOR) and access.navigator_for(by).pk == navigator.pk
    ):
        raise ValidationError(_("You can only take people into your own caseload."))
    people = list(
        access.participants_visible_to(by).filter(pk__in=ids, deactivated_at__isnull=True).order_by("pk")
    )
    if len(people) != len(ids):
        raise ValidationError(_("You cannot assign participants of another organization."))
    return [
        participant_assign(participant=person, navigator=navigator, by=by, from_queue=True)
        for person in people
    ]


# --- Case notes ------------------------------------------------------------------------


CASE_NOTE_MAX_LENGTH = 5000


def case_note_add(*, participant: Participant, author, body: str) -> CaseNote:
    if not access.can_see_case_notes(author, participant):
        raise ValidationError(_("You cannot write notes on this participant."))
    body = body.strip()
    if len(body) > CASE_NOTE_MAX_LENGTH:  # a TextField's max_length is not checked by full_clean()
        raise ValidationError(
            {"body": _("A note can be at most %(max)s characters.") % {"max": CASE_NOTE_MAX_LENGTH}}
        )
    note = CaseNote(participant=participant, author=author, body=body)
    note.full_clean()
    note.save()
    return note


# --- Support ledger ---------------------------------------------------------------------


CENT = Decimal("0.01")


def _check_amount(amount: Decimal | None, field: str = "amount") -> None:
    if amount is None or not amount.is_finite() or amount <= 0:
        raise ValidationError({field: _("The amount must be more than zero.")})
    cap = Decimal(settings.MTW_SUPPORT_ITEM_CAP)
    if amount > cap:
        raise ValidationError({field: _("One item cannot be more than $%(cap)s.") % {"cap": f"{cap:,.2f}"}})
    # 2.250 is two decimals' worth; 2.255 is not (compare values, not the written exponent).
    if amount != amount.quantize(CENT, rounding=ROUND_DOWN):
        raise ValidationError({field: _("Use dollars and cents (at most two decimals).")})


def _check_given_on(given_on: date | None) -> None:
    if given_on is None:
        raise ValidationError({"given_on": _("Give the date the support was given.")})
    if given_on > timezone.localdate():
        raise ValidationError({"given_on": _("The date cannot be in the future.")})


def needs_second_approval(amount: Decimal) -> bool:
    return amount > Decimal(settings.MTW_SUPPORT_APPROVAL_THRESHOLD)


@transaction.atomic
def support_item_log(
    *,
    participant: Participant,
    by,
    type: str,
    amount: Decimal,
    given_on: date,
    budget_line: BudgetLine,
    description: str = "",
    receipt=None,
    pending_receipt: PendingReceipt | None = None,
    request: SupportRequest | None = None,
) -> SupportItem:
    """Record support given. Above the approval threshold it waits for a second person.

    ``pending_receipt``: a receipt kept when the form came back with errors (only its uploader's);
    attached unless a new ``receipt`` replaces it, and deleted either way once the item is saved."""
    if not access.can_manage_support(by, participant):
        raise ValidationError(_("You cannot log support for this participant."))
    if request is not None and request.participant_id != participant.pk:
        raise ValidationError(_("This request is another participant's."))
    _check_amount(amount)
    amount = amount.quantize(CENT)  # 2.250 is stored as 2.25
    _check_given_on(given_on)
    if not budget_line.is_active:
        raise ValidationError({"budget_line": _("This budget line is closed: choose another.")})
    if not receipt and pending_receipt is not None:
        receipt = _pending_receipt_content(pending=pending_receipt, by=by)
    if receipt:
        validate_receipt(receipt)
        # Stored under a name of our own whose extension matches the content, never the sender's.
        receipt.name = f"receipt.{receipt_kind(receipt)}"
    item = SupportItem(
        participant=participant,
        type=type,
        amount=amount,
        given_on=given_on,
        budget_line=budget_line,
        description=description.strip(),
        receipt=receipt or "",
        logged_by=by,
        request=request,
        state=SupportItem.State.AWAITING_APPROVAL
        if needs_second_approval(amount)
        else SupportItem.State.APPROVED,
    )
    item.full_clean(exclude=["receipt"])
    item.save()
    if pending_receipt is not None:
        pending_receipt_discard(pending=pending_receipt)
    outcomes_changed()
    if item.state == SupportItem.State.AWAITING_APPROVAL:
        _approval_waiting_notify(item=item, by=by)
    else:
        _support_decision_notify(item=item)
    return item


def _support_label(item_or_request):
    """The kind of support, lazy: the notification renders it in its recipient's language."""
    return SupportType(item_or_request.type).label


def _approval_waiting_notify(*, item: SupportItem, by) -> int:
    """An item above the threshold waits for a second person: the other navigators of the
    participant's organization hear of it (grant staff, when nobody else there could decide)."""
    recipients = list(organization_navigators(item.participant.organization_id, exclude=by))
    if not recipients:
        recipients = list(
            User.objects.filter(role=Role.STAFF, is_active=True).exclude(pk=by.pk).order_by("pk")
        )
    return notify_each(
        recipients=recipients,
        kind=Kind.SUPPORT_APPROVAL_WAITING,
        key=f"support_item:{item.pk}:waiting",
        context={
            "name": _name(item.participant.user),
            "support": _support_label(item),
            "amount": item.amount,
            "by": _name(by),
        },
        url=reverse("participants:support_ledger"),
        about=item.participant.user,
    )


def _support_decision_notify(*, item: SupportItem) -> None:
    """The participant hears that support logged for them was approved, or rejected."""
    approved = item.state == SupportItem.State.APPROVED
    notify(
        recipient=item.participant.user,
        kind=Kind.SUPPORT_APPROVED if approved else Kind.SUPPORT_DECLINED,
        key=f"support_item:{item.pk}:{'approved' if approved else 'rejected'}",
        context={"support": _support_label(item), "amount": item.amount},
        url=reverse("participants:home"),
    )


@transaction.atomic
def support_item_decide(*, item: SupportItem, by, approve: bool, note: str = "") -> SupportItem:
    """The second person's decision on an item above the threshold. Never the person who logged it.

    A rejection needs a reason (``note``), which the participant reads when the item answered their
    request; the request then reads Approved or Declined, no longer "waiting for a second approval".
    """
    item = SupportItem.objects.select_for_update().select_related("participant").get(pk=item.pk)
    if not access.can_manage_support(by, item.participant):
        raise ValidationError(_("You cannot approve support for this participant."))
    if item.state != SupportItem.State.AWAITING_APPROVAL:
        raise ValidationError(_("This item has already been decided."))
    if item.logged_by_id == by.pk:
        raise ValidationError(_("A second person must approve: you logged this item yourself."))
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationError({"note": _("Say why the support is rejected.")})
    item.state = SupportItem.State.APPROVED if approve else SupportItem.State.REJECTED
    item.decided_by = by
    item.decided_at = timezone.now()
    item.decision_note = note
    item.full_clean(exclude=["receipt"])
    item.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    if item.request_id is not None:
        support_request = SupportRequest.objects.select_for_update().get(pk=item.request_id)
        if support_request.state == SupportRequest.State.AWAITING_APPROVAL:
            support_request.state = (
                SupportRequest.State.APPROVED if approve else SupportRequest.State.DECLINED
            )
            if not approve:
                support_request.decision_note = note
            support_request.save(update_fields=["state", "decision_note"])
    outcomes_changed()
    _support_decision_notify(item=item)
    return item


def support_request_create(
    *, participant: Participant, type: str, details: str, amount: Decimal | None = None
):
    if amount is not None and amount <= 0:
        raise ValidationError({"amount": _("The amount must be more than zero.")})
    if SupportRequest.objects.filter(participant=participant, state=SupportRequest.State.OPEN).count() >= 5:
        raise ValidationError(_("You already have five open requests: a navigator will answer them soon."))
    support_request = SupportRequest(
        participant=participant, type=type, details=details.strip(), amount=amount
    )
    support_request.full_clean()
    support_request.save()
    if participant.navigator_id:
        recipients = [participant.navigator.user]
    else:
        recipients = (
            organization_navigators(participant.organization_id) if participant.organization_id else []
        )
    notify_each(
        recipients=recipients,
        kind=Kind.SUPPORT_REQUEST_NEW,
        key=f"support_request:{support_request.pk}:new",
        context={"name": _name(participant.user), "support": _support_label(support_request)},
        url=reverse("participants:support_request_decide", args=[support_request.pk]),
        about=participant.user,
    )
    return support_request


def _open_request(support_request: SupportRequest) -> SupportRequest:
    support_request = (
        SupportRequest.objects.select_for_update().select_related("participant").get(pk=support_request.pk)
    )
    if support_request.state != SupportRequest.State.OPEN:
        raise ValidationError(_("This request has already been answered."))
    return support_request


@transaction.atomic
def support_request_approve(
    *,
    support_request: SupportRequest,
    by,
    amount: Decimal,
    given_on: date,
    budget_line: BudgetLine,
    note: str = "",
    receipt=None,
    pending_receipt: PendingReceipt | None = None,
) -> SupportItem:
    """Approve a request by logging the support given for it (above the threshold, the request
    then waits for a second approval, as its item does)."""
    support_request = _open_request(support_request)
    item = support_item_log(
        participant=support_request.participant,
        by=by,
        type=support_request.type,
        amount=amount,
        given_on=given_on,
        budget_line=budget_line,
        # The ledger line keeps the start of the note; the whole note goes to the participant.
        description=note.strip()[: SupportItem._meta.get_field("description").max_length],
        receipt=receipt,
        pending_receipt=pending_receipt,
        request=support_request,
    )
    # Above the threshold it is not approved yet: the participant reads that it waits for a second
    # approval until the item is decided (support_item_decide).
    support_request.state = (
        SupportRequest.State.AWAITING_APPROVAL
        if item.state == SupportItem.State.AWAITING_APPROVAL
        else SupportRequest.State.APPROVED
    )
    support_request.decided_by = by
    support_request.decided_at = timezone.now()
    support_request.decision_note = note.strip()
    support_request.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    return item


@transaction.atomic
def support_request_decline(*, support_request: SupportRequest, by, note: str) -> SupportRequest:
    support_request = _open_request(support_request)
    if not access.can_manage_support(by, support_request.participant):
        raise ValidationError(_("You cannot answer requests of this participant."))
    if not note.strip():
        raise ValidationError({"note": _("Tell the participant why.")})
    support_request.state = SupportRequest.State.DECLINED
    support_request.decided_by = by
    support_request.decided_at = timezone.now()
    support_request.decision_note = note.strip()
    support_request.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    notify(
        recipient=support_request.participant.user,
        kind=Kind.SUPPORT_DECLINED,
        key=f"support_request:{support_request.pk}:declined",
        context={"support": _support_label(support_request), "note": support_request.decision_note},
        url=reverse("participants:home"),
    )
    return support_request


@transaction.atomic
def participant_create_invited(
    *, email: str, first_name: str, last_name: str, zip_code: str = "", by=None, invite: bool = True
):
    """A participant someone else registered (a roster import): an account to claim by emailed invitation.

    ``invite=False`` (demo data only) creates the unclaimed account without emailing anyone."""

    email = email.strip().lower()
    # Lower("email") = the lowercased address: the accounts_user_email_ci_unique index's expression
    # (email__iexact compiles to UPPER(email), which no index serves: a scan of every account).
    if User.objects.annotate(email_lower=Lower("email")).filter(email_lower=email).exists():
        raise ValidationError({"email": _("Someone already has an account with this email address.")})
    user = User(
        email=email, first_name=first_name.strip(), last_name=last_name.strip(), role=Role.PARTICIPANT
    )
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
    participant = Participant(user=user, zip_code=zip_code.strip())
    participant.full_clean(exclude=["user"])
    participant.save()
    if invite:
        invitation_create(user=user, created_by=by)
    return participant


def participant_build_invited(*, email: str, first_name: str, last_name: str, zip_code: str = ""):
    """The unsaved, checked account and participant record of someone a roster names for the first
    time, for :func:`participants_create_invited` (the caller has checked the email is new; the
    database's unique index on the lowercased email still refuses a duplicate)."""
    email = email.strip().lower()
    user = User(
        email=email, first_name=first_name.strip(), last_name=last_name.strip(), role=Role.PARTICIPANT
    )
    # What set_unusable_password() stores ("!" and 40 random characters: no hash ever matches it),
    # drawn in one call instead of 40 (a tenth of the import's time at 10,000 new people).
    user.password = UNUSABLE_PASSWORD_PREFIX + secrets.token_hex(UNUSABLE_PASSWORD_SUFFIX_LENGTH // 2)
    user.full_clean(exclude=["password"], validate_unique=False, validate_constraints=False)
    participant = Participant(user=user, zip_code=zip_code.strip())
    participant.full_clean(exclude=["user"], validate_unique=False, validate_constraints=False)
    return user, participant


@transaction.atomic
def participants_create_invited(*, people: list[tuple], by=None) -> list[Participant]:
    """What :func:`participant_create_invited` does, for many people at once (a roster import): the
    accounts, their email addresses and participant records, their change history and invitations in
    a few inserts, whatever their number, and ONE task after the commit that sends every invitation.
    ``people``: (user, participant) pairs from :func:`participant_build_invited`."""
    users = bulk_insert(User, [user for user, _participant in people], batch_size=1000)
    bulk_insert(
        EmailAddress,
        [EmailAddress(user=user, email=user.email, primary=True, verified=False) for user in users],
        batch_size=1000,
    )
    participants = []
    for user, participant in zip(users, (p for _user, p in people), strict=True):
        participant.user = user
        participants.append(participant)
    bulk_insert(Participant, participants, batch_size=1000)
    change_history_record_created([*users, *participants])
    invitations_create_for_new(users=users, created_by=by)
    return participants


@transaction.atomic
def participant_roster_details_save(*, participant, first_name: str, last_name: str, zip_code: str):
    """Names and ZIP code from a provider's roster, for someone who has not completed intake.

    Once a participant has completed intake, their own answers win and this changes nothing.
    """
    participant = Participant.objects.select_for_update().select_related("user").get(pk=participant.pk)
    if participant.intake_completed_at is not None:
        return participant
    user = participant.user
    user.first_name, user.last_name = first_name.strip(), last_name.strip()
    participant.zip_code = zip_code.strip()
    user.full_clean(exclude=["password"], validate_unique=False, validate_constraints=False)
    participant.full_clean(exclude=["user", "organization", "navigator"])
    user.save(update_fields=["first_name", "last_name"])
    participant.save(update_fields=["zip_code"])
    return participant


# --- Lifecycle: deactivate, reactivate, anonymize ---------------------------------------
# Deactivation is at once and undoable. Anonymization is final, and only after the grant's
# record-keeping period (MTW_RECORD_RETENTION_YEARS after the grant's end date). See README
# "The participant's lifecycle".

DEACTIVATION_REASON_MAX_LENGTH = 300
ANONYMIZED_FIRST_NAME = "Anonymized"
ANONYMIZED_LAST_NAME = "participant"
ANONYMIZED_EMAIL_DOMAIN = "anonymized.invalid"  # .invalid never resolves (RFC 2606)


def user_sessions_end(*, user) -> int:
    """Delete every database session of ``user``: they are signed out on their next request."""
    ended = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            ended.append(session.pk)
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


@transaction.atomic
def participant_deactivate(*, participant: Participant, by, reason: str) -> Participant:
    """Deactivate at once: no more sign-in, every session ended, out of partner lists and queues."""
    if not access.can_deactivate_participant(by, participant):
        raise ValidationError(_("Only grant staff can deactivate a participant."))
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Say why this participant is deactivated.")})
    if len(reason) > DEACTIVATION_REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": _("At most %(max)s characters.") % {"max": DEACTIVATION_REASON_MAX_LENGTH}}
        )
    participant = Participant.objects.select_for_update().select_related("user").get(pk=participant.pk)
    if participant.deactivated_at is not None:
        return participant
    participant.deactivated_at = timezone.now()
    participant.deactivated_by = by
    participant.deactivation_reason = reason
    participant.save(update_fields=["deactivated_at", "deactivated_by", "deactivation_reason"])
    user = participant.user
    user.is_active = False
    user.save(update_fields=["is_active"])
    user_sessions_end(user=user)
    return participant


@transaction.atomic
def participant_reactivate(*, participant: Participant, by) -> Participant:
    """Undo a deactivation (not an anonymization): the person can sign in again."""
    if not access.can_deactivate_participant(by, participant):
        raise ValidationError(_("Only grant staff can reactivate a participant."))
    participant = Participant.objects.select_for_update().select_related("user").get(pk=participant.pk)
    if participant.anonymized_at is not None:
        raise ValidationError(_("An anonymized participant cannot be reactivated."))
    if participant.deactivated_at is None:
        return participant
    participant.deactivated_at = None
    participant.deactivated_by = None
    participant.deactivation_reason = ""
    participant.save(update_fields=["deactivated_at", "deactivated_by", "deactivation_reason"])
    user = participant.user
    user.is_active = True
    user.save(update_fields=["is_active"])
    return participant


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def anonymization_possible_from() -> date | None:
    """The first day on which deactivated participants may be anonymized: the day after the end of
    the record-keeping period (``MTW_RECORD_RETENTION_YEARS`` after the grant's end date). None
    while the grant's end date is not set."""
    end = grant_settings().grant_end_date
    if end is None:
        return None
    return _years_after(end, settings.MTW_RECORD_RETENTION_YEARS) + timedelta(days=1)


def participant_anonymize_refusal(participant: Participant, *, today: date | None = None) -> str:
    """Why ``participant`` cannot be anonymized today, or "" if they can (or already are)."""
    if participant.anonymized_at is not None:
        return ""
    if participant.deactivated_at is None:
        return _("Deactivate the participant first.")
    possible_from = anonymization_possible_from()
    if possible_from is None:
        return _(
            "The grant's end date is not set, so the record-keeping period has not started: "
            "records are kept %(years)s years after the grant ends."
        ) % {"years": settings.MTW_RECORD_RETENTION_YEARS}
    if (today or timezone.localdate()) < possible_from:
        return _(
            "Records are kept %(years)s years after the grant ends: this participant can be "
            "anonymized from %(date)s."
        ) % {"years": settings.MTW_RECORD_RETENTION_YEARS, "date": formats.date_format(possible_from)}
    return ""


def _delete_files_on_commit(files: list) -> None:
    names = [(f.storage, f.name) for f in files if f]

    def delete():
        for storage, name in names:
            storage.delete(name)

    transaction.on_commit(delete)


@transaction.atomic
def participant_anonymize(*, participant: Participant, by=None) -> Participant:
    """Remove the person's identity for good, keeping what the figures count.

    Gone: names, email, phone, date of birth, ZIP code, every free-text field written by or about
    them, uploaded receipts and résumés (from storage, once the transaction commits), sign-in
    (unusable password, sessions, email addresses, authenticators, invitations). Kept: the
    demographic answers and intake categories (they count in equity tables, without identity), and
    enrollments, placements, support items, mentoring and checks with their amounts and dates.
    ``by`` is the grant staff member (None: the management command). Running it twice changes nothing.
    """
    if by is not None and not access.can_deactivate_participant(by, participant):
        raise ValidationError(_("Only grant staff can anonymize a participant."))
    participant = Participant.objects.select_for_update().select_related("user").get(pk=participant.pk)
    if participant.anonymized_at is not None:
        return participant
    refusal = participant_anonymize_refusal(participant)
    if refusal:
        raise ValidationError(refusal)
    user = participant.user

    # Files first (their names are read before the fields are emptied).
    items = participant.support_items.all()
    applications = participant.applications.all()
    _delete_files_on_commit([i.receipt for i in items] + [a.resume for a in applications])
    items.update(receipt="", description="")
    applications.update(resume="", note="")
    participant.support_requests.update(details="", decision_note="")
    participant.case_notes.update(body="")
    enrollments = participant.enrollments.all()
    enrollments.update(note="")
    for model in (EnrollmentEvent, CompletionFollowUp):
        model.objects.filter(enrollment__participant=participant).update(note="")
    RetentionCheck.objects.filter(placement__participant=participant).update(note="")

    # The admin's history names the objects it changed: only ids are left there.
    targets = [(user, user.pk), (participant, participant.pk)]
    content_types = ContentType.objects.get_for_models(user, participant)
    for obj, pk in targets:
        LogEntry.objects.filter(content_type=content_types[obj], object_id=str(pk)).update(
            object_repr=f"{obj._meta.model_name} {pk}"
        )

    participant.phone = ""
    participant.date_of_birth = None
    participant.zip_code = ""
    participant.barrier_other = ""
    participant.deactivation_reason = ""
    participant.anonymized_at = timezone.now()
    participant.save(
        update_fields=[
            "phone",
            "date_of_birth",
            "zip_code",
            "barrier_other",
            "deactivation_reason",
            "anonymized_at",
        ]
    )
    user.first_name = ANONYMIZED_FIRST_NAME
    user.last_name = ANONYMIZED_LAST_NAME
    user.email = f"anonymized-{participant.pk}@{ANONYMIZED_EMAIL_DOMAIN}"
    user.set_unusable_password()
    user.is_active = False
    user.last_login = None
    user.save()
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    user.invitations.all().delete()
    user_sessions_end(user=user)
    # Last: the change history, including the entries the saves above just wrote.
    change_history_forget_participant(participant_id=participant.pk, user_id=user.pk)
    notifications_forget(user=user)
    return participant


def participants_anonymizable(*, today: date | None = None):
    """Deactivated participants whose record-keeping period is over and who are not yet anonymized."""
    possible_from = anonymization_possible_from()
    if possible_from is None or (today or timezone.localdate()) < possible_from:
        return Participant.objects.none()
    return Participant.objects.filter(deactivated_at__isnull=False, anonymized_at__isnull=True).order_by("pk")


# --- Receipts kept while a support form is corrected ---------------------------------------------


@transaction.atomic
def pending_receipt_keep(*, owner: User, upload, replacing: PendingReceipt | None = None) -> PendingReceipt:
    """Keep a receipt chosen on a support form that came back with errors (a browser never sends
    a file back): the checks of a saved receipt (kind by content, size), stored under
    ``pending/`` for ``PendingReceipt.LIFETIME``, usable only by ``owner``. ``replacing``: the
    receipt kept before, which the new one replaces."""
    original_name = upload.name
    validate_receipt(upload)
    upload.name = f"receipt.{receipt_kind(upload)}"
    pending = PendingReceipt(
        token=secrets.token_hex(16),
        owner=owner,
        original_name=original_name.rsplit("/", 1)[-1][:255],
        expires_at=timezone.now() + PendingReceipt.LIFETIME,
    )
    pending.file = upload
    pending.full_clean(exclude=["file"])
    pending.save()
    if replacing is not None and replacing.pk != pending.pk:
        pending_receipt_discard(pending=replacing)
    return pending


def pending_receipt_signed(*, pending: PendingReceipt) -> str:
    """The value of the form's hidden field: the token, signed (a changed one is refused)."""
    return signing.dumps(pending.token, salt=PendingReceipt.SIGNING_SALT)


def _pending_receipt_content(*, pending: PendingReceipt, by) -> ContentFile:
    if pending.owner_id != by.pk or pending.expires_at <= timezone.now():
        raise ValidationError(
            {"receipt": _("The kept receipt can no longer be used: choose the file again.")}
        )
    with pending.file.open("rb") as handle:
        return ContentFile(handle.read(), name=pending.file.name.rsplit("/", 1)[-1])


@transaction.atomic
def pending_receipt_discard(*, pending: PendingReceipt) -> None:
    """The row now, the file once the transaction commits."""
    _delete_files_on_commit([pending.file])
    PendingReceipt.objects.filter(pk=pending.pk).delete()


@transaction.atomic
def pending_receipts_purge(*, now=None) -> int:
    """Nightly: delete the kept receipts that expired, and any file under ``pending/`` older than a
    kept receipt's lifetime that no row names. Running it again deletes nothing more."""
    now = now or timezone.now()
    expired = list(PendingReceipt.objects.filter(expires_at__lte=now))
    _delete_files_on_commit([pending.file for pending in expired])
    PendingReceipt.objects.filter(pk__in=[pending.pk for pending in expired]).delete()
    storage = PendingReceipt._meta.get_field("file").storage
    try:
        _dirs, names = storage.listdir("pending")
    except FileNotFoundError:
        names = []
    known = set(PendingReceipt.objects.values_list("file", flat=True))
    known |= {pending.file.name for pending in expired}
    strays = [
        f"pending/{name}"
        for name in names
        if f"pending/{name}" not in known
        and storage.get_modified_time(f"pending/{name}") <= now - PendingReceipt.LIFETIME
    ]
    for name in strays:
        storage.delete(name)
    return len(expired) + len(strays)
