"""Demo training data: programs and cohorts, participants with intake, enrollments in every
state, credentials, wraparound support, requests and case notes.

Dated over the past year, relative to the day it is loaded: cohorts started and ended, people
applied, were admitted, completed or withdrew, and were followed up six months later, on the
days the rosters show (``_backdate``), so each quarter's funder report agrees with the rosters.

Written once: when the first demo program exists, it is left as it is (dates are relative
to the day it was first loaded), so `seed_demo` run again changes nothing.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from mtw_portal.accounts.models import User
from mtw_portal.notifications.models import Kind as NotificationKind
from mtw_portal.notifications.models import Notification
from participants import services as participant_services
from participants.models import BudgetLine, CommunityOrganization, Navigator, Participant
from programs import services as program_services
from programs.follow_up import follow_up_due
from programs.models import Cohort, CompletionFollowUp, Enrollment, EnrollmentEvent, Program, Provider

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
    "Valentina",
    "Ricardo",
    "Islande",
    "Terrence",
    "Lucía",
    "Fritz",
    "Monique",
    "Esteban",
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
    "Ortiz",
    "Fleurant",
    "Alexis",
    "Robinson",
    "Mendoza",
    "Augustin",
    "Harris",
    "Reyes",
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

# The cohorts that ran over the past year, per program index: days before today they started.
# Each program also has a cohort that started a month ago and one starting in five weeks. The
# starts and ends are spread so that every quarter of the past year has cohorts starting,
# completions, withdrawals and (in ``demo.employers``) hires, and the completions of 6 to 12
# months ago fill the funder report's six-month table.
CURRENT_START_DAYS = 30
UPCOMING_START_DAYS = -35
PAST_STARTS = {
    0: (420, 240),
    1: (330, 150),
    2: (400, 230),
    3: (310,),
    4: (270, 120),
    5: (420,),
    6: (360,),
    7: (200, 90),
}

# Each demo participant's path: (program index, cohort start in days before today, final status,
# withdrawal reason or six-month follow-up status). The people hired in ``demo.employers``
# (7 to 12) completed their training before their hire.
PATHS = [
    (0, 420, "completed", "looking"),
    (0, 240, "completed", ""),
    (0, 240, "withdrawn", "new_job"),
    (1, 330, "completed", "no_contact"),
    (1, 330, "withdrawn", "childcare"),
    (2, 230, "completed", ""),
    (2, 230, "withdrawn", "transportation"),
    (0, 420, "completed", ""),  # hired by UKG 200 days ago
    (4, 270, "completed", ""),  # Kaseya apprentice, 120 days ago
    (2, 400, "completed", "looking"),  # Kaseya technician, 95 days ago
    (1, 150, "completed", ""),  # UKG intern, 60 days ago
    (7, 90, "completed", ""),  # UKG part time, 30 days ago
    (6, 360, "completed", ""),  # the county's IT specialist, 185 days ago
    (3, 310, "completed", "not_looking"),
    (5, 420, "completed", ""),
    (4, 120, "withdrawn", "financial_obligations"),
    (4, 120, "completed", ""),
    (7, 200, "completed", ""),
    (0, CURRENT_START_DAYS, "active", ""),
    (1, CURRENT_START_DAYS, "active", ""),
    (3, CURRENT_START_DAYS, "active", ""),
    (6, CURRENT_START_DAYS, "enrolled", ""),
    (7, CURRENT_START_DAYS, "active", ""),
    (5, CURRENT_START_DAYS, "active", ""),
    (0, UPCOMING_START_DAYS, "applied", ""),
    (1, UPCOMING_START_DAYS, "applied", ""),
    (2, UPCOMING_START_DAYS, "not_admitted", ""),
    (4, UPCOMING_START_DAYS, "enrolled", ""),
    (6, 360, "completed", "employed_outside_field"),
    (2, 400, "withdrawn", "attendance"),
    (None, None, None, ""),
    (None, None, None, ""),
]
# The demo's dates are relative to the day it is loaded; the days between applying, admission
# and the start vary, drawn from a generator with a fixed seed (the same demo every time).
RANDOM_SEED = 12


def seed(*, accounts: dict[str, User]) -> bool:
    """Load the training demo once. Returns False when it was already there."""
    brainstation = Provider.objects.get(code="brainstation")
    if Program.objects.filter(provider=brainstation, name=PROGRAMS[0][1]).exists():
        return False
    today = timezone.localdate()
    rng = random.Random(RANDOM_SEED)
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
    for index, program in enumerate(programs):
        weeks = program.length_weeks or 12
        for days in (*PAST_STARTS[index], CURRENT_START_DAYS, UPCOMING_START_DAYS):
            start = today - timedelta(days=days)
            cohorts[(index, days)] = program_services.cohort_save(
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
            # Their intake told the organization's navigators someone was waiting; they are not.
            Notification.objects.filter(
                kind=NotificationKind.QUEUE_NEW_PERSON, about=participant.user
            ).delete()
        people.append(participant)

    for participant, (index, days, status, detail) in zip(people, PATHS, strict=True):
        if index is None:
            continue
        navigator = participant.navigator.user if participant.navigator else staff
        enrollment = _enroll(participant, cohorts[(index, days)], status, detail, staff, today, rng)
        if status == "completed" and detail:
            _follow_up(enrollment, detail, navigator, today)

    # The two demo participants' own story.
    maria = participant_services.participant_ensure(user=accounts["participant@demo.test"])
    maria = _intake(maria, 0, oic, wioa=True)  # also served by CareerSource, and shares with it
    maria.navigator = nav_oic
    maria.save(update_fields=["navigator"])
    _enroll(maria, cohorts[(0, CURRENT_START_DAYS)], "active", "", staff, today, rng)
    jean = participant_services.participant_ensure(user=accounts["participant2@demo.test"])
    jean = _intake(jean, 1, united_way, consent=False)  # Jean withholds consent to share
    _enroll(jean, cohorts[(1, UPCOMING_START_DAYS)], "applied", "", staff, today, rng)
    _unconfirmed_import(people, programs[0], cohorts[(0, CURRENT_START_DAYS)], accounts, today)

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


def _intake(
    participant: Participant, i: int, organization, *, consent: bool | None = None, wioa: bool | None = None
) -> Participant:
    # Co-enrolled with CareerSource South Florida: every fourth person; of them, half gave the
    # separate yes to sharing with the board (the WIOA extract), half did not.
    coenrolled = i % 4 == 1 if wioa is None else wioa
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
        wioa_coenrolled=coenrolled,
        wioa_consent=coenrolled and (i % 8 == 1 or wioa is True),
    )


def _enroll(participant, cohort: Cohort, status: str, reason: str, by, today, rng) -> Enrollment:
    """Take ``participant`` through ``cohort`` to ``status`` with the portal's services, then date
    each step when it would have happened (``_backdate``)."""
    if status in ("applied", "not_admitted"):
        enrollment = program_services.enrollment_apply(participant=participant, cohort=cohort)
        if status == "not_admitted":
            program_services.enrollment_not_admit(
                enrollment=enrollment, by=by, note="Cohort full; invited to the next one."
            )
        return _backdate(enrollment, today, rng)
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
    return _backdate(enrollment, today, rng)


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def _backdate(enrollment: Enrollment, today: date, rng: random.Random) -> Enrollment:
    """Date the enrollment's steps as they would have happened: applied three to six weeks before
    the cohort's start, admitted three to twelve days before it (never after today), active from
    the start, ended on its end date; its history's events the same. The services date every step
    today; the demo moves them back, so that the funder's quarterly report (which counts by these
    dates) agrees with the rosters (which show the cohorts' dates)."""
    enrollment.refresh_from_db()
    start = enrollment.cohort.start_date
    admitted = min(start - timedelta(days=rng.randint(3, 12)), today - timedelta(days=1))
    applied = min(start - timedelta(days=rng.randint(21, 42)), admitted - timedelta(days=2))
    fields = {"applied_at": _at(applied)}
    if enrollment.enrolled_on is not None:
        fields["enrolled_on"] = admitted
    Enrollment.objects.filter(pk=enrollment.pk).update(**fields)
    when = {
        Enrollment.Status.APPLIED: applied,
        Enrollment.Status.NOT_ADMITTED: admitted,
        Enrollment.Status.ENROLLED: admitted,
        Enrollment.Status.ACTIVE: min(start, today),
        Enrollment.Status.COMPLETED: enrollment.end_date,
        Enrollment.Status.WITHDRAWN: enrollment.end_date,
    }
    for event in EnrollmentEvent.objects.filter(enrollment=enrollment):
        EnrollmentEvent.objects.filter(pk=event.pk).update(created_at=_at(when[event.to_status]))
    enrollment.refresh_from_db()
    return enrollment


def _follow_up(enrollment: Enrollment, status: str, by, today: date) -> None:
    """The navigator's record of what became of someone six months after completing, made on the
    six-month date when it has passed."""
    follow_up = program_services.completion_follow_up_record(
        enrollment=enrollment, status=status, by=by, note="Six-month call."
    )
    recorded = min(follow_up_due(enrollment.end_date), today)
    CompletionFollowUp.objects.filter(pk=follow_up.pk).update(recorded_at=_at(recorded))


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
