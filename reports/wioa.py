"""The WIOA extract: a PIRL-style file (DOL ETA-9172, the Participant Individual Record Layout) of
the co-enrolled participants who said yes to sharing with the local workforce board.

One row per person, one column per PIRL element the portal can fill, headed by the element
numbers; comma-separated, dates ``YYYYMMDD``, codes as the PIRL publishes them. docs/wioa.md maps
every element (source field, coding) and names the ones the portal cannot fill.

Every row is checked before it goes into the file (required elements present, codes among the
valid ones, dates well formed): a person whose record fails is left out and listed with one
message per element, never dropped silently.

Who is in it is the access module's decision (``access.participants_shared_with_workforce_board``).
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from participants.models import Participant
from placements.models import Placement
from programs.models import Credential, CredentialType, Enrollment

DELIMITER = ","
DATE_FORMAT = "%Y%m%d"
TRAININGS = 3  # PIRL has three training services (#1..#3)
CREDENTIALS = 3  # and three recognized credentials

# --- coding of the portal's answers into PIRL code values -------------------------------------

# 201 Sex: 1 male, 2 female, 9 did not self-identify. The portal asks gender; only "man" and
# "woman" map, every other answer (non-binary, another gender, prefer not) is 9.
SEX = {"man": "1", "woman": "2", "non_binary": "9", "self_described": "9", "prefer_not": "9"}
# 202 Individual with a Disability, 210 Ethnicity Hispanic/Latino: 1 yes, 0 no, 9 did not disclose.
YES_NO_9 = {"yes": "1", "no": "0", "prefer_not": "9"}
ETHNICITY = {"hispanic": "1", "not_hispanic": "0", "prefer_not": "9"}
# 211-215: one element per race, 1 yes / 0 no / 9 did not self-identify. The portal's question
# has one answer; "Two or more races" cannot be split into the five, so those elements stay blank.
RACE_ELEMENTS = {
    "211": "american_indian",
    "212": "asian",
    "213": "black",
    "214": "pacific_islander",
    "215": "white",
}
# 300 Veteran Status: 1 yes, 0 no ("prefer not to say": blank).
VETERAN = {"yes": "1", "no": "0"}
# 400 Employment Status at Program Entry: 1 employed, 2 employed with notice of termination,
# 3 not in labor force, 0 unemployed.
EMPLOYMENT = {
    "unemployed": "0",
    "not_looking": "3",
    "part_time": "1",
    "full_time": "1",
    "self_employed": "1",
    "student": "3",
}
# 408 Highest Educational Level Completed at Program Entry.
EDUCATION = {
    "no_diploma": "0",
    "high_school": "1",  # "diploma or GED": the portal does not tell 1 (diploma) from 2 (equivalency)
    "some_college": "4",
    "certificate": "5",
    "associate": "6",
    "bachelor": "7",
    "graduate": "8",
}
# 1303/1310/1315 Type of Training Service: every portal program is occupational skills training.
OCCUPATIONAL_SKILLS_TRAINING = "06"
# 1800/1802/1804 Type of Recognized Credential: 1 secondary diploma or equivalency, 2 AA/AS,
# 3 BA/BS, 4 occupational licensure, 5 occupational certificate, 6 occupational certification,
# 7 other recognized diploma, degree or certificate, 0 none.
CREDENTIAL = {
    CredentialType.HIGH_SCHOOL_DIPLOMA: "1",
    CredentialType.OCCUPATIONAL_LICENSE: "4",
    CredentialType.OCCUPATIONAL_CERTIFICATE: "5",
    CredentialType.NON_DEGREE_CERTIFICATION: "6",
    CredentialType.REGISTERED_APPRENTICESHIP: "7",
    CredentialType.DEGREE_OR_CERTIFICATE: "7",
}
# Not recognized credentials under WIOA (TEGL 10-16): left out of 1800s.
NOT_RECOGNIZED = frozenset(
    {
        CredentialType.MICRO_CREDENTIAL,
        CredentialType.UNREGISTERED_APPRENTICESHIP,
        CredentialType.BOOTCAMP_CERTIFICATE,
        CredentialType.ONLINE_COURSE_CERTIFICATE,
    }
)

# ZIP prefixes of Florida (320-339, 341-349; 340 is the armed forces' "AA").
_FLORIDA_ZIP = re.compile(r"^3(?:[23]\d|4[1-9])\d{2}$")


# --- the elements ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Element:
    number: str
    name: str  # as the PIRL names it (the file's vocabulary, not translated)
    required: bool = False
    codes: frozenset[str] | None = None  # the valid code values, when coded
    kind: str = "text"  # text | date | money | id | zip | state


def _codes(*values: str) -> frozenset[str]:
    return frozenset(values)


YN = _codes("0", "1")
YN9 = _codes("0", "1", "9")

ELEMENTS: tuple[Element, ...] = (
    Element("100", "Unique Individual Identifier", required=True, kind="id"),
    Element("101", "State Code of Residence", required=True, kind="state"),
    Element("103", "ZIP Code of Residence", required=True, kind="zip"),
    Element("105", "Special Project ID - 1", required=True),
    Element("200", "Date of Birth", required=True, kind="date"),
    Element("201", "Sex", required=True, codes=_codes("1", "2", "9")),
    Element("202", "Individual with a Disability", required=True, codes=YN9),
    Element("210", "Ethnicity: Hispanic / Latino", required=True, codes=YN9),
    Element("211", "American Indian / Alaska Native", codes=YN9),
    Element("212", "Asian", codes=YN9),
    Element("213", "Black / African American", codes=YN9),
    Element("214", "Native Hawaiian / Other Pacific Islander", codes=YN9),
    Element("215", "White", codes=YN9),
    Element("300", "Veteran Status", codes=YN),
    Element("400", "Employment Status at Program Entry", required=True, codes=_codes("0", "1", "2", "3")),
    Element(
        "408",
        "Highest Educational Level Completed at Program Entry",
        required=True,
        codes=_codes(*[str(n) for n in range(9)]),
    ),
    Element("900", "Date of Program Entry", required=True, kind="date"),
    Element("901", "Date of Program Exit", kind="date"),
    Element("1300", "Received Training", required=True, codes=YN),
    # Training services #1..#3: date entered, type, completed, date completed or withdrew.
    Element("1302", "Date Entered Training #1", kind="date"),
    Element("1303", "Type of Training Service #1", codes=_codes(OCCUPATIONAL_SKILLS_TRAINING)),
    Element("1307", "Training Completed #1", codes=YN),
    Element("1308", "Date Completed, or Withdrew from, Training #1", kind="date"),
    Element("1309", "Date Entered Training #2", kind="date"),
    Element("1310", "Type of Training Service #2", codes=_codes(OCCUPATIONAL_SKILLS_TRAINING)),
    Element("1312", "Training Completed #2", codes=YN),
    Element("1313", "Date Completed, or Withdrew from, Training #2", kind="date"),
    Element("1314", "Date Entered Training #3", kind="date"),
    Element("1315", "Type of Training Service #3", codes=_codes(OCCUPATIONAL_SKILLS_TRAINING)),
    Element("1317", "Training Completed #3", codes=YN),
    Element("1318", "Date Completed, or Withdrew from, Training #3", kind="date"),
    # Employment in the 1st..4th quarter after the exit quarter: 1 employed, 0 not employed.
    Element("1600", "Employed in 1st Quarter After Exit Quarter", codes=YN),
    Element("1602", "Employed in 2nd Quarter After Exit Quarter", codes=YN),
    Element("1604", "Employed in 3rd Quarter After Exit Quarter", codes=YN),
    Element("1606", "Employed in 4th Quarter After Exit Quarter", codes=YN),
    Element("1703", "Wages 1st Quarter After Exit Quarter", kind="money"),
    Element("1704", "Wages 2nd Quarter After Exit Quarter", kind="money"),
    Element("1705", "Wages 3rd Quarter After Exit Quarter", kind="money"),
    Element("1706", "Wages 4th Quarter After Exit Quarter", kind="money"),
    Element("1800", "Type of Recognized Credential #1", codes=_codes(*[str(n) for n in range(8)])),
    Element("1801", "Date Attained Recognized Credential #1", kind="date"),
    Element("1802", "Type of Recognized Credential #2", codes=_codes(*[str(n) for n in range(8)])),
    Element("1803", "Date Attained Recognized Credential #2", kind="date"),
    Element("1804", "Type of Recognized Credential #3", codes=_codes(*[str(n) for n in range(8)])),
    Element("1805", "Date Attained Recognized Credential #3", kind="date"),
)
ELEMENT_NUMBERS = tuple(e.number for e in ELEMENTS)
BY_NUMBER = {e.number: e for e in ELEMENTS}

# PIRL elements the portal holds nothing for (docs/wioa.md names each, with why).
TRAINING_ELEMENTS = (
    ("1302", "1303", "1307", "1308"),
    ("1309", "1310", "1312", "1313"),
    ("1314", "1315", "1317", "1318"),
)
EMPLOYED_ELEMENTS = ("1600", "1602", "1604", "1606")
WAGE_ELEMENTS = ("1703", "1704", "1705", "1706")
CREDENTIAL_ELEMENTS = (("1800", "1801"), ("1802", "1803"), ("1804", "1805"))


# --- building ---------------------------------------------------------------------------------


@dataclass
class Problem:
    element: str
    message: str

    @property
    def label(self) -> str:
        return f"{self.element} {BY_NUMBER[self.element].name}" if self.element in BY_NUMBER else self.element


@dataclass
class Record:
    participant: Participant
    values: dict[str, str]
    problems: list[Problem] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems


@dataclass
class Extract:
    records: list[Record]
    as_of: date
    special_project_id: str

    @property
    def valid_records(self) -> list[Record]:
        return [r for r in self.records if r.valid]

    @property
    def invalid_records(self) -> list[Record]:
        return [r for r in self.records if not r.valid]

    def csv_text(self) -> str:
        """The file: a header of element numbers, then one row per valid record."""
        out = io.StringIO()
        writer = csv.writer(out, delimiter=DELIMITER, lineterminator="\r\n")
        writer.writerow(ELEMENT_NUMBERS)
        for record in self.valid_records:
            writer.writerow([record.values.get(n, "") for n in ELEMENT_NUMBERS])
        return out.getvalue()


def _yyyymmdd(value: date | None) -> str:
    return value.strftime(DATE_FORMAT) if value else ""


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _next_quarter(start: date) -> date:
    month = start.month + 3
    return date(start.year + (month > 12), (month - 1) % 12 + 1, 1)


def quarters_after(exit_day: date, count: int = 4) -> list[tuple[date, date]]:
    """The first ``count`` calendar quarters after the quarter of ``exit_day``: (first, last day)."""
    start = _next_quarter(_quarter_start(exit_day))
    quarters = []
    for _n in range(count):
        following = _next_quarter(start)
        quarters.append((start, following - timedelta(days=1)))
        start = following
    return quarters


def quarter_wages(placements: Iterable[Placement], first: date, last: date) -> tuple[bool, Decimal | None]:
    """Whether any job overlaps the quarter, and the wages it paid in it, estimated as hourly wage
    x hours a week x the weeks of the quarter it covered. None when a job there has no wage."""
    employed, total = False, Decimal("0")
    for job in placements:
        begin = max(job.start_date, first)
        end = min(job.end_date or last, last)
        if begin > end:
            continue
        employed = True
        if job.hourly_wage is None:
            return True, None
        days = Decimal((end - begin).days + 1)
        total += job.hourly_wage * job.hours_per_week * days / Decimal(7)
    return employed, (total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if employed else None)


def _start(enrollment: Enrollment) -> date:
    return enrollment.enrolled_on or enrollment.cohort.start_date


def _trainings(enrollments: list[Enrollment]) -> list[Enrollment]:
    """The person's trainings, by start date: enrolled, active, completed or withdrawn, but not a
    withdrawal before the training began (that person never entered it)."""
    kept = [
        e
        for e in enrollments
        if e.status in Enrollment.ENROLLED_STATUSES
        and not (e.status == Enrollment.Status.WITHDRAWN and e.end_date and e.end_date < _start(e))
    ]
    return sorted(kept, key=lambda e: (_start(e), e.pk))


def exit_date(trainings: list[Enrollment]) -> date | None:
    """The portal's program exit: the end of the last training, once none is still going on."""
    ended = (Enrollment.Status.COMPLETED, Enrollment.Status.WITHDRAWN)
    if not trainings or any(e.status not in ended for e in trainings):
        return None
    return max(e.end_date for e in trainings)


