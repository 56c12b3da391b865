"""Writes to accounts: roles, invitations."""

from __future__ import annotations

import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mtw_portal import access
from mtw_portal.accounts.models import ROLE_ORGANIZATION, Invitation, Role, RoleChange, User
from mtw_portal.accounts.selectors import user_language
from mtw_portal.accounts.signals import role_granted
from mtw_portal.core.batch import each_isolated
from mtw_portal.core.bulk import bulk_insert
from mtw_portal.core.queue import enqueue_on_commit

_INVITATION_SALT = "mtw_portal.accounts.invitation"


def _organization_kind(organization) -> str | None:
    if organization is None:
        return None
    return {
        "CommunityOrganization": "community_organization",
        "Provider": "provider",
        "Employer": "employer",
    }.get(type(organization).__name__)


@transaction.atomic
def user_role_grant(*, user: User, role: str, organization=None, granted_by: User | None) -> User:
    """Give ``user`` the ``role``, in ``organization`` for the roles that belong to one.

    Replaces any previous role and membership, and records the change.
    """
    role = Role(role)
    wanted_kind = ROLE_ORGANIZATION.get(role)
    if wanted_kind is None and organization is not None:
        raise ValidationError({"organization": _("This role does not belong to an organization.")})
    if wanted_kind is not None and _organization_kind(organization) != wanted_kind:
        raise ValidationError({"organization": _("Choose the organization this person works for.")})
    if granted_by is not None and granted_by.pk == user.pk and role != user.role:
        raise ValidationError(_("You cannot change your own role; ask another grant staff member."))

    access.memberships_forget(user)  # the caller's object; the services below forget on this one
    user = User.objects.select_for_update().get(pk=user.pk)
    old_role = user.role
    # Each domain app makes its membership match the role (accounts/signals.py): the navigator,
    # provider staff and employer member rows of any previous role go, the new role's is made.
    role_granted.send(sender=User, user=user, role=role, organization=organization)
    user.role = role
    user.save(update_fields=["role"])
    RoleChange.objects.create(
        user=user,
        changed_by=granted_by,
        old_role=old_role,
        new_role=role,
        organization=str(organization) if organization is not None else "",
    )
    return user


@transaction.atomic
def user_invite(
    *,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    organization=None,
    invited_by: User | None,
) -> Invitation:
    """Create an account for someone else, give it a role and email them a link to claim it."""
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("Someone already has an account with this email address.")})
    user = User(email=email, first_name=first_name.strip(), last_name=last_name.strip())
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
    user_role_grant(user=user, role=role, organization=organization, granted_by=invited_by)
    return invitation_create(user=user, created_by=invited_by)


@transaction.atomic
def invitation_create(*, user: User, created_by: User | None) -> Invitation:
    """A new link for ``user`` to claim their account; earlier unused links stop working."""
    if user.has_usable_password():
        raise ValidationError(_("This person has already claimed their account."))
    now = timezone.now()
    Invitation.objects.filter(user=user, accepted_at=None, expires_at__gt=now).update(expires_at=now)
    invitation = Invitation.objects.create(
        user=user,
        created_by=created_by,
        nonce=secrets.token_urlsafe(24),
        created_at=now,
        expires_at=now + timedelta(days=settings.MTW_INVITATION_DAYS),
    )

    from mtw_portal.accounts.tasks import invitation_send as invitation_send_task  # task <-> service cycle

    enqueue_on_commit(invitation_send_task, invitation.pk)
    return invitation


