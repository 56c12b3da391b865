"""Writes for employers: members, account requests."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
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