def record_values(
    participant: Participant,
    *,
    enrollments: list[Enrollment],
    credentials: list[Credential],
    placements: list[Placement],
    special_project_id: str,
    as_of: date,
) -> dict[str, str]:
    """One person's element values (strings, "" for blank), before validation."""
    zip5 = (participant.zip_code or "")[:5]
    intake = participant.intake_completed_at
    values: dict[str, str] = dict.fromkeys(ELEMENT_NUMBERS, "")
    values |= {
        "100": participant.wioa_id,
        "101": "FL" if _FLORIDA_ZIP.match(zip5) else "",
        "103": zip5,
        "105": special_project_id,
        "200": _yyyymmdd(participant.date_of_birth),
        "201": SEX.get(participant.gender, ""),
        "202": YES_NO_9.get(participant.disability, ""),
        "210": ETHNICITY.get(participant.ethnicity, ""),
        "300": VETERAN.get(participant.veteran, ""),
        "400": EMPLOYMENT.get(participant.employment_status, ""),
        "408": EDUCATION.get(participant.education, ""),
    }
    race = participant.race
    for number, answer in RACE_ELEMENTS.items():
        if race == "prefer_not":
            values[number] = "9"
        elif race in ("", "multiple"):
            values[number] = ""
        else:
            values[number] = "1" if race == answer else "0"

    every_training = _trainings(enrollments)
    trainings = [e for e in every_training if _start(e) <= as_of]  # entered; not one yet to start
    values["1300"] = "1" if trainings else "0"
    # Program entry: the first service, the intake or the first training, whichever came first.
    firsts = [timezone.localdate(intake)] if intake else []
    if trainings:
        firsts.append(_start(trainings[0]))
    values["900"] = _yyyymmdd(min(firsts)) if intake else ""
    for elements, enrollment in zip(TRAINING_ELEMENTS, trainings, strict=False):
        entered, kind, completed, ended = elements
        values[entered] = _yyyymmdd(_start(enrollment))
        values[kind] = OCCUPATIONAL_SKILLS_TRAINING
        if enrollment.status == Enrollment.Status.COMPLETED:
            values[completed], values[ended] = "1", _yyyymmdd(enrollment.end_date)
        elif enrollment.status == Enrollment.Status.WITHDRAWN:
            values[completed], values[ended] = "0", _yyyymmdd(enrollment.end_date)

    exited = exit_date(every_training)  # a training still to come: not exited
    values["901"] = _yyyymmdd(exited)
    if exited is not None:
        for employed_el, wage_el, (first, last) in zip(
            EMPLOYED_ELEMENTS, WAGE_ELEMENTS, quarters_after(exited), strict=True
        ):
            if last >= as_of:
                continue  # the quarter has not ended: nothing to say yet
            employed, wages = quarter_wages(placements, first, last)
            values[employed_el] = "1" if employed else "0"
            values[wage_el] = "" if wages is None else f"{wages:.2f}"

    recognized = sorted(
        (c for c in credentials if c.type not in NOT_RECOGNIZED), key=lambda c: (c.awarded_on, c.pk)
    )
    for (type_el, date_el), credential in zip(CREDENTIAL_ELEMENTS, recognized, strict=False):
        values[type_el] = CREDENTIAL.get(credential.type, "")
        values[date_el] = _yyyymmdd(credential.awarded_on)
    return values


