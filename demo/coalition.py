"""Demo data for the coalition: partners, working group members, meetings, pilots and awards.

Called from ``demo.seed.seed`` after the hiring data. Idempotent: once the first
working group has members, nothing is added again.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from coalition import services
from coalition.models import Membership, Partner, WorkingGroup
from employers.models import Employer
from participants.models import CommunityOrganization
from programs.models import Provider

FIRST_GROUP = "emerging-tech-talent"


def _partners(today: datetime.date) -> dict[str, Partner]:
    joined = today - datetime.timedelta(days=400)
    partners = {}
    specs = [
        *[
            (e.name, Partner.Type.EMPLOYER, {"employer": e}, e.website)
            for e in Employer.objects.filter(is_partner=True)
        ],
        *[
            (p.name, Partner.Type.TRAINING_PROVIDER, {"provider": p}, p.website)
            for p in Provider.objects.all()
        ],
        *[
            (o.name, Partner.Type.COMMUNITY_ORGANIZATION, {"community_organization": o}, o.website)
            for o in CommunityOrganization.objects.all()
        ],
        ("University of Miami", Partner.Type.ACADEMIC, {}, "https://welcome.miami.edu"),
    ]
    for name, type_, link, website in specs:
        partner = Partner.objects.filter(name__iexact=name).first() or services.partner_save(
            name=name, type=type_, website=website, joined_on=joined, is_active=True, **link
        )
        partners[name] = partner
    return partners


def _partner_for(partners, *, employer=None, provider=None, organization=None):
    for partner in partners.values():
        if (
            (employer and partner.employer_id == employer.pk)
            or (provider and partner.provider_id == provider.pk)
            or (organization and partner.community_organization_id == organization.pk)
        ):
            return partner
    return None


@transaction.atomic
def seed(*, accounts: dict) -> bool:
    groups = {group.slug: group for group in WorkingGroup.objects.all()}
    first = groups.get(FIRST_GROUP)
    if first is None or Membership.objects.filter(group=first).exists():
        return False
    today = timezone.localdate()
    partners = _partners(today)
    staff = accounts["staff@demo.test"]
    navigator = accounts["navigator@demo.test"]
    provider = accounts["provider@demo.test"]
    employer = accounts["employer@demo.test"]
    oic = _partner_for(partners, organization=CommunityOrganization.objects.filter(code="oic").first())
    brainstation = _partner_for(partners, provider=Provider.objects.filter(code="brainstation").first())
    ukg = _partner_for(partners, employer=Employer.objects.filter(name__iexact="UKG").first())

    talent = first
    skills_gap = groups["tech-skills-gap"]
    pipeline = groups["inclusive-tech-talent-pipeline"]
    services.membership_set(group=talent, user=staff, role=Membership.Role.CHAIR)
    services.membership_set(group=talent, user=navigator, partner=oic)
    services.membership_set(group=talent, user=provider, partner=brainstation)
    services.membership_set(group=skills_gap, user=employer, role=Membership.Role.CHAIR, partner=ukg)
    services.membership_set(group=skills_gap, user=provider, partner=brainstation)
    services.membership_set(group=pipeline, user=navigator, partner=oic)

    meetings = [
        (talent, "Quarterly planning", 330, [staff, navigator, provider], ["Rosa Delgado"]),
        (skills_gap, "Employer skills survey review", 280, [employer, provider], []),
        (talent, "Outreach in Little Haiti", 210, [staff, navigator], ["Marc Joseph", "Ana Ruiz"]),
        (pipeline, "Referral pathways", 150, [navigator], []),
        (skills_gap, "Cloud curriculum check-in", 90, [employer, provider], ["Kevin Lam"]),
        (talent, "Year-one lessons learned", 30, [staff, navigator, provider], []),
    ]
    for group, title, days_ago, users, names in meetings:
        services.meeting_save(
            group=group,
            kind="meeting",
            title=title,
            held_on=today - datetime.timedelta(days=days_ago),
            location="Miami Dade College, Wolfson Campus",
            attendees=users,
            extra_attendees=names,
        )
    for title, days_ago, names in [
        ("Tech Works community night", 240, ["Carmen Vega", "Jacques Louis", "Denise Brown"]),
        ("Career fair and coalition showcase", 60, ["Yolanda Perez", "Samuel Etienne"]),
    ]:
        services.meeting_save(
            group=None,
            kind="gathering",
            title=title,
            held_on=today - datetime.timedelta(days=days_ago),
            location="Miami-Dade Public Library, Main Branch",
            attendees=[staff, navigator, employer],
            extra_attendees=names,
        )

    services.pilot_save(
        title="Sprint internships with small businesses",
        description="Four-week paid sprint internships for bootcamp graduates at small employers.",
        lead_partner=ukg or next(iter(partners.values())),
        group=skills_gap,
        started_on=today - datetime.timedelta(days=200),
        ended_on=today - datetime.timedelta(days=100),
        status="done",
    )
    services.pilot_save(
        title="Navigator-led tech readiness workshops",
        description="Weekly digital skills workshops before training starts.",
        lead_partner=oic or next(iter(partners.values())),
        group=talent,
        started_on=today - datetime.timedelta(days=60),
        status="active",
    )
    services.award_create(
        partner=oic or next(iter(partners.values())),
        title="Wraparound support mini-grant",
        amount_usd=Decimal("25000.00"),
        awarded_on=today - datetime.timedelta(days=180),
        purpose="Transportation and childcare support for participants.",
    )
    services.award_create(
        partner=brainstation or next(iter(partners.values())),
        title="Curriculum development award",
        amount_usd=Decimal("40000.00"),
        awarded_on=today - datetime.timedelta(days=120),
        purpose="A cloud track built with the Tech Skills Gap working group.",
    )
    return True
