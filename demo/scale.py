"""Scale data for `manage.py seed_demo --participants N`: N more participants shaped like the program,
written in bulk on top of the demo data.

Each person is drawn from a random generator seeded with their number (``scale000123@scale.test`` is
person 123), so the data is the same on every run and on every machine, and a run that asks for more
people adds only the difference: the people already there are counted, not drawn again.

What each person gets (about): an intake with self-identified demographics (some "prefer not to
say"), a Miami-area ZIP code (a few big ZIP codes, a long tail), consent to share (four in five), a
community organization and a navigator (caseloads of 50 to 150; a few wait in their organization's
queue), 1.5 enrollments in cohorts of 15 to 40 seats spread over the past three years (statuses as
the dates allow: completed, withdrawn with a reason, active, enrolled, applied, not admitted), 8
support items, applications to the job board, and for a third of those who completed training a
placement with its wage, judged against the good-job standard in force on its start date, with its
90- and 180-day retention checks (recorded once due); credentials for most completions, six-month
follow-ups for the others.

These are generated records, not events: they are written straight to the tables (PostgreSQL:
``COPY``; SQLite: one ``INSERT`` per batch), with no signal, task, notification, audit or history
row per record and no roll-up per record. The command runs one roll-up at the end.

Dates are relative to the day of the first scale run (the creation date of the first scale program),
so a later run adds people to the same calendar.
"""

from __future__ import annotations

import itertools
import json
import random
import time
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as day_time
from decimal import Decimal
from functools import lru_cache

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from employers.models import INTERNSHIP_KINDS, JOB_KINDS, Application, Employer, Kind, Opportunity
from mtw_portal.accounts.models import Role, User
from participants.models import (
    BudgetLine,
    CommunityOrganization,
    Navigator,
    Participant,
    SupportItem,
    SupportRequest,
    SupportType,
)
from placements.good_jobs import failed_tests
from placements.models import GoodJobStandard, Placement, RetentionCheck
from placements.services import RETENTION_DAYS
from programs.follow_up import follow_up_due
from programs.models import (
    Cohort,
    CompletionFollowUp,
    Credential,
    Enrollment,
    Program,
    Provider,
    WithdrawalReason,
)

SEED = 13
EMAIL_DOMAIN = "scale.test"
PERSON_EMAIL = "scale{:06d}@" + EMAIL_DOMAIN
NAVIGATOR_EMAIL = "scale.navigator{:05d}@" + EMAIL_DOMAIN
BATCH = 10_000
YEARS = 3
UPCOMING_WEEKS = 8
WEEKS = YEARS * 52 + UPCOMING_WEEKS  # a program starts at most one cohort a week
PROGRAMS_PER_WAVE = 16
NAVIGATORS_PER_ORGANIZATION = 10
DEMO_NAVIGATORS = ("navigator@demo.test", "navigator2@demo.test")
DEMO_NAVIGATOR_SCALE_CASELOAD = 80  # on top of their demo people: about 100 each
QUEUE_SHARE = 0.04  # waiting in their organization's queue

Status = Enrollment.Status

# --- The shape of the population -------------------------------------------------------------------


def _weighted(pairs):
    values, weights = zip(*pairs, strict=True)
    return list(values), list(itertools.accumulate(weights))