# --- validation -------------------------------------------------------------------------------

_ID = re.compile(r"^[A-Z0-9]{1,12}$")
_MONEY = re.compile(r"^\d{1,6}\.\d{2}$")
_ZIP = re.compile(r"^\d{5}$")
_STATE = re.compile(r"^FL$")  # the only state the portal derives (see 101 in docs/wioa.md)


def _parse(text: str) -> date | None:
    """``YYYYMMDD`` as a date, None when it is not one (no strptime: it is the extract's hot loop)."""
    if len(text) != 8 or not text.isdigit():
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def _date_ok(text: str) -> bool:
    parsed = _parse(text)
    return parsed is not None and parsed.year >= 1900


# What is missing, in the words a staff member can act on (the portal field behind the element).
MISSING = {
    "100": gettext_lazy("no identifier: the person has not given the separate yes to sharing"),
    "101": gettext_lazy("the state cannot be told from the ZIP code (not a Florida ZIP code)"),
    "103": gettext_lazy("no ZIP code in the intake"),
    "105": gettext_lazy("MTW_WIOA_SPECIAL_PROJECT_ID is not set"),
    "200": gettext_lazy("no date of birth in the intake"),
    "201": gettext_lazy("no answer to the gender question in the intake"),
    "202": gettext_lazy("no answer to the disability question in the intake"),
    "210": gettext_lazy("no answer to the ethnicity question in the intake"),
    "400": gettext_lazy("no answer to “Are you working now?” in the intake"),
    "408": gettext_lazy("no answer to the education question in the intake"),
    "900": gettext_lazy("the intake is not completed"),
}


