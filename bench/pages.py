"""The bench's own data, until ``seed_demo --participants N`` (issue 13, part "seed") lands: demo
data, then N participants in bulk with enrollments and support. ``bench/size.py``'s ``seed()``
calls ``seed_demo --participants N`` as soon as the command takes it, and ``build()`` otherwise.
"""

from __future__ import annotations

import os
from datetime import timedelta
from decimal import Decimal


def build(n: int) -> None:
    """Demo data, then N participants in bulk with enrollments and support."""
    from django.core.management import call_command
    from django.utils import timezone

    from mtw_portal.accounts.models import User
    from participants.models import BudgetLine, CommunityOrganization, Navigator, Participant, SupportItem
    from programs.models import Cohort, Enrollment

    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    have = User.objects.filter(email__startswith="bench").count()
    if have >= n:
        return
    organizations = list(CommunityOrganization.objects.all())
    navigators = {nav.organization_id: nav for nav in Navigator.objects.all()}
    cohorts = list(Cohort.objects.all())
    budget = BudgetLine.objects.first()
    logger = User.objects.get(email="navigator@demo.test")
    today = timezone.localdate()
    statuses = ["enrolled", "active", "active", "completed", "applied", "withdrawn"]
    batch = 2000
    for start in range(have, n, batch):
        stop = min(n, start + batch)
        users = User.objects.bulk_create(
            User(
                email=f"bench{i:06d}@bench.test",
                first_name=f"Bench{i}",
                last_name=f"Person{i % 977}",
                password="!unusable",  # noqa: S106 (an unusable password marker)
                role="participant",
            )
            for i in range(start, stop)
        )
        people = Participant.objects.bulk_create(
            Participant(
                user=user,
                zip_code=f"33{(i * 7) % 1000:03d}",
                intake_completed_at=timezone.now(),
                organization=organizations[i % len(organizations)],
                navigator=navigators.get(organizations[i % len(organizations)].pk) if i % 3 else None,
            )
            for i, user in zip(range(start, stop), users, strict=True)
        )
        enrollments = []
        for i, person in zip(range(start, stop), people, strict=True):
            status = statuses[i % len(statuses)]
            enrollments.append(
                Enrollment(
                    participant=person,
                    cohort=cohorts[i % len(cohorts)],
                    status=status,
                    end_date=today if status in ("completed", "withdrawn") else None,
                    withdrawal_reason="other" if status == "withdrawn" else "",
                )
            )
        Enrollment.objects.bulk_create(enrollments)
        SupportItem.objects.bulk_create(
            SupportItem(
                participant=person,
                type="bus_fare",
                amount=Decimal("2.25"),
                given_on=today - timedelta(days=i % 90),
                budget_line=budget,
                logged_by=logger,
            )
            for i, person in zip(range(start, stop), people, strict=True)
            if i % 2 == 0
        )
