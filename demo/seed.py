"""Demo data for `manage.py seed_demo`: accounts of every role and the employers, then the
training (``demo.training``), hiring (``demo.employers``) and coalition (``demo.coalition``) data
and the outcome history (``demo.outcomes``).

Idempotent: each account and employer is found by a natural key before it is created, and each
part is written once, so running it twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db import transaction

from demo import coalition as coalition_demo
from demo import employers as demo_employers
from demo import outcomes as demo_outcomes
from demo import training as demo_training
from employers.models import Employer, EmployerMember
from employers.services import employer_create, employer_member_set
from mtw_portal.accounts.models import Role, User
from mtw_portal.accounts.selectors import user_organization
from mtw_portal.accounts.services import user_role_grant
from participants.models import CommunityOrganization
from programs.models import Provider

DEMO_EMPLOYERS = [
    ("UKG", "Software", "https://www.ukg.com", True),
    ("Kaseya", "IT services", "https://www.kaseya.com", True),
    ("Baptist Health South Florida", "Health care", "https://baptisthealth.net", True),
    ("Royal Caribbean Group", "Travel and hospitality", "https://www.royalcaribbeangroup.com", False),
]


@dataclass(frozen=True)
class DemoAccount:
    email: str
    first_name: str
    last_name: str
    role: Role
    organization: tuple[str, str] | None = None  # (kind, natural key)


DEMO_ACCOUNTS = [
    DemoAccount("participant@demo.test", "Maria", "Gonzalez", Role.PARTICIPANT),
    DemoAccount("participant2@demo.test", "Jean", "Baptiste", Role.PARTICIPANT),
    DemoAccount("navigator@demo.test", "Tanya", "Williams", Role.NAVIGATOR, ("organization", "oic")),
    DemoAccount("navigator2@demo.test", "Luis", "Ortega", Role.NAVIGATOR, ("organization", "united-way")),
    DemoAccount("provider@demo.test", "Priya", "Shah", Role.PROVIDER, ("provider", "brainstation")),
    DemoAccount("employer@demo.test", "Derek", "Johnson", Role.EMPLOYER, ("employer", "UKG")),
    DemoAccount("employer2@demo.test", "Ana", "Pierre", Role.EMPLOYER, ("employer", "Kaseya")),
    DemoAccount("staff@demo.test", "Grace", "Thompson", Role.STAFF),
]


def _organization(kind: str, key: str):
    if kind == "organization":
        return CommunityOrganization.objects.get(code=key)
    if kind == "provider":
        return Provider.objects.get(code=key)
    return Employer.objects.get(name__iexact=key)


def _employers() -> None:
    for name, industry, website, is_partner in DEMO_EMPLOYERS:
        if not Employer.objects.filter(name__iexact=name).exists():
            employer_create(name=name, industry=industry, website=website, is_partner=is_partner)


def _account(spec: DemoAccount, password: str) -> tuple[User, bool]:
    user = User.objects.filter(email__iexact=spec.email).first()
    created = user is None
    if created:
        user = User.objects.create_user(
            email=spec.email, password=password, first_name=spec.first_name, last_name=spec.last_name
        )
    elif not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=spec.email, defaults={"verified": True, "primary": True}
    )
    organization = _organization(*spec.organization) if spec.organization else None
    current = _current_organization(user)
    if user.role != spec.role or current != organization:
        user_role_grant(user=user, role=spec.role, organization=organization, granted_by=None)
    if spec.role == Role.EMPLOYER:
        employer_member_set(user=user, employer=organization, role=EmployerMember.Role.OWNER)
    user.refresh_from_db()
    return user, created


def _current_organization(user: User):
    return user_organization(
        User.objects.select_related(
            "navigator__organization", "provider_staff__provider", "employer_member__employer"
        ).get(pk=user.pk)
    )


@transaction.atomic
def seed(*, password: str) -> dict[str, int]:
    _employers()
    results = [_account(spec, password) for spec in DEMO_ACCOUNTS]
    accounts = {user.email: user for user, _created in results}
    training = demo_training.seed(accounts=accounts)
    hiring = demo_employers.seed(accounts=accounts)
    coalition = coalition_demo.seed(accounts=accounts)
    outcomes = demo_outcomes.seed()
    return {
        "accounts_created": sum(created for _user, created in results),
        "accounts": len(DEMO_ACCOUNTS),
        "training_loaded": training,
        "hiring_loaded": hiring,
        "coalition_loaded": coalition,
        "outcomes_loaded": outcomes,
    }