_PATTERNS = {
    "money": _MONEY,
    "id": _ID,
    "zip": _ZIP,
    "state": _STATE,
}


def _pattern_message(kind: str) -> str:
    return {
        "money": _("“%(value)s” is not an amount like 6240.00"),
        "id": _("“%(value)s” is not 1 to 12 capital letters or digits"),
        "zip": _("“%(value)s” is not a 5-digit ZIP code"),
        "state": _("“%(value)s” is not a state code"),
    }[kind]


def _problem(element: Element, value: str, *, as_of: date) -> str:
    """What is wrong with one filled element's value ("" when nothing). Messages are translated
    only when there is a problem: this runs for every element of every row."""
    if element.codes is not None:
        if value in element.codes:
            return ""
        return _("“%(value)s” is not one of its codes (%(codes)s)") % {
            "value": value,
            "codes": ", ".join(sorted(element.codes)),
        }
    if element.kind == "date":
        if not _date_ok(value):
            return _("“%(value)s” is not a date written YYYYMMDD") % {"value": value}
        if _parse(value) > as_of:
            return _("%(value)s is in the future") % {"value": value}
        return ""
    pattern = _PATTERNS.get(element.kind)
    if pattern is not None and not pattern.match(value):
        return _pattern_message(element.kind) % {"value": value}
    return ""