ETHNICITY = _weighted([("hispanic", 52), ("not_hispanic", 38), ("prefer_not", 5), ("", 5)])
RACE = _weighted(
    [
        ("black", 38),
        ("white", 33),
        ("multiple", 8),
        ("asian", 3),
        ("other", 7),
        ("american_indian", 1),
        ("pacific_islander", 0.5),
        ("prefer_not", 5),
        ("", 4.5),
    ]
)
GENDER = _weighted(
    [("woman", 52), ("man", 41), ("non_binary", 2), ("self_described", 0.5), ("prefer_not", 2.5), ("", 2)]
)
VETERAN = _weighted([("no", 88), ("yes", 5), ("prefer_not", 3), ("", 4)])
DISABILITY = _weighted([("no", 78), ("yes", 11), ("prefer_not", 6), ("", 5)])
LANGUAGE = _weighted([("en", 55), ("es", 33), ("ht", 12)])
EMPLOYMENT = _weighted(
    [
        ("unemployed", 45),
        ("part_time", 20),
        ("full_time", 10),
        ("self_employed", 8),
        ("not_looking", 4),
        ("student", 10),
        ("", 3),
    ]
)
EDUCATION = _weighted(
    [
        ("no_diploma", 7),
        ("high_school", 33),
        ("some_college", 25),
        ("certificate", 9),
        ("associate", 11),
        ("bachelor", 12),
        ("graduate", 3),
    ]
)
# Miami-Dade ZIP codes: the first few hold most people (Zipf-like weights), then a long tail.
ZIPS = [
    "33147", "33127", "33142", "33150", "33054", "33161", "33168", "33136", "33138", "33056",
    "33125", "33135", "33033", "33030", "33032", "33034", "33055", "33167", "33169", "33162",
    "33179", "33181", "33128", "33130", "33133", "33137", "33144", "33145", "33155", "33165",
    "33172", "33174", "33175", "33176", "33177", "33183", "33186", "33157", "33189", "33190",
    "33010", "33012", "33013", "33014", "33015", "33016", "33018", "33126", "33134", "33143",
]  # fmt: skip
ZIP_CODES = _weighted([(zip_code, 1 / (rank + 1) ** 1.1) for rank, zip_code in enumerate(ZIPS)])
FIRST = [
    "Ana", "Jean", "Marisol", "Dwayne", "Fabiola", "Kevin", "Yolanda", "Pierre", "Daniela", "Marcus",
    "Nadège", "Carlos", "Keisha", "Luis", "Roseline", "Andre", "Camila", "Tyrone", "Guerline", "Javier",
    "Shanice", "Wilner", "Paola", "Darnell", "Valentina", "Ricardo", "Islande", "Terrence", "Lucía",
    "Fritz", "Monique", "Esteban", "Yesenia", "Jamal", "Mirlande", "Alejandro", "Tamika", "Ronald",
]  # fmt: skip
LAST = [
    "Rivera", "Joseph", "Hernández", "Brown", "Louis", "Smith", "Díaz", "Charles", "Morales", "Johnson",
    "Etienne", "Pérez", "Williams", "García", "Desir", "Davis", "Romero", "Jackson", "Jean-Baptiste",
    "Castro", "Moore", "Pierre-Louis", "Vargas", "Thomas", "Ortiz", "Fleurant", "Alexis", "Robinson",
    "Mendoza", "Augustin", "Harris", "Reyes", "Rodríguez", "Fernández", "Noël", "Baptiste", "Gómez",
]  # fmt: skip
ORGANIZATION_NAMES = [
    "Little Haiti Community Center", "Overtown Youth Center", "Liberty City Trust", "Hialeah Works",
    "Allapattah Neighbors", "Homestead Opportunity Center", "Opa-locka Community Development",
    "Little Havana Family Services", "Miami Gardens Career Hub", "Kendall Community Partners",
    "North Miami Workforce Alliance", "Doral Community Bridge",
]  # fmt: skip
# Programs the scale data adds to the providers: (name, weeks, tuition, credential type, credential).
PROGRAM_TITLES = [
    ("IT Support Fundamentals", 8, "0", "non_degree_certification", "CompTIA A+"),
    ("Cloud Practitioner", 10, "1200", "non_degree_certification", "AWS Certified Cloud Practitioner"),
    ("Web Development", 16, "8000", "bootcamp_certificate", "Web Development Certificate"),
    ("Data Analytics Essentials", 12, "3000", "bootcamp_certificate", "Data Analytics Certificate"),
    ("Cybersecurity Analyst", 20, "6000", "non_degree_certification", "CompTIA Security+"),
    ("UX Design", 12, "5000", "bootcamp_certificate", "UX Design Certificate"),
    ("Network Technician", 14, "1500", "non_degree_certification", "CompTIA Network+"),
    ("Python Programming", 10, "0", "micro_credential", "Python Micro-credential"),
    ("Salesforce Administrator", 12, "2500", "non_degree_certification", "Salesforce Administrator"),
    ("Digital Marketing", 8, "1000", "online_course_certificate", "Digital Marketing Certificate"),
    ("Project Management Foundations", 10, "900", "non_degree_certification", "CAPM"),
    ("Software Testing", 12, "2000", "bootcamp_certificate", "QA Engineering Certificate"),
]  # fmt: skip
EMPLOYER_PLACES = [
    "Biscayne",
    "Brickell",
    "Coral Way",
    "Wynwood",
    "Doral",
    "Hialeah",
    "Kendall",
    "Allapattah",
]
EMPLOYER_TRADES = [
    ("Software", "Software"),
    ("Health Systems", "Health care"),
    ("Logistics", "Logistics"),
    ("Data Services", "IT services"),
    ("Networks", "Telecommunications"),
]
OPPORTUNITY_KINDS = _weighted(
    [
        (Kind.FULL_TIME, 40),
        (Kind.PART_TIME, 15),
        (Kind.APPRENTICESHIP, 12),
        (Kind.INTERNSHIP, 18),
        (Kind.SPRINT_INTERNSHIP, 8),
        (Kind.MICRO_INTERNSHIP, 7),
    ]
)
JOB_TITLES = {
    Kind.FULL_TIME: ["Help Desk Technician", "Junior Developer", "Data Analyst", "Network Administrator"],
    Kind.PART_TIME: ["IT Support Assistant", "Web Content Assistant", "Data Entry Specialist"],
    Kind.APPRENTICESHIP: ["IT Support Apprentice", "Software Apprentice", "Cybersecurity Apprentice"],
    Kind.INTERNSHIP: ["Software Engineering Intern", "Data Intern", "IT Intern"],
    Kind.SPRINT_INTERNSHIP: ["Sprint Intern: QA", "Sprint Intern: Dashboards"],
    Kind.MICRO_INTERNSHIP: ["Micro-internship: Website Audit", "Micro-internship: Data Cleanup"],
}
OPPORTUNITIES_PER_BLOCK = 12
PEOPLE_PER_OPPORTUNITY_BLOCK = 1_000
WITHDRAWAL_REASONS = _weighted(
    [
        (WithdrawalReason.FAMILY_OBLIGATIONS, 18),
        (WithdrawalReason.FINANCIAL_OBLIGATIONS, 16),
        (WithdrawalReason.NEW_JOB, 14),
        (WithdrawalReason.ATTENDANCE, 12),
        (WithdrawalReason.TRANSPORTATION, 9),
        (WithdrawalReason.CHILDCARE, 9),
        (WithdrawalReason.PHYSICAL_HEALTH, 6),
        (WithdrawalReason.MENTAL_HEALTH, 6),
        (WithdrawalReason.TECHNICAL_REQUIREMENTS, 6),
        (WithdrawalReason.DISMISSED_FOR_BEHAVIOR, 2),
        (WithdrawalReason.OTHER, 2),
    ]
)
# Support: (type, budget line code, weight, lowest and highest amount in cents).
SUPPORTS = [
    (SupportType.BUS_FARE, "transportation", 34, 225, 11250),
    (SupportType.GAS_CARD, "transportation", 20, 2500, 6000),
    (SupportType.DAYCARE, "childcare", 14, 8000, 40000),
    (SupportType.TECHNOLOGY, "technology", 12, 4000, 65000),
    (SupportType.PRE_TRAINING, "pre-training", 10, 5000, 30000),
    (SupportType.OTHER, "other-support", 10, 2000, 20000),
]
# The state of a request whose item is in this state.
REQUEST_STATE = {
    SupportItem.State.APPROVED: SupportRequest.State.APPROVED,
    SupportItem.State.AWAITING_APPROVAL: SupportRequest.State.AWAITING_APPROVAL,
    SupportItem.State.REJECTED: SupportRequest.State.DECLINED,
}
SUPPORT_KINDS = _weighted([(s, s[2]) for s in SUPPORTS])
FOLLOW_UPS = _weighted(
    [
        (CompletionFollowUp.Status.LOOKING, 40),
        (CompletionFollowUp.Status.EMPLOYED_OUTSIDE_FIELD, 25),
        (CompletionFollowUp.Status.NO_CONTACT, 25),
        (CompletionFollowUp.Status.NOT_LOOKING, 10),
    ]
)
RETENTION_OUTCOMES = _weighted(
    [
        (RetentionCheck.Outcome.EMPLOYED, 74),
        (RetentionCheck.Outcome.NOT_EMPLOYED, 16),
        (RetentionCheck.Outcome.NO_CONTACT, 10),
    ]
)
EVIDENCE = _weighted(
    [
        (RetentionCheck.Evidence.SELF_REPORTED, 50),
        (RetentionCheck.Evidence.EMPLOYER_CONFIRMED, 35),
        (RetentionCheck.Evidence.DOCUMENT, 15),
    ]
)