def invitations_create_for_new(*, users: list[User], created_by: User | None) -> list[Invitation]:
    """The first invitation of each of ``users``, accounts just created in bulk (a roster import):
    one insert, and ONE task queued after the commit that sends them all (``invitations_send``).

    Only for accounts created in the same transaction: they have no earlier link to expire and no
    usable password (``invitation_create`` checks both, one person at a time)."""
    now = timezone.now()
    invitations = bulk_insert(
        Invitation,
        [
            Invitation(
                user=user,
                created_by=created_by,
                nonce=secrets.token_urlsafe(24),
                created_at=now,
                expires_at=now + timedelta(days=settings.MTW_INVITATION_DAYS),
            )
            for user in users
        ],
    )
    if invitations:
        from mtw_portal.accounts.tasks import invitations_send as invitations_send_task  # task <-> service

        enqueue_on_commit(invitations_send_task, [invitation.pk for invitation in invitations])
    return invitations


def invitations_send(*, invitation_ids: list[int]) -> int:
    """Email each of these invitations once (``invitation_send``); one that fails is logged by id and
    skipped, the others are still sent, and the periodic sweep (``invitations_send_pending``) tries it
    again. Running it twice sends nothing twice. Returns how many were sent."""
    return each_isolated(invitation_ids, lambda pk: invitation_send(invitation_id=pk), what="invitation")


@transaction.atomic
def user_language_set(*, user: User, language: str) -> User:
    """Save the language ``user`` reads the portal and their emails in."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose a language from the list.")})
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=_INVITATION_SALT, compress=True)


def invitation_from_token(token: str) -> Invitation | None:
    """The invitation a token names, if the token is genuine; None otherwise (usable or not)."""
    try:
        data = signing.loads(token, salt=_INVITATION_SALT)
        invitation = Invitation.objects.select_related("user").get(pk=int(data["i"]))
    except (signing.BadSignature, Invitation.DoesNotExist, KeyError, TypeError, ValueError):
        return None
    if not secrets.compare_digest(invitation.nonce, str(data["n"])):
        return None
    return invitation


def invitation_send(*, invitation_id: int) -> bool:
    """Email the invitation once. Returns False when it was already sent or is no longer usable."""
    now = timezone.now()
    claimed = Invitation.objects.filter(
        pk=invitation_id, sent_at=None, accepted_at=None, expires_at__gt=now
    ).update(sent_at=now)
    if not claimed:
        return False
    invitation = Invitation.objects.select_related("user").get(pk=invitation_id)
    url = settings.MTW_BASE_URL.rstrip("/") + reverse(
        "accounts:invitation_accept", args=[invitation_token(invitation)]
    )
    context = {"user": invitation.user, "url": url, "expires_at": invitation.expires_at}
    try:
        with translation.override(user_language(invitation.user)):
            send_mail(
                subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + _("Your Miami Tech Works account is ready"),
                message=render_to_string("accounts/email/invitation.txt", context),
                from_email=None,
                recipient_list=[invitation.user.email],
            )
    except Exception:
        # Release the claim so a retry or the periodic sweep sends it.
        Invitation.objects.filter(pk=invitation_id).update(sent_at=None)
        raise
    return True


def invitations_send_pending() -> int:
    """Send every usable invitation that was never sent (the queue was down, say). One that fails is
    logged by id and skipped: the others are still sent, and it is tried again on the next run until
    the invitation expires."""
    pending = Invitation.objects.filter(
        sent_at=None, accepted_at=None, expires_at__gt=timezone.now()
    ).order_by("pk")
    return each_isolated(
        list(pending.values_list("pk", flat=True)),
        lambda pk: invitation_send(invitation_id=pk),
        what="invitation",
    )


@transaction.atomic
def invitation_accept(*, invitation: Invitation, password: str) -> User:
    """Claim the account: set its password and mark its email address verified. Works once."""
    invitation = Invitation.objects.select_for_update().select_related("user").get(pk=invitation.pk)
    if not invitation.is_usable:
        raise ValidationError(_("This invitation has expired or has already been used."))
    user = invitation.user
    user.set_password(password)
    user.save(update_fields=["password"])
    address, _created = EmailAddress.objects.get_or_create(
        user=user, email__iexact=user.email, defaults={"email": user.email, "primary": True}
    )
    address.verified = True
    address.primary = True
    address.save(update_fields=["verified", "primary"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return user