def validate(values: dict[str, str], *, as_of: date) -> list[Problem]:
    """Every problem of one row, one per element: required and blank, code not valid, date or
    amount malformed, dates out of order."""
    problems: list[Problem] = []
    for element in ELEMENTS:
        value = values.get(element.number, "")
        if value == "":
            if element.required:
                problems.append(
                    Problem(element.number, str(MISSING.get(element.number, _("required, and blank"))))
                )
            continue
        message = _problem(element, value, as_of=as_of)
        if message:
            problems.append(Problem(element.number, message))
    birth, entry = values.get("200", ""), values.get("900", "")
    if _date_ok(birth) and _date_ok(entry) and birth >= entry:
        problems.append(Problem("200", _("the date of birth is not before the date of program entry")))
    for entered, _kind, _completed, ended in TRAINING_ELEMENTS:
        start, end = values.get(entered, ""), values.get(ended, "")
        if _date_ok(start) and _date_ok(end) and end < start:
            problems.append(Problem(ended, _("the training ends before it starts")))
    return problems


# --- the extract --------------------------------------------------------------------------------


def _group(rows, key: Callable) -> dict[int, list]:
    grouped: dict[int, list] = defaultdict(list)
    for row in rows:
        grouped[key(row)].append(row)
    return grouped


def wioa_extract(
    participants, *, as_of: date | None = None, special_project_id: str | None = None
) -> Extract:
    """The extract of ``participants`` (a queryset the access module chose): every person's row and
    its problems, in four queries whatever the number of people."""
    as_of = as_of or timezone.localdate()
    if special_project_id is None:
        special_project_id = settings.MTW_WIOA_SPECIAL_PROJECT_ID
    people = list(participants.select_related("user").order_by("wioa_id", "pk"))
    # The related rows by subquery, not a list of ids: one parameter whatever the number of people.
    chosen = participants.values("pk")
    enrollments = _group(
        Enrollment.objects.filter(participant__in=chosen).select_related("cohort"), lambda e: e.participant_id
    )
    credentials = _group(Credential.objects.filter(participant__in=chosen), lambda c: c.participant_id)
    placements = _group(Placement.objects.filter(participant__in=chosen), lambda p: p.participant_id)
    records = []
    for person in people:
        values = record_values(
            person,
            enrollments=enrollments.get(person.pk, []),
            credentials=credentials.get(person.pk, []),
            placements=placements.get(person.pk, []),
            special_project_id=special_project_id,
            as_of=as_of,
        )
        records.append(Record(person, values, validate(values, as_of=as_of)))
    return Extract(records=records, as_of=as_of, special_project_id=special_project_id)