def _pick(rng: random.Random, table) -> object:
    values, cumulative = table
    return values[bisect_right(cumulative, rng.random() * cumulative[-1])]


def _birthday(rng: random.Random, intake_day: date) -> date:
    return intake_day.replace(year=intake_day.year - _randint(rng, 18, 60), day=1)


def _randint(rng: random.Random, low: int, high: int) -> int:
    """``rng.randint(low, high)``, faster (the generator's float, scaled)."""
    return low + int(rng.random() * (high - low + 1))


def person_rng(i: int) -> random.Random:
    return random.Random(SEED * 1_000_003 + i)


def enrollment_count(i: int) -> int:
    """How many enrollments person ``i`` has: 1 (55%), 2 (40%) or 3 (5%); 1.5 on average."""
    draw = random.Random(SEED * 7_000_013 + i).random()
    return 1 if draw < 0.55 else (2 if draw < 0.95 else 3)


def cohort_fill(c: int) -> tuple[int, int]:
    """(enrollments, seats) of scale cohort ``c``: 15 to 40 seats, a few left empty."""
    rng = random.Random(SEED * 3_000_017 + c)
    seats = _randint(rng, 15, 40)
    return seats - _randint(rng, 0, min(4, seats - 15)), seats


# --- Writing rows in bulk -----------------------------------------------------------------------------


