"""Test data builders (factory_boy). Roles are granted through the real service."""

from __future__ import annotations

import time

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value

from employers.models import Employer
from mtw_portal.accounts.models import Role, User
from mtw_portal.accounts.services import user_role_grant
from participants.models import CommunityOrganization
from participants.services import participant_ensure
from programs.models import Provider

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create:
            self.save()
            EmailAddress.objects.create(user=self, email=self.email, primary=True, verified=True)


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employer

    name = factory.Sequence(lambda n: f"Employer {n}")
    industry = "Software"


# Reference data arrives by data migration; transactional tests (browser, worker) flush the
# database afterwards, so the cast finds or re-creates the rows it needs.
_ORGANIZATIONS = {"oic": "OIC of South Florida", "united-way": "United Way Miami"}
_PROVIDERS = {
    "brainstation": "BrainStation",
    "4geeks": "4Geeks Academy",
    "mdc": "Miami Dade College",
    "fiu": "Florida International University",
    "fmu": "Florida Memorial University",
}


def community_organization(code: str) -> CommunityOrganization:
    return CommunityOrganization.objects.get_or_create(code=code, defaults={"name": _ORGANIZATIONS[code]})[0]


def provider(code: str) -> Provider:
    return Provider.objects.get_or_create(code=code, defaults={"name": _PROVIDERS[code]})[0]


def with_totp(user: User) -> User:
    """Give ``user`` an activated authenticator app, as the MFA requirement asks."""
    user.totp_secret = generate_totp_secret()
    TOTP.activate(user, user.totp_secret)
    return user


def totp_code(user: User) -> str:
    """The code the user's authenticator app shows now. Close to the end of a 30-second period, it
    waits for the next one, as a person would: a code typed as it changes is refused (allauth
    accepts the current period only), which made browser log-ins flaky under load."""
    if time.time() % 30 > 25:
        time.sleep(30 - time.time() % 30 + 0.1)
    return format_hotp_value(hotp_value(user.totp_secret, int(time.time()) // 30))


def participant_user(**kwargs) -> User:
    """A participant account with its (empty) participant record, as sign-up makes them."""
    user = UserFactory(**kwargs)
    participant_ensure(user=user)
    return user


def _granted(role: Role, organization=None, **kwargs) -> User:
    user = UserFactory(**kwargs)
    user_role_grant(user=user, role=role, organization=organization, granted_by=None)
    user.refresh_from_db()
    return with_totp(user)


def navigator_user(*, organization: CommunityOrganization, **kwargs) -> User:
    return _granted(Role.NAVIGATOR, organization, **kwargs)


def provider_user(*, provider: Provider, can_edit: bool = True, **kwargs) -> User:
    user = _granted(Role.PROVIDER, provider, **kwargs)
    if not can_edit:
        from programs.models import ProviderStaff

        ProviderStaff.objects.filter(user=user).update(can_edit=False)
    return user


def employer_user(*, employer: Employer, **kwargs) -> User:
    return _granted(Role.EMPLOYER, employer, **kwargs)


def staff_user(**kwargs) -> User:
    return _granted(Role.STAFF, None, **kwargs)


def program(*, provider: Provider, name: str = "Software Engineering Bootcamp", **fields):
    from programs.models import Program

    defaults = {
        "format": "hybrid",
        "schedule": "full_time",
        "length_weeks": 12,
        "credential_type": "bootcamp_certificate",
        "credential_name": "Software Engineering Certificate",
    }
    return Program.objects.create(provider=provider, name=name, **{**defaults, **fields})


def cohort(*, program, start_date=None, end_date=None, seats: int = 20):
    from datetime import timedelta

    from django.utils import timezone

    from programs.models import Cohort

    start_date = start_date or timezone.localdate() - timedelta(days=30)
    end_date = end_date or start_date + timedelta(days=120)
    return Cohort.objects.create(program=program, start_date=start_date, end_date=end_date, seats=seats)


def participant_record(user: User | None = None, *, intake: bool = True, organization=None):
    """The participant record of ``user`` (a new participant when None), with intake done."""
    from django.utils import timezone

    user = user or participant_user()
    record = participant_ensure(user=user)
    if intake:
        record.intake_completed_at = timezone.now()
        record.zip_code = record.zip_code or "33127"
    if organization is not None:
        record.organization = organization
    record.save()
    return record


def enrollment(*, participant, cohort, status: str = "enrolled", **fields):
    from django.utils import timezone

    from programs.models import Enrollment

    if status in ("completed", "withdrawn"):
        fields.setdefault("end_date", timezone.localdate())
    if status == "withdrawn":
        fields.setdefault("withdrawal_reason", "other")
    # A link the person's side made (a navigator's referral), unless the test says otherwise.
    fields.setdefault("origin", Enrollment.Origin.NAVIGATOR)
    fields.setdefault("partner_confirmed_at", timezone.now())
    return Enrollment.objects.create(participant=participant, cohort=cohort, status=status, **fields)


def placement_row(*, participant, employer, start_date, kind: str = "full_time", **fields):
    """A placement recorded directly (no good-job judgement): ``participant`` is a Participant."""
    from decimal import Decimal

    from placements.models import Placement

    fields.setdefault("title", "Developer")
    fields.setdefault("hours_per_week", Decimal("40"))
    fields.setdefault("source", Placement.Source.NAVIGATOR)
    return Placement.objects.create(
        participant=participant, employer=employer, kind=kind, start_date=start_date, **fields
    )
