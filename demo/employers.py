"""Demo hiring data: opportunities of every kind, applications in every state, placements that
pass and fail the good-job standard, and retention checks due.

Written once: when the first demo opportunity exists it is left as it is, so `seed_demo` run
again changes nothing.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from employers import services
from employers.models import Application, Employer, Opportunity
from participants.models import Participant
from placements import services as placement_services
from programs.services import skills_from_names

OPPORTUNITIES = [
    # employer, kind, title, wage, fee, est. hours, hours/week, benefits, advancement, state, skills
    (
        "UKG",
        "sprint_internship",
        "Sprint Intern: QA Automation",
        "22.00",
        None,
        None,
        20,
        (),
        "",
        "open",
        ["Python", "Testing"],
    ),
    (
        "UKG",
        "micro_internship",
        "Micro-internship: Customer Data Dashboard",
        None,
        "300.00",
        12,
        None,
        (),
        "",
        "open",
        ["SQL", "Tableau"],
    ),
    (
        "UKG",
        "internship",
        "Software Engineering Intern (Summer)",
        "24.00",
        None,
        None,
        40,
        (),
        "",
        "open",
        ["JavaScript", "React"],
    ),
    (
        "UKG",
        "full_time",
        "Associate Software Engineer",
        "36.50",
        None,
        None,
        40,
        ("health", "dental_vision", "paid_time_off", "retirement", "tuition"),
        "Associate → Software Engineer I after 12 months with a mentor and a promotion review.",
        "open",
        ["JavaScript", "Git"],
    ),
    (
        "UKG",
        "part_time",
        "Support Analyst (part time)",
        "21.00",
        None,
        None,
        24,
        ("paid_time_off",),
        "",
        "closed",
        ["Help desk"],
    ),
    (
        "Kaseya",
        "apprenticeship",
        "IT Support Apprentice",
        "20.00",
        None,
        None,
        40,
        ("health", "paid_time_off", "retirement"),
        "Registered apprenticeship: Tier 1 → Tier 2 technician in a year.",
        "open",
        ["Networking", "Windows"],
    ),
    (
        "Kaseya",
        "full_time",
        "Junior Network Technician",
        "19.50",
        None,
        None,
        40,
        ("health",),
        "Technician I → II after certification.",
        "open",
        ["Networking"],
    ),
    (
        "Baptist Health South Florida",
        "full_time",
        "Data Analyst I",
        "31.00",
        None,
        None,
        40,
        ("health", "dental_vision", "paid_time_off", "retirement"),
        "Analyst I → II; tuition for a degree.",
        "open",
        ["SQL", "Excel"],
    ),
    (
        "UKG",
        "full_time",
        "Cloud Support Engineer",
        "29.00",
        None,
        None,
        40,
        ("health", "dental_vision", "paid_time_off", "retirement"),
        "Cloud Support Engineer → Cloud Engineer after AWS certification.",
        "draft",
        ["AWS", "Linux"],
    ),
]
# Opportunities that take applications until they are closed: no deadline (it is optional).
NO_DEADLINE = {"Data Analyst I", "Cloud Support Engineer"}
# Baptist Health has no demo account: its opportunity was posted by no one in the demo.
CREATED_BY = {"UKG": "employer@demo.test", "Kaseya": "employer2@demo.test"}


def seed(*, accounts) -> bool:
    if Opportunity.objects.filter(title=OPPORTUNITIES[0][2]).exists():
        return False
    today = timezone.localdate()
    now = timezone.now()
    created = []
    for (
        employer_name,
        kind,
        title,
        wage,
        fee,
        est,
        hours,
        benefits,
        advancement,
        state,
        skills,
    ) in OPPORTUNITIES:
        employer = Employer.objects.get(name__iexact=employer_name)
        opportunity = Opportunity.objects.create(
            employer=employer,
            kind=kind,
            title=title,
            description=f"{title} at {employer.name}. Training partners' graduates encouraged to apply.",
            location="Miami, FL",
            is_remote=kind == "micro_internship",
            hourly_wage=Decimal(wage) if wage else None,
            fixed_fee=Decimal(fee) if fee else None,
            estimated_hours=est,
            hours_per_week=hours,
            deadline=None if title in NO_DEADLINE else today + timedelta(days=30),
            advancement_path=advancement,
            state=state,
            opened_at=now if state != "draft" else None,
            created_by=accounts.get(CREATED_BY.get(employer_name, "")),
            **{f"benefit_{b}": True for b in benefits},
        )
        opportunity.skills.set(skills_from_names(skills))
        created.append(opportunity)

    people = list(
        Participant.objects.filter(user__email__startswith="demo.participant").order_by("user__email")
    )
    # Applications in every state, on UKG's full-time job and internship and Kaseya's apprenticeship.
    states = ["applied", "interviewing", "offered", "declined", "withdrawn", "applied", "interviewing"]
    for person, state, opportunity in zip(
        people[:7],
        states,
        [created[3], created[3], created[2], created[2], created[5], created[5], created[6]],
        strict=True,
    ):
        Application.objects.create(
            opportunity=opportunity,
            participant=person,
            state=state,
            note="I completed training with a coalition partner and would love to join.",
        )

    # Placements: hires that pass and fail the standard, some with retention checks due.
    hires = [
        # person index, opportunity index, days ago, wage, hours, health, advancement, kind override
        (7, 3, 200, "36.50", 40, True, "Associate → Software Engineer I.", None),  # good job, both checks due
        (8, 5, 120, "20.00", 40, True, "Tier 1 → Tier 2.", None),  # good job at the threshold, 90-day due
        (9, 6, 95, "19.50", 40, True, "Technician I → II.", None),  # near miss: wage a bit low
        (10, 2, 60, "24.00", 40, False, "", None),  # internship: never a good job
        (11, 4, 30, "21.00", 24, False, "", None),  # part time, several tests failed
    ]
    for person_i, opp_i, days_ago, wage, hours, health, advancement, _kind in hires:
        opportunity = created[opp_i]
        application = Application.objects.create(
            opportunity=opportunity, participant=people[person_i], state="hired", note=""
        )
        placement_services.placement_save(
            participant=people[person_i],
            employer=opportunity.employer,
            kind=opportunity.kind,
            start_date=today - timedelta(days=days_ago),
            source="hire",
            application=application,
            by=accounts["employer@demo.test"],
            title=opportunity.title,
            hourly_wage=Decimal(wage),
            hours_per_week=Decimal(hours),
            benefit_health=health,
            advancement_path=advancement,
            in_field_of_training=True,
        )
    # One recorded by a navigator, at an employer outside the portal.
    outside = Employer.objects.filter(
        name__iexact="Miami-Dade County ITD"
    ).first() or services.employer_create(name="Miami-Dade County ITD", industry="Government")
    placement_services.placement_save(
        participant=people[12],
        employer=outside,
        kind="full_time",
        start_date=today - timedelta(days=185),
        source="navigator",
        by=accounts["navigator@demo.test"],
        title="IT Specialist 1",
        hourly_wage=Decimal("26.40"),
        hours_per_week=Decimal("40"),
        benefit_health=True,
        benefit_retirement=True,
        advancement_path="County career ladder: Specialist 1 → 2 → 3.",
        in_field_of_training=True,
    )
    first_check = people[12].placements.get().retention_checks.get(days=90)
    placement_services.retention_check_record(
        check=first_check,
        outcome="employed",
        evidence="self_reported",
        by=accounts["navigator@demo.test"],
        note="Called: loves the job.",
    )
    return True