def _ids(model, n: int) -> list[int]:
    """``n`` fresh primary keys of ``model``'s table (the caller inserts them at once)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Take n numbers of the sequence at once. The lock (until the batch commits) keeps any
            # other insert from drawing a number in between.
            cursor.execute(f"LOCK TABLE {connection.ops.quote_name(table)} IN SHARE ROW EXCLUSIVE MODE")
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cursor.fetchone()[0]
            cursor.execute("SELECT setval(%s, nextval(%s) + %s - 1)", [sequence, sequence, n])
            last = cursor.fetchone()[0]
            return list(range(last - n + 1, last + 1))
        cursor.execute(f'SELECT COALESCE(MAX("id"), 0) FROM "{table}"')  # noqa: S608 (a model's table)
        first = cursor.fetchone()[0] + 1
        return list(range(first, first + n))


def _insert(model, columns: tuple[str, ...], rows: list) -> None:
    """Insert ``rows`` (values of ``columns``, the fields' attnames, the id first) in one go."""
    if not rows:
        return
    # Fields the rows leave out take their defaults, as a save would (a field added to a model
    # later, such as the WIOA co-enrollment's, is then never written NULL).
    missing = [
        f
        for f in model._meta.concrete_fields
        if f.attname not in columns and (f.has_default() or (f.empty_strings_allowed and not f.null))
    ]
    if missing:
        defaults = [f.get_default() for f in missing]
        columns = (*columns, *(f.attname for f in missing))
        rows = [[*row, *defaults] for row in rows]
    table = model._meta.db_table
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            json_columns = [
                n
                for n, c in enumerate(columns)
                if c != "id" and model._meta.get_field(c).get_internal_type() == "JSONField"
            ]
            with cursor.copy(f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    for n in json_columns:
                        row[n] = json.dumps(row[n])
                    copy.write_row(row)
            return
        fields = [model._meta.get_field(c) for c in columns]
        prepared = [
            tuple(
                f.get_db_prep_save(v, connection) if v is not None else None
                for f, v in zip(fields, row, strict=True)
            )
            for row in rows
        ]
        marks = ", ".join(["%s"] * len(columns))
        insert = f"INSERT INTO {connection.ops.quote_name(table)} ({quoted}) VALUES ({marks})"  # noqa: S608
        cursor.executemany(insert, prepared)


# --- The fixed parts: organizations, navigators, programs, cohorts, employers, opportunities ------------


@dataclass
class World:
    anchor: date  # "today" of the scale data: the day of the first scale run
    now: datetime
    staff: User
    navigators: list  # slot -> Navigator (created on demand)
    caseload_ends: list[int]  # cumulative caseload sizes, by navigator slot
    programs: dict = field(default_factory=dict)  # program slot -> Program
    cohorts: dict = field(default_factory=dict)  # cohort number -> Cohort
    cohort_ends: dict = field(default_factory=dict)  # lane -> (cumulative fills, cohort numbers)
    opportunities: list = field(default_factory=list)
    employers: list = field(default_factory=list)
    budget_lines: dict = field(default_factory=dict)
    standards: list = field(default_factory=list)
    providers: list = field(default_factory=list)
    existing_cohorts: dict = field(default_factory=dict)  # (program id, start date) -> Cohort
    existing_navigators: dict = field(default_factory=dict)  # email -> Navigator
    organizations: dict = field(default_factory=dict)  # code -> CommunityOrganization


@lru_cache(maxsize=65_536)
def _at(day: date, hour: int = 10) -> datetime:
    """``hour`` o'clock on ``day``, in the portal's time zone (cached: the days repeat)."""
    return datetime.combine(day, day_time(hour, 0), tzinfo=timezone.get_default_timezone())


def _organization(world: World, index: int) -> CommunityOrganization:
    """The ``index``-th organization of the scale data: the two reference ones (the demo navigators'),
    then new ones, each with 10 navigators."""
    reference = ("oic", "united-way")
    if index < len(reference):
        return world.organizations[reference[index]]
    extra = index - len(reference)
    code = f"scale-org-{extra + 1}"
    if code not in world.organizations:
        base = ORGANIZATION_NAMES[extra % len(ORGANIZATION_NAMES)]
        name = base if extra < len(ORGANIZATION_NAMES) else f"{base} {extra // len(ORGANIZATION_NAMES) + 1}"
        world.organizations[code] = CommunityOrganization.objects.create(code=code, name=name)
    return world.organizations[code]


def _navigator(world: World, slot: int) -> Navigator:
    while len(world.navigators) <= slot:
        s = len(world.navigators)
        if s < len(DEMO_NAVIGATORS):
            world.navigators.append(
                Navigator.objects.select_related("user").get(user__email=DEMO_NAVIGATORS[s])
            )
            continue
        email = NAVIGATOR_EMAIL.format(s)
        navigator = world.existing_navigators.get(email)
        if navigator is None:
            rng = random.Random(SEED * 5_000_011 + s)
            organization = _organization(
                world, len(DEMO_NAVIGATORS) + (s - len(DEMO_NAVIGATORS)) // NAVIGATORS_PER_ORGANIZATION
            )
            user = User.objects.create(
                email=email,
                first_name=rng.choice(FIRST),
                last_name=rng.choice(LAST),
                role=Role.NAVIGATOR,
                password="!scale-navigator",  # noqa: S106 (unusable: "!" prefix)
            )
            navigator = Navigator.objects.create(user=user, organization=organization)
        world.navigators.append(navigator)
    return world.navigators[slot]


def _caseload_ends(n: int) -> list[int]:
    """Cumulative caseload sizes by navigator slot, far enough to cover ``n`` people."""
    ends, total, slot = [], 0, 0
    while total < n:
        if slot < len(DEMO_NAVIGATORS):
            size = DEMO_NAVIGATOR_SCALE_CASELOAD
        else:
            size = random.Random(SEED * 9_000_041 + slot).randint(50, 150)
        total += size
        ends.append(total)
        slot += 1
    return ends


def _program(world: World, slot: int) -> Program:
    program = world.programs.get(slot)
    if program is not None:
        return program
    provider = world.providers[slot % len(world.providers)]
    title, weeks, tuition, ctype, cname = PROGRAM_TITLES[(slot // len(world.providers)) % len(PROGRAM_TITLES)]
    round_ = slot // (len(world.providers) * len(PROGRAM_TITLES))
    name = title if round_ == 0 else f"{title} {round_ + 1}"
    program = Program.objects.filter(provider=provider, name__iexact=name).first()
    if program is None:
        rng = random.Random(SEED * 11_000_027 + slot)
        program = Program.objects.create(
            provider=provider,
            name=name,
            description=f"{cname}: {title.lower()}.",
            format=rng.choice(Program.Format.values),
            schedule=rng.choice(Program.Schedule.values),
            length_weeks=weeks,
            tuition=Decimal(tuition),
            credential_type=ctype,
            credential_name=cname,
            created_at=world.now,
        )
    world.programs[slot] = program
    return program


def _week_order(slot: int) -> list[int]:
    weeks = list(range(WEEKS))
    random.Random(SEED * 13_000_031 + slot).shuffle(weeks)
    return weeks


_WEEK_ORDERS: dict[int, list[int]] = {}


def cohort_place(c: int) -> tuple[int, int]:
    """(program slot, week) of scale cohort ``c``: the waves of 16 programs take one cohort a week
    each, the weeks in a shuffled order, so even a few cohorts spread over the three years."""
    wave, rest = divmod(c, PROGRAMS_PER_WAVE * WEEKS)
    slot = wave * PROGRAMS_PER_WAVE + rest % PROGRAMS_PER_WAVE
    order = _WEEK_ORDERS.get(slot)
    if order is None:
        order = _WEEK_ORDERS[slot] = _week_order(slot)
    return slot, order[rest // PROGRAMS_PER_WAVE]


def _first_monday(anchor: date) -> date:
    start = anchor - timedelta(days=YEARS * 364 + anchor.weekday())
    return start


def _cohort(world: World, c: int, pending: list) -> Cohort:
    cohort = world.cohorts.get(c)
    if cohort is not None:
        return cohort
    slot, week = cohort_place(c)
    program = _program(world, slot)
    start = _first_monday(world.anchor) + timedelta(weeks=week)
    existing = world.existing_cohorts.get((program.pk, start))
    if existing is not None:
        world.cohorts[c] = existing
        return existing
    _fill, seats = cohort_fill(c)
    cohort = Cohort(
        program=program,
        start_date=start,
        end_date=start + timedelta(weeks=program.length_weeks or 12),
        seats=seats,
    )
    pending.append(cohort)
    world.cohorts[c] = cohort
    return cohort


# Lanes: a person's first enrollment fills the cohorts of lane 0, their second lane 1, their third
# lane 2, so no one is enrolled twice in one cohort. Of every 30 cohort numbers, 20 are lane 0's, 9
# lane 1's and 1 lane 2's: about the share of first, second and third enrollments.
LANE_SHARES = (20, 9, 1)
LANES = len(LANE_SHARES)
LANE_CYCLE = sum(LANE_SHARES)


class Lane:
    def __init__(self, lane: int):
        self.share = LANE_SHARES[lane]
        self.offset = sum(LANE_SHARES[:lane])
        self.k = -1  # the lane's current cohort, counted in the lane
        self.left = 0  # places left in it

    def number(self, k: int) -> int:
        return (k // self.share) * LANE_CYCLE + self.offset + k % self.share

    def next_cohort(self) -> int:
        while self.left == 0:
            self.k += 1
            self.left = cohort_fill(self.number(self.k))[0]
        self.left -= 1
        return self.number(self.k)


OPPORTUNITY_NOTE = "is hiring. Coalition graduates encouraged to apply."
DEMO_EMPLOYERS = ("UKG", "Kaseya")  # the demo employers' accounts see applicants too


def _employers(world: World) -> None:
    world.employers = list(Employer.objects.filter(name__in=DEMO_EMPLOYERS).order_by("name"))
    for place, (trade, industry) in itertools.product(EMPLOYER_PLACES, EMPLOYER_TRADES):
        name = f"{place} {trade}"
        employer = Employer.objects.filter(name__iexact=name).first()
        if employer is None:
            employer = Employer.objects.create(name=name, industry=industry, size=Employer.Size.MEDIUM)
        world.employers.append(employer)


def _opportunity(world: World, o: int) -> Opportunity:
    """Scale opportunity ``o`` (the ``o``-th, by creation, at the scale employers)."""
    while len(world.opportunities) <= o:
        n = len(world.opportunities)
        rng = random.Random(SEED * 17_000_023 + n)
        kind = _pick(rng, OPPORTUNITY_KINDS)
        wage, fee, hours, est = _opportunity_pay(rng, kind)
        employer = world.employers[n % len(world.employers)]
        job = kind in JOB_KINDS
        opened = world.anchor - timedelta(days=_randint(rng, 0, YEARS * 364))
        state = (
            Opportunity.State.OPEN if opened > world.anchor - timedelta(days=60) else Opportunity.State.CLOSED
        )
        world.opportunities.append(
            Opportunity.objects.create(
                employer=employer,
                kind=kind,
                title=rng.choice(JOB_TITLES[kind]),
                description=f"{employer.name} {OPPORTUNITY_NOTE}",
                location="Miami, FL",
                is_remote=kind == Kind.MICRO_INTERNSHIP,
                hourly_wage=wage,
                fixed_fee=fee,
                estimated_hours=est,
                hours_per_week=hours,
                state=state,
                opened_at=_at(opened),
                created_at=_at(opened),
                benefit_health=job and rng.random() < 0.75,
                benefit_paid_time_off=job and rng.random() < 0.7,
                benefit_retirement=job and rng.random() < 0.5,
                advancement_path="Promotion review after a year." if job and rng.random() < 0.7 else "",
            )
        )
    return world.opportunities[o]


def _opportunity_pay(rng: random.Random, kind: str):
    if kind == Kind.MICRO_INTERNSHIP:
        return None, Decimal(rng.choice([250, 300, 400, 500])), None, rng.choice([10, 12, 20])
    low, high, hours = {
        Kind.FULL_TIME: (17, 38, 40),
        Kind.PART_TIME: (15, 24, 24),
        Kind.APPRENTICESHIP: (16, 24, 40),
        Kind.INTERNSHIP: (15, 25, 40),
        Kind.SPRINT_INTERNSHIP: (15, 22, 20),
    }[kind]
    return Decimal(_randint(rng, low * 4, high * 4)) / 4, None, hours, None


def _standard_on(world: World, day: date):
    starts = [s.effective_from for s in world.standards]
    index = bisect_right(starts, day) - 1
    return world.standards[index] if index >= 0 else None


def _world(n: int) -> World:
    providers = list(Provider.objects.filter(is_active=True).order_by("pk"))
    # The first scale program (slot 0) was created on the first scale run: its date is the anchor.
    first = Program.objects.filter(provider=providers[0], name=PROGRAM_TITLES[0][0]).first()
    now = timezone.now()
    anchor = timezone.localtime(first.created_at).date() if first else timezone.localdate()
    world = World(
        anchor=anchor,
        now=now,
        staff=User.objects.get(email="staff@demo.test"),
        navigators=[],
        caseload_ends=_caseload_ends(n),
        providers=providers,
    )
    world.existing_cohorts = {
        (c.program_id, c.start_date): c for c in Cohort.objects.select_related("program")
    }
    world.existing_navigators = {
        nav.user.email: nav
        for nav in Navigator.objects.select_related("user").filter(user__email__endswith="@" + EMAIL_DOMAIN)
    }
    world.organizations = {o.code: o for o in CommunityOrganization.objects.all()}
    world.budget_lines = {b.code: b for b in BudgetLine.objects.all()}
    world.standards = list(GoodJobStandard.objects.order_by("effective_from"))
    _employers(world)
    world.opportunities = list(
        Opportunity.objects.filter(description__endswith=OPPORTUNITY_NOTE).order_by("pk")
    )
    return world


# --- The people ---------------------------------------------------------------------------------------


def scale_count() -> int:
    return User.objects.filter(email__endswith="@" + EMAIL_DOMAIN, role=Role.PARTICIPANT).count()


@dataclass
class Rows:
    users: list = field(default_factory=list)
    participants: list = field(default_factory=list)
    enrollments: list = field(default_factory=list)
    credentials: list = field(default_factory=list)
    follow_ups: list = field(default_factory=list)
    supports: list = field(default_factory=list)
    requests: list = field(default_factory=list)
    applications: list = field(default_factory=list)
    placements: list = field(default_factory=list)
    checks: list = field(default_factory=list)
    cohorts: list = field(default_factory=list)


USER_COLUMNS = (
    "id", "password", "is_superuser", "first_name", "last_name", "email", "is_staff", "is_active",
    "date_joined", "role", "language",
)  # fmt: skip
PARTICIPANT_COLUMNS = (
    "id", "user_id", "phone", "sms_opt_in", "preferred_language", "zip_code", "date_of_birth",
    "employment_status", "education", "ethnicity", "race", "gender", "veteran", "disability",
    "barrier_transportation", "barrier_childcare", "barrier_technology", "barrier_finances",
    "barrier_other", "consent_to_share", "consent_at", "intake_completed_at", "organization_id",
    "navigator_id", "navigator_since", "created_at", "deactivation_reason",
)  # fmt: skip
ENROLLMENT_COLUMNS = (
    "id", "participant_id", "cohort_id", "status", "applied_at", "enrolled_on", "end_date",
    "withdrawal_reason", "note", "origin", "partner_confirmed_at", "partner_declined_at", "updated_at",
)  # fmt: skip
CREDENTIAL_COLUMNS = ("id", "participant_id", "enrollment_id", "type", "name", "issuer", "awarded_on")
FOLLOW_UP_COLUMNS = ("id", "enrollment_id", "status", "note", "recorded_by_id", "recorded_at")
SUPPORT_COLUMNS = (
    "id", "participant_id", "type", "amount", "given_on", "budget_line_id", "description", "receipt",
    "state", "logged_by_id", "logged_at", "decided_by_id", "decided_at", "decision_note", "request_id",
)  # fmt: skip
REQUEST_COLUMNS = (
    "id", "participant_id", "type", "amount", "details", "state", "created_at", "decided_by_id",
    "decided_at", "decision_note",
)  # fmt: skip
APPLICATION_COLUMNS = (
    "id", "opportunity_id", "participant_id", "note", "resume", "state", "created_at", "updated_at",
    "decided_by_id", "decision_reason", "round",
)  # fmt: skip
PLACEMENT_COLUMNS = (
    "id", "participant_id", "employer_id", "kind", "title", "start_date", "end_date", "hourly_wage",
    "hours_per_week", "in_field_of_training", "source", "application_id", "recorded_by_id", "created_at",
    "is_good_job", "standard_id", "failed_tests", "judged_at", "benefit_health", "benefit_dental_vision",
    "benefit_paid_time_off", "benefit_retirement", "benefit_tuition", "advancement_path",
)  # fmt: skip
CHECK_COLUMNS = (
    "id", "placement_id", "days", "due_on", "outcome", "evidence", "note", "recorded_at", "recorded_by_id",
    "link_nonce", "link_used_at", "reminder_sent_at", "reminder_attempts",
)  # fmt: skip
COHORT_COLUMNS = ("id", "program_id", "start_date", "end_date", "seats")


class People:
    """Draws the people of one batch, keeping the lanes' places across batches."""

    def __init__(self, world: World, have: int):
        self.world = world
        self.lanes = [Lane(lane) for lane in range(LANES)]
        for i in range(have):  # where the lanes stand after the people already there
            for lane in range(enrollment_count(i)):
                self.lanes[lane].next_cohort()
        self.threshold = Decimal(settings.MTW_SUPPORT_APPROVAL_THRESHOLD)

    def batch(self, start: int, stop: int) -> Rows:
        rows = Rows()
        plans = []
        for i in range(start, stop):
            cohorts = [
                _cohort(self.world, self.lanes[lane].next_cohort(), rows.cohorts)
                for lane in range(enrollment_count(i))
            ]
            plans.append((i, cohorts))
        for i, _cohorts in plans:
            if self.world.caseload_ends[-1] <= i:
                self.world.caseload_ends = _caseload_ends(i + 1)
            slot = bisect_right(self.world.caseload_ends, i)
            _navigator(self.world, slot)
        if rows.cohorts:
            ids = _ids(Cohort, len(rows.cohorts))
            for cohort, pk in zip(rows.cohorts, ids, strict=True):
                cohort.pk = pk
        for i, cohorts in plans:
            self._person(rows, i, cohorts)
        return rows

    def _person(self, rows: Rows, i: int, cohorts: list[Cohort]) -> None:
        world, rng = self.world, person_rng(i)
        anchor = world.anchor
        navigator = world.navigators[bisect_right(world.caseload_ends, i)]
        first_start = min(c.start_date for c in cohorts)
        # The intake comes before any application (applications are made 3 to 6 weeks before a start).
        intake_day = min(first_start - timedelta(days=_randint(rng, 45, 120)), anchor - timedelta(days=5))
        user_id = len(rows.users)  # a placeholder index: real ids are given in ``write``
        joined = _at(intake_day, 9)
        language = _pick(rng, LANGUAGE)
        rows.users.append(
            [
                None, "!scale", False, rng.choice(FIRST), rng.choice(LAST), PERSON_EMAIL.format(i), False,
                True, joined, Role.PARTICIPANT, language,
            ]
        )  # fmt: skip
        consent = rng.random() < 0.8
        queued = rng.random() < QUEUE_SHARE
        intake = _at(intake_day, 11)
        person = len(rows.participants)
        rows.participants.append(
            [
                None, user_id, f"305-555-{_randint(rng, 0, 9999):04d}", rng.random() < 0.3, language,
                _pick(rng, ZIP_CODES), _birthday(rng, intake_day),
                _pick(rng, EMPLOYMENT), _pick(rng, EDUCATION), _pick(rng, ETHNICITY), _pick(rng, RACE),
                _pick(rng, GENDER), _pick(rng, VETERAN), _pick(rng, DISABILITY), rng.random() < 0.45,
                rng.random() < 0.3, rng.random() < 0.25, rng.random() < 0.4, "", consent,
                intake if consent else None, intake, navigator.organization_id,
                None if queued else navigator.pk, intake, intake, "",
            ]
        )  # fmt: skip
        logger = world.staff.pk if queued else navigator.user_id
        completions = []
        for cohort in cohorts:
            enrollment = self._enrollment(rows, rng, person, cohort)
            if enrollment is not None:
                completions.append(enrollment)
        self._supports(rows, rng, person, intake_day, logger)
        self._hiring(rows, rng, i, person, completions, logger)

    def _enrollment(self, rows: Rows, rng: random.Random, person: int, cohort: Cohort):
        """One enrollment, its status as the cohort's dates allow. Returns (row index, end date,
        program) for a completion."""
        anchor = self.world.anchor
        start, end = cohort.start_date, cohort.end_date
        draw = rng.random()
        if start > anchor:
            status = (
                Status.APPLIED if draw < 0.7 else (Status.ENROLLED if draw < 0.95 else Status.NOT_ADMITTED)
            )
        elif end > anchor:
            status = Status.ACTIVE if draw < 0.84 else (Status.WITHDRAWN if draw < 0.95 else Status.ENROLLED)
        else:
            status = (
                Status.COMPLETED
                if draw < 0.68
                else (Status.WITHDRAWN if draw < 0.92 else Status.NOT_ADMITTED)
            )
        admitted = min(start - timedelta(days=_randint(rng, 3, 12)), anchor - timedelta(days=1))
        applied = min(start - timedelta(days=_randint(rng, 21, 42)), admitted - timedelta(days=2))
        enrolled_on = admitted if status in Enrollment.ENROLLED_STATUSES else None
        end_date, reason, note = None, "", ""
        if status == Status.COMPLETED:
            end_date = end
        elif status == Status.WITHDRAWN:
            end_date = start + timedelta(
                days=_randint(rng, 7, max(7, min((end - start).days, (anchor - start).days)))
            )
            end_date = min(end_date, anchor)
            reason = _pick(rng, WITHDRAWAL_REASONS)
            note = "Moved out of state." if reason == WithdrawalReason.OTHER else ""
        elif status == Status.NOT_ADMITTED:
            note = "Cohort full; invited to the next one."
        origin_draw = rng.random()
        declined = None
        if status in (Status.APPLIED, Status.NOT_ADMITTED) or origin_draw < 0.5:
            origin, confirmed = Enrollment.Origin.APPLICATION, _at(applied)
        elif origin_draw < 0.8:
            origin, confirmed = Enrollment.Origin.NAVIGATOR, _at(admitted)
        else:
            origin = Enrollment.Origin.PROVIDER if origin_draw < 0.88 else Enrollment.Origin.IMPORT
            confirm_draw = rng.random()
            confirmed = _at(admitted + timedelta(days=_randint(rng, 0, 10))) if confirm_draw < 0.85 else None
            if confirmed is not None and confirmed.date() > anchor:
                confirmed = _at(anchor)
            declined = _at(admitted) if 0.85 <= confirm_draw < 0.9 else None
        index = len(rows.enrollments)
        rows.enrollments.append(
            [
                None, person, cohort, status, _at(applied), enrolled_on, end_date, reason, note, origin,
                confirmed, declined, self.world.now,
            ]
        )  # fmt: skip
        if status != Status.COMPLETED:
            return None
        program = cohort.program
        if program.credential_type and rng.random() < 0.72:
            awarded = min(end_date + timedelta(days=_randint(rng, 0, 21)), anchor)
            rows.credentials.append(
                [
                    None,
                    person,
                    index,
                    program.credential_type,
                    program.credential_name,
                    program.provider.name,
                    awarded,
                ]
            )
        return index, end_date, program

    def _supports(self, rows: Rows, rng: random.Random, person: int, since: date, logger: int) -> None:
        anchor, world = self.world.anchor, self.world
        span = max(1, (anchor - since).days)
        for _ in range(rng.choice((2, 4, 5, 6, 7, 8, 8, 9, 10, 11, 12, 14))):
            kind, line, _w, low, high = _pick(rng, SUPPORT_KINDS)
            amount = Decimal(_randint(rng, low, high)) / 100
            given = since + timedelta(days=_randint(rng, 0, span))
            logged = _at(given, 14)
            state, decided_by, decided_at, decision = SupportItem.State.APPROVED, None, None, ""
            if amount > self.threshold:
                if (anchor - given).days < 14 and rng.random() < 0.6:
                    state = SupportItem.State.AWAITING_APPROVAL
                else:
                    approved = rng.random() < 0.9
                    state = SupportItem.State.APPROVED if approved else SupportItem.State.REJECTED
                    decided_by, decided_at = world.staff.pk, _at(min(given + timedelta(days=2), anchor), 16)
                    decision = "" if approved else "Over the budget for this line."
            request = None
            if rng.random() < 0.1:  # asked for by the person first
                request = len(rows.requests)
                rows.requests.append(
                    [
                        None, person, kind, amount, "I need help with this to keep going with training.",
                        REQUEST_STATE[state],
                        _at(given - timedelta(days=_randint(rng, 1, 5)), 12), logger, logged, "",
                    ]
                )  # fmt: skip
            rows.supports.append(
                [
                    None, person, kind, amount, given, world.budget_lines[line].pk, "", "", state, logger,
                    logged, decided_by, decided_at, decision, request,
                ]
            )  # fmt: skip
        if rng.random() < 0.03:  # waiting for a navigator
            kind = _pick(rng, SUPPORT_KINDS)[0]
            rows.requests.append(
                [
                    None, person, kind, None, "Could I get help with this?", SupportRequest.State.OPEN,
                    _at(anchor - timedelta(days=_randint(rng, 0, 20)), 12), None, None, "",
                ]
            )  # fmt: skip

    def _hiring(self, rows: Rows, rng: random.Random, i: int, person: int, completions, logger: int) -> None:
        world, anchor = self.world, self.world.anchor
        block = i // PEOPLE_PER_OPPORTUNITY_BLOCK
        choices = [block * OPPORTUNITIES_PER_BLOCK + k for k in range(OPPORTUNITIES_PER_BLOCK)]
        applying = rng.random() < (0.55 if completions else 0.15)
        opportunities = rng.sample(choices, rng.choice((1, 1, 2, 3))) if applying else []
        hire = None
        # A placement for about a third of the people who completed training, after the last
        # completion (and only once a week has passed since).
        last = max(completions, key=lambda c: c[1]) if completions else None
        placed = last is not None and last[1] + timedelta(days=7) <= anchor and rng.random() < 0.36
        for n, o in enumerate(opportunities):
            opportunity = _opportunity(world, o)
            applied = min(
                timezone.localtime(opportunity.opened_at).date() + timedelta(days=_randint(rng, 0, 30)),
                anchor,
            )
            if n == 0 and placed and rng.random() < 0.45:
                state = Application.State.HIRED
            else:
                state = _pick(
                    rng,
                    _weighted(
                        [
                            ("applied", 30),
                            ("interviewing", 15),
                            ("offered", 5),
                            ("declined", 35),
                            ("withdrawn", 15),
                        ]
                    ),
                )
            index = len(rows.applications)
            rows.applications.append(
                [
                    None, opportunity.pk, person, "", "", state, _at(applied, 15), world.now,
                    None, "Another candidate was a closer fit." if state == "declined" else "", 0,
                ]
            )  # fmt: skip
            if state == Application.State.HIRED:
                hire = (index, opportunity)
        if not placed:
            return
        earliest = last[1] + timedelta(days=7)
        start = earliest + timedelta(days=_randint(rng, 0, min(150, (anchor - earliest).days)))
        if hire is not None:
            application, opportunity = hire
            employer, kind, title = opportunity.employer_id, opportunity.kind, opportunity.title
            source, recorder = Placement.Source.HIRE, None
            wage = opportunity.effective_hourly_rate
            hours = Decimal(opportunity.hours_per_week or 20)
            health, advancement = opportunity.benefit_health, opportunity.advancement_path
        else:
            application = None
            kind = _pick(rng, OPPORTUNITY_KINDS)
            employer = rng.choice(world.employers).pk
            title = rng.choice(JOB_TITLES[kind])
            source, recorder = Placement.Source.NAVIGATOR, logger
            wage, _fee, hours, _est = _opportunity_pay(rng, kind)
            if wage is None:  # a micro-internship: paid by the project, at about this rate
                wage = Decimal(_randint(rng, 60, 100)) / 4
            hours = Decimal(hours or 10)
            if kind == Kind.PART_TIME:
                hours = Decimal(_randint(rng, 16, 30))
            health = kind in JOB_KINDS and rng.random() < 0.75
            advancement = "Promotion review after a year." if kind in JOB_KINDS and rng.random() < 0.7 else ""
        standard = _standard_on(world, start)
        failed = failed_tests(
            standard=standard, kind=kind, hourly_wage=wage, hours_per_week=hours, health=health,
            advancement_path=advancement,
        )  # fmt: skip
        end_date = None
        if kind in INTERNSHIP_KINDS:
            end_date = start + timedelta(weeks=rng.choice((2, 4, 10, 12)))
        placement = len(rows.placements)
        rows.placements.append(
            [
                None, person, employer, kind, title, start, end_date, wage, hours, rng.random() < 0.7, source,
                application, recorder, _at(start), not failed, standard.pk if standard else None,
                failed, world.now, health, health and rng.random() < 0.6, kind in JOB_KINDS,
                health and rng.random() < 0.5, False, advancement,
            ]
        )  # fmt: skip
        if kind not in JOB_KINDS:
            return
        for days in RETENTION_DAYS:  # as placements.services.retention_checks_schedule
            due = start + timedelta(days=days)
            outcome = evidence = ""
            recorded_at = recorded_by = None
            if due <= anchor and rng.random() < 0.85:
                outcome, evidence = _pick(rng, RETENTION_OUTCOMES), _pick(rng, EVIDENCE)
                recorded_at, recorded_by = (
                    _at(min(due + timedelta(days=_randint(rng, 0, 20)), anchor), 15),
                    logger,
                )
            rows.checks.append(
                [
                    None, placement, days, due, outcome, evidence, "", recorded_at, recorded_by,
                    f"{rng.getrandbits(128):032x}", None, _at(due, 8) if due <= anchor else None, 0,
                ]
            )  # fmt: skip

    def follow_ups(self, rows: Rows) -> None:
        """Six-month follow-ups of completions with no placement, recorded once due (most of them)."""
        placed = {row[1] for row in rows.placements}
        for index, row in enumerate(rows.enrollments):
            if row[3] != Status.COMPLETED or row[1] in placed:
                continue
            due = follow_up_due(row[6])
            if due > self.world.anchor:
                continue
            rng = random.Random(SEED * 19_000_043 + index + row[1] * 7)
            if rng.random() < 0.7:
                rows.follow_ups.append(
                    [None, index, _pick(rng, FOLLOW_UPS), "Six-month call.", None, _at(due, 11)]
                )


def _write(rows: Rows) -> dict[str, int]:
    """Give the rows their ids, resolve the references between them, and insert them table by table."""

    def assign(model, table: list) -> list[int]:
        ids = _ids(model, len(table)) if table else []
        for row, pk in zip(table, ids, strict=True):
            row[0] = pk
        return ids

    _insert(
        Cohort,
        COHORT_COLUMNS,
        [(c.pk, c.program_id, c.start_date, c.end_date, c.seats) for c in rows.cohorts],
    )
    for cohort in rows.cohorts:
        cohort._state.adding, cohort._state.db = False, connection.alias
    users = assign(User, rows.users)
    _insert(User, USER_COLUMNS, rows.users)
    for row in rows.participants:
        row[1] = users[row[1]]
    participants = assign(Participant, rows.participants)
    _insert(Participant, PARTICIPANT_COLUMNS, rows.participants)
    for row in rows.enrollments:
        row[1], row[2] = participants[row[1]], row[2].pk
    enrollments = assign(Enrollment, rows.enrollments)
    _insert(Enrollment, ENROLLMENT_COLUMNS, rows.enrollments)
    for row in rows.credentials:
        row[1], row[2] = participants[row[1]], enrollments[row[2]]
    assign(Credential, rows.credentials)
    _insert(Credential, CREDENTIAL_COLUMNS, rows.credentials)
    for row in rows.follow_ups:
        row[1] = enrollments[row[1]]
    assign(CompletionFollowUp, rows.follow_ups)
    _insert(CompletionFollowUp, FOLLOW_UP_COLUMNS, rows.follow_ups)
    for row in rows.requests:
        row[1] = participants[row[1]]
    requests = assign(SupportRequest, rows.requests)
    _insert(SupportRequest, REQUEST_COLUMNS, rows.requests)
    for row in rows.supports:
        row[1] = participants[row[1]]
        row[14] = requests[row[14]] if row[14] is not None else None
    assign(SupportItem, rows.supports)
    _insert(SupportItem, SUPPORT_COLUMNS, rows.supports)
    for row in rows.applications:
        row[2] = participants[row[2]]
    applications = assign(Application, rows.applications)
    _insert(Application, APPLICATION_COLUMNS, rows.applications)
    for row in rows.placements:
        row[1] = participants[row[1]]
        row[11] = applications[row[11]] if row[11] is not None else None
    placements = assign(Placement, rows.placements)
    _insert(Placement, PLACEMENT_COLUMNS, rows.placements)
    for row in rows.checks:
        row[1] = placements[row[1]]
    assign(RetentionCheck, rows.checks)
    _insert(RetentionCheck, CHECK_COLUMNS, rows.checks)
    return {
        "cohorts": len(rows.cohorts),
        "users": len(rows.users),
        "participants": len(rows.participants),
        "enrollments": len(rows.enrollments),
        "credentials": len(rows.credentials),
        "follow_ups": len(rows.follow_ups),
        "support_requests": len(rows.requests),
        "support_items": len(rows.supports),
        "applications": len(rows.applications),
        "placements": len(rows.placements),
        "retention_checks": len(rows.checks),
    }


WRITTEN = (
    Cohort, User, Participant, Enrollment, Credential, CompletionFollowUp, SupportRequest, SupportItem,
    Application, Placement, RetentionCheck, Navigator, Program, Opportunity,
)  # fmt: skip


def seed_scale(*, participants: int, batch: int = BATCH, progress=None) -> dict[str, int]:
    """Bring the scale participants up to ``participants`` (adds nothing when there are as many or
    more). Each batch is written in one transaction: a run stopped midway keeps whole batches, and
    the next run carries on from there. Returns the rows added, by table."""
    began = time.perf_counter()
    have = scale_count()
    added: dict[str, int] = {}
    if have >= participants:
        return added
    world = _world(participants)
    people = People(world, have)
    for start in range(have, participants, batch):
        stop = min(participants, start + batch)
        with transaction.atomic():
            rows = people.batch(start, stop)
            people.follow_ups(rows)
            for table, count in _write(rows).items():
                added[table] = added.get(table, 0) + count
        if progress:
            progress(f"  {stop:>9,} of {participants:,} participants ({time.perf_counter() - began:.1f} s)")
    if connection.vendor == "postgresql":  # fresh statistics for the planner, as autovacuum would give
        with connection.cursor() as cursor:
            for model in WRITTEN:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return added
