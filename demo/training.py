"""Demo training data: programs and cohorts, participants with intake, enrollments in every
state, credentials, wraparound support, requests and case notes.

Written once: when the first demo program exists, it is left as it is (dates are relative
to the day it was first loaded), so `seed_demo` run again changes nothing.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from mtw_portal.accounts.models import User
from participants import services as participant_services
from participants.models import BudgetLine, CommunityOrganization, Navigator, Participant
from programs import services as program_services
from programs.models import Cohort, Enrollment, Program, Provider

PROGRAMS = [
    # provider, name, format, schedule, weeks, tuition, credential type, credential, skills
    (
        "brainstation",
        "Software Engineering Bootcamp",
        "hybrid",
        "full_time",
        12,
        "15000",
        "bootcamp_certificate",
        "Software Engineering Certificate",
        ["JavaScript", "React", "Node.js", "Git"],
    ),
    (
        "brainstation",
        "Data Analytics",
        "remote",
        "part_time",
        10,
        "3500",
        "bootcamp_certificate",
        "Data Analytics Certificate",
        ["SQL", "Excel", "Tableau", "Python"],
    ),
    (
        "4geeks",
        "Full Stack Developer",
        "in_person",
        "part_time",
        16,
        "9999",
        "bootcamp_certificate",
        "Full Stack Developer Certificate",
        ["Python", "Flask", "React"],
    ),
    (
        "4geeks",
        "Cybersecurity",
        "hybrid",
        "part_time",
        16,
        "9999",
        "non_degree_certification",
        "CompTIA Security+",
        ["Networking", "Linux", "Security"],
    ),
    (
        "mdc",
        "IT Support Professional",
        "in_person",
        "full_time",
        8,
        "0",
        "non_degree_certification",
        "CompTIA A+",
        ["Hardware", "Help desk", "Windows"],
    ),
    (
        "mdc",
        "Cloud Computing College Credit Certificate",
        "hybrid",
        "part_time",
        32,
        "2400",
        "degree_or_certificate",
        "Cloud Computing CCC",
        ["AWS", "Linux", "Networking"],
    ),
    (
        "fiu",
        "Applied Data Science",
        "remote",
        "part_time",
        24,
        "0",
        "micro_credential",
        "FIU Data Science Micro-credential",
        ["Python", "Statistics", "Machine learning"],
    ),
    (
        "fmu",
        "Foundations of Software Development",
        "in_person",
        "full_time",
        6,
        "0",
        "online_course_certificate",
        "Software Foundations Certificate",
        ["HTML", "CSS", "JavaScript"],
    ),
]

FIRST = [
    "Ana",
    "Jean",
    "Marisol",
    "Dwayne",
    "Fabiola",
    "Kevin",
    "Yolanda",
    "Pierre",
    "Daniela",
    "Marcus",
    "Nadège",
    "Carlos",
    "Keisha",
    "Luis",
    "Roseline",
    "Andre",
    "Camila",
    "Tyrone",
    "Guerline",
    "Javier",
    "Shanice",
    "Wilner",
    "Paola",
    "Darnell",
]
LAST = [
    "Rivera",
    "Joseph",
    "Hernández",
    "Brown",
    "Louis",
    "Smith",
    "Díaz",
    "Charles",
    "Morales",
    "Johnson",
    "Etienne",
    "Pérez",
    "Williams",
    "García",
    "Desir",
    "Davis",
    "Romero",
    "Jackson",
    "Jean-Baptiste",
    "Castro",
    "Moore",
    "Pierre-Louis",
    "Vargas",
    "Thomas",
]
ZIPS = [
    "33127",
    "33147",
    "33142",
    "33150",
    "33136",
    "33054",
    "33056",
    "33161",
    "33138",
    "33125",
    "33135",
    "33033",
]
ETHNICITY = ["hispanic", "not_hispanic", "not_hispanic", "hispanic", "prefer_not"]
RACE = ["black", "white", "black", "multiple", "prefer_not", "other", "black", "asian"]
GENDER = ["woman", "man", "woman", "man", "non_binary", "woman", "prefer_not"]
EMPLOYMENT = ["unemployed", "part_time", "unemployed", "self_employed", "full_time", "student"]
EDUCATION = ["high_school", "some_college", "associate", "high_school", "bachelor", "certificate"]

# Each demo participant's path: (program index, cohort: past/current/upcoming, final status, reason)
PATHS = [
    (0, "past", "completed", ""),
    (0, "past", "completed", ""),
    (0, "past", "withdrawn", "new_job"),
    (1, "past", "completed", ""),
    (1, "past", "withdrawn", "childcare"),
    (2, "past", "completed", ""),
    (2, "past", "withdrawn", "transportation"),
    (3, "past", "completed", ""),
    (4, "past", "completed", ""),
    (4, "past", "withdrawn", "financial_obligations"),
    (0, "current", "active", ""),
    (0, "current", "active", ""),
    (1, "current", "active", ""),
    (2, "current", "enrolled", ""),
    (3, "current", "active", ""),
    (5, "current", "active", ""),
    (6, "current", "enrolled", ""),
    (7, "current", "active", ""),
    (0, "upcoming", "applied", ""),
    (1, "upcoming", "applied", ""),
    (2, "upcoming", "not_admitted", ""),
    (4, "upcoming", "enrolled", ""),
    (None, None, None, ""),
    (None, None, None, ""),
]


def seed(*, accounts: dict[str, User]) -> bool:
    """Load the training demo once. Returns False when it was already there."""
    brainstation = Provider.objects.get(code="brainstation")
    if Program.objects.filter(provider=brainstation, name=PROGRAMS[0][1]).exists():
        return False
    today = timezone.localdate()
    staff = accounts["staff@demo.test"]
    programs = []
    for code, name, fmt, schedule, weeks, tuition, ctype, cname, skills in PROGRAMS:
        programs.append(
            program_services.program_save(
                provider=Provider.objects.get(code=code),
                skills=skills,
                name=name,
                format=fmt,
                schedule=schedule,
                length_weeks=weeks,
                tuition=Decimal(tuition),
                credential_type=ctype,
                credential_name=cname,
                description=f"{cname}: {', '.join(skills)}.",
            )
        )
    cohorts = {}
    for program in programs:
        weeks = program.length_weeks or 12
        starts = {
            "past": today - timedelta(days=weeks * 7 + 60),
            "current": today - timedelta(days=30),
            "upcoming": today + timedelta(days=35),
        }
        for when, start in starts.items():
            cohorts[(program.pk, when)] = program_services.cohort_save(
                program=program, start_date=start, end_date=start + timedelta(days=weeks * 7), seats=25
            )

    oic = CommunityOrganization.objects.get(code="oic")
    united_way = CommunityOrganization.objects.get(code="united-way")
    nav_oic = Navigator.objects.get(user=accounts["navigator@demo.test"])
    nav_uw = Navigator.objects.get(user=accounts["navigator2@demo.test"])
    people = []
    for i, (first, last) in enumerate(zip(FIRST, LAST, strict=True)):
        email = f"demo.participant{i + 1:02d}@demo.test"
        user = User.objects.filter(email=email).first()
        participant = (
            Participant.objects.get(user=user)
            if user
            else participant_services.participant_create_invited(
                email=email,
                first_name=first,
                last_name=last,
                zip_code=ZIPS[i % len(ZIPS)],
                by=staff,
                invite=False,
            )
        )
        organization = oic if i % 2 == 0 else united_way
        participant = _intake(participant, i, organization)
        if i % 6 not in (4, 5):  # a third wait in their organization's queue
            participant.navigator = nav_oic if organization == oic else nav_uw
            participant.save(update_fields=["navigator"])
        people.append(participant)

    for participant, (index, when, status, reason) in zip(people, PATHS, strict=True):
        if index is None:
            continue
        _enroll(participant, cohorts[(programs[index].pk, when)], status, reason, staff, today)

    # The two demo participants' own story.
    maria = participant_services.participant_ensure(user=accounts["participant@demo.test"])
    maria = _intake(maria, 0, oic)
    maria.navigator = nav_oic
    maria.save(update_fields=["navigator"])
    _enroll(maria, cohorts[(programs[0].pk, "current")], "active", "", staff, today)
    jean = participant_services.participant_ensure(user=accounts["participant2@demo.test"])
    jean = _intake(jean, 1, united_way, consent=False)  # Jean withholds consent to share
    _enroll(jean, cohorts[(programs[1].pk, "upcoming")], "applied", "", staff, today)
    _unconfirmed_import(people, programs[0], cohorts[(programs[0].pk, "current")], accounts, today)

    _support(accounts, maria, people, today)
    return True


def _unconfirmed_import(people, program, cohort, accounts, today) -> None:
    """A BrainStation roster row naming someone who never dealt with BrainStation: the provider sees
    only the email and "awaiting the person's confirmation" until the person or their navigator
    confirms it."""
    linked = set(
        Enrollment.objects.filter(cohort__program__provider=program.provider).values_list(
            "participant_id", flat=True
        )
    )
    stranger = next((p for p in people if p.pk not in linked), None)
    if stranger is None:
        return
    program_services.enrollment_roster_save(
        enrollment=None,
        participant=stranger,
        cohort=cohort,
        by=accounts["provider@demo.test"],
        confirmed=False,
        status=Enrollment.Status.ENROLLED,
        enrolled_on=min(cohort.start_date, today),
    )


def _intake(participant: Participant, i: int, organization, *, consent: bool | None = None) -> Participant:
    return participant_services.participant_intake_save(
        participant=participant,
        first_name=participant.user.first_name,
        last_name=participant.user.last_name,
        phone=f"305-555-{1000 + i:04d}",
        preferred_language=["en", "es", "ht"][i % 3],
        zip_code=participant.zip_code or ZIPS[i % len(ZIPS)],
        date_of_birth=timezone.localdate().replace(year=timezone.localdate().year - 19 - (i * 3) % 30, day=1),
        employment_status=EMPLOYMENT[i % len(EMPLOYMENT)],
        education=EDUCATION[i % len(EDUCATION)],
        ethnicity=ETHNICITY[i % len(ETHNICITY)],
        race=RACE[i % len(RACE)],
        gender=GENDER[i % len(GENDER)],
        veteran="yes" if i % 11 == 5 else "no",
        disability="yes" if i % 7 == 3 else ("prefer_not" if i % 9 == 4 else "no"),
        barrier_transportation=i % 2 == 0,
        barrier_childcare=i % 3 == 0,
        barrier_technology=i % 4 == 1,
        barrier_finances=i % 3 == 1,
        barrier_other="",
        consent_to_share=(i % 5 != 4) if consent is None else consent,
        organization=organization,
    )


def _enroll(participant, cohort: Cohort, status: str, reason: str, by, today) -> None:
    if status in ("applied", "not_admitted"):
        enrollment = program_services.enrollment_apply(participant=participant, cohort=cohort)
        if status == "not_admitted":
            program_services.enrollment_not_admit(
                enrollment=enrollment, by=by, note="Cohort full; invited to the next one."
            )
        return
    enrollment = program_services.enrollment_create(participant=participant, cohort=cohort, by=by)
    if status in ("active", "completed", "withdrawn"):
        program_services.enrollment_activate(enrollment=enrollment, by=by)
    if status == "completed":
        program = cohort.program
        program_services.enrollment_complete(
            enrollment=enrollment,
            by=by,
            end_date=min(cohort.end_date, today),
            credential_type=program.credential_type,
            credential_name=program.credential_name,
        )
    elif status == "withdrawn":
        program_services.enrollment_withdraw(
            enrollment=enrollment, by=by, reason=reason, end_date=cohort.start_date + timedelta(days=21)
        )


def _support(accounts, maria, people, today) -> None:
    navigator = accounts["navigator@demo.test"]
    transportation = BudgetLine.objects.get(code="transportation")
    childcare = BudgetLine.objects.get(code="childcare")
    technology = BudgetLine.objects.get(code="technology")
    log = participant_services.support_item_log
    log(
        participant=maria,
        by=navigator,
        type="bus_fare",
        amount=Decimal("2.25"),
        given_on=today - timedelta(days=3),
        budget_line=transportation,
        description="Metrobus fare to class",
    )
    log(
        participant=maria,
        by=navigator,
        type="daycare",
        amount=Decimal("180.00"),
        given_on=today - timedelta(days=7),
        budget_line=childcare,
        description="One week of daycare",
    )
    participant_services.support_request_create(
        participant=maria,
        type="technology",
        amount=Decimal("450.00"),
        details="My laptop broke and I need one for the bootcamp.",
    )
    participant_services.case_note_add(
        participant=maria,
        author=navigator,
        body="Met Maria at OIC. Started the bootcamp; needs help with bus fare and daycare for her son.",
    )
    for i, person in enumerate(people):
        if person.organization.code != "oic" or person.navigator is None:
            continue
        log(
            participant=person,
            by=navigator,
            type=["bus_fare", "gas_card", "technology"][i % 3],
            amount=Decimal(["2.25", "40.00", "120.00"][i % 3]),
            given_on=today - timedelta(days=10 + i),
            budget_line=[transportation, transportation, technology][i % 3],
        )
        if i % 4 == 0:
            participant_services.case_note_add(
                participant=person, author=navigator, body="Check-in call: attending class, no new barriers."
            )
    # One laptop above the approval threshold, waiting for a second person (grant staff can approve).
    log(
        participant=people[0],
        by=navigator,
        type="technology",
        amount=Decimal("650.00"),
        given_on=today - timedelta(days=2),
        budget_line=technology,
        description="Refurbished laptop",
    )
