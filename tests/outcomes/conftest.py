"""The outcomes data set with traps, shared by the roll-up's tests and the dashboard's."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from participants import services as participant_services
from participants.models import BudgetLine
from placements import services as placement_services
from programs import services as program_services
from tests import factories
from tests.placements.placement_factories import placement_judged


def record_check(placement_, days: int, outcome: str, by) -> None:
    check = placement_.retention_checks.get(days=days)
    placement_services.retention_check_record(check=check, outcome=outcome, evidence="document", by=by)


@pytest.fixture
def data_set(oic, brainstation, fourgeeks, navigator):
    """Seven people; the comments say what each one counts in."""
    colleague = factories.navigator_user(organization=oic)
    bs_program = factories.program(provider=brainstation)
    bs1 = factories.cohort(program=bs_program)
    bs2 = factories.cohort(program=bs_program, start_date=timezone.localdate() - timedelta(days=200))
    fg1 = factories.cohort(program=factories.program(provider=fourgeeks, name="Full Stack"))
    people = {name: factories.participant_record(organization=oic) for name in "ABCDEFG"}
    A, B, C, D, E, F, G = (people[name] for name in "ABCDEFG")
    line = BudgetLine.objects.get_or_create(code="transportation", defaults={"name": "Transportation"})[0]

    def support(person, amount: str):
        return participant_services.support_item_log(
            participant=person,
            by=navigator,
            type="bus_fare",
            amount=Decimal(amount),
            given_on=timezone.localdate(),
            budget_line=line,
        )

    # A: withdrawn from one BrainStation cohort, completed another with a credential: counts once.
    # A good full-time job, exactly at the standard ($20.00), still employed at 180 days.
    factories.enrollment(participant=A, cohort=bs1, status="withdrawn")
    completed = factories.enrollment(participant=A, cohort=bs2, status="completed")
    program_services.credential_record(
        enrollment=completed,
        type="bootcamp_certificate",
        name="Software Engineering Certificate",
        issuer="BrainStation",
        awarded_on=timezone.localdate() - timedelta(days=1),
    )
    job_a = placement_judged(participant=A)
    record_check(job_a, 180, "employed", navigator)
    support(A, "100.00")
    support(A, "50.00")
    # B: active, two internships (one person), paid less than any job: not in the median.
    factories.enrollment(participant=B, cohort=bs1, status="active")
    placement_judged(participant=B, kind="sprint_internship", hourly_wage=Decimal("15.00"))
    placement_judged(
        participant=B, kind="internship", hourly_wage=Decimal("18.00"), start_date=timezone.localdate()
    )
    approved = support(B, "300.00")  # above the threshold: counts once a second person approves
    participant_services.support_item_decide(item=approved, by=colleague, approve=True)
    # C: withdrawn only: enrolled, not active, not trained. A part-time job a cent under the standard.
    factories.enrollment(participant=C, cohort=fg1, status="withdrawn")
    placement_judged(participant=C, kind="part_time", hourly_wage=Decimal("19.99"))
    support(C, "400.00")  # awaiting approval: not counted
    # D applied, E was not admitted: they count nowhere.
    factories.enrollment(participant=D, cohort=bs1, status="applied")
    factories.enrollment(participant=E, cohort=fg1, status="not_admitted")
    # F: trained by 4Geeks (no credential), now enrolled at BrainStation; a good apprenticeship,
    # still employed at 90 days (not a 180-day retention).
    factories.enrollment(participant=F, cohort=fg1, status="completed")
    factories.enrollment(participant=F, cohort=bs2, status="enrolled")
    apprenticeship = placement_judged(participant=F, kind="apprenticeship", hourly_wage=Decimal("25.00"))
    record_check(apprenticeship, 90, "employed", navigator)
    # G: never trained, a good job, gone at 180 days; support rejected. A job starting after as_of.
    job_g = placement_judged(participant=G, hourly_wage=Decimal("30.00"))
    record_check(job_g, 180, "not_employed", navigator)
    rejected = support(G, "260.00")
    participant_services.support_item_decide(item=rejected, by=colleague, approve=False, note="Over budget.")
    placement_judged(participant=D, start_date=timezone.localdate() + timedelta(days=10))
    return people
