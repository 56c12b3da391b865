"""The funder's quarterly training-provider report: computed live for a draft, frozen once submitted.

The report of a calendar quarter is a few tables (``mtw_portal.core.tables.Table``), the same on
the page and in the downloads. They are computed in two steps:

1. ``funder_report_data(quarter)`` reads the database and returns the figures as plain JSON-ready
   data that does not depend on the language of the page: this is what a submitted report stores
   (``FunderReport.data``), and what corrections compare.
2. ``tables_from_data(data)`` turns that data into ``Table`` objects, with the column headings in
   the viewer's language. A submitted report is always shown from its stored data, so nothing
   that changes in the database afterwards changes it.

Definitions (the README's "Funder report" section repeats them). "The period" is the quarter
from its first day to its last, cut at today for the quarter in progress (a draft of the current
quarter counts what has happened so far, never scheduled starts). "In the program" means in a
cohort of the program. Counts of participants are of distinct people per program; someone in two
programs counts in both, and once in the "All programs" row.

- Programs: one row per program with any non-zero figure in any of the program tables for the
  quarter, by provider and program name, and an "All programs" row (distinct people over all
  programs; placements counted once however many programs the person is in).
- Recruited: people with an enrollment in the program, any status, recruited in the period. The
  recruitment date is the day the enrollment was created (``applied_at``), or its ``enrolled_on``
  date when that is earlier: a roster import creates its enrollments on the day of the import,
  with ``enrolled_on`` set to the cohort's start (or the import day if later), so rostered people
  count in the quarter they started, not the quarter of the upload.
- Admitted: people with an enrollment in the program whose ``enrolled_on`` date is in the period.
  The portal sets ``enrolled_on`` in the same transaction that records the
  ``EnrollmentEvent(to_status="enrolled")`` (``programs.services.enrollment_create`` and
  ``enrollment_enroll``), and a roster import sets it for every row it admits, although its event
  goes straight to the roster's status (active, completed, withdrawn) on the day of the import.
  The date is therefore the one fact both paths hold; the events add nothing for portal rows and
  would count imported people in the quarter of the upload, or again when a roster corrects a
  status.
- Started training ("enrolled" in the funder's words): people with an enrollment in the program
  (statuses ``Enrollment.ENROLLED_STATUSES``) whose training start is in the period. The training
  start is the later of the cohort's start date and ``enrolled_on`` (someone admitted after the
  cohort began starts the day they are admitted). The "active" status is not used: providers
  often go from enrolled straight to completed, and imported rows carry it from the day of the
  import. A withdrawal is always dated on or after the cohort's start (both paths check it), so
  withdrawn people did start.
- Completed: enrollments (not people) in the program with status completed and ``end_date`` in
  the period.
- Non-completion: enrollments in the program with status withdrawn and ``end_date`` in the
  period, one column per ``WithdrawalReason``, and their total.
- Placements: placements (not people) starting in the period, of people with an enrollment in
  the program in one of ``ENROLLED_STATUSES`` (whenever it was), by kind: full-time and
  part-time jobs, apprenticeships, internships, sprint internships, micro-internships. A person
  in two programs counts for both programs.
- Wages: of the same placements, for full-time jobs, part-time jobs and apprenticeships: the
  median hourly wage of those with a wage (``outcomes.rollup.median_wage``), and the percentage with a
  wage reported (empty when there are none).
- Six months after completion: completed enrollments in the program whose six-month date (the
  ``end_date`` plus six calendar months, the day cut to the month's end: 31 August gives
  28 February) is in the period, that is, those that ended two quarters earlier. Their status on
  that date, first that applies: employed in the field of training at a partner employer (a job
  placement (``JOB_KINDS``) with ``in_field_of_training`` at an employer with ``is_partner``,
  started on or before the date and not ended before it); employed in the field elsewhere (the
  same, employer not a partner); employed outside the field (any other job placement running on
  that date, or the navigator's record says so); then the navigator's record
  (``CompletionFollowUp``): still looking, not looking, could not contact; else not recorded.
  Internships are not employment here.
- Participants: one row per enrollment in one of ``ENROLLED_STATUSES`` that was in training at
  some point in the period: its training start (above) on or before the period's end, and no
  ``end_date`` before the quarter's first day. Training end and "completed" are as of the
  period's end (an end after it is left empty); the first job is the earliest job placement
  (``JOB_KINDS``) starting on or before the period's end, whenever it started.
- Corrections: for each report submitted for an earlier quarter, that quarter is computed again
  now and every program figure that differs from what was submitted is listed (the "All
  programs" row and the participant list are not compared). A submitted report keeps the
  corrections as they were when it was submitted.

Queries: a fixed number per quarter, whatever the number of people (aggregates grouped by
program; the wages and the six-month statuses fetch one row per placement or completion and
finish in Python, which is portable between PostgreSQL and SQLite).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from employers.models import JOB_KINDS, Kind
from mtw_portal.core.tables import Column, Quarter, Table
from outcomes.rollup import median_wage
from placements.models import Placement
from programs.follow_up import follow_up_due
from programs.models import CompletionFollowUp, Enrollment, Program, WithdrawalReason
from reports.models import FunderReport

DATA_VERSION = 1
Status = Enrollment.Status
ENROLLED = tuple(Enrollment.ENROLLED_STATUSES)
TOTAL_KEY = "total"
WAGE_KINDS = (Kind.FULL_TIME, Kind.PART_TIME, Kind.APPRENTICESHIP)
PLACEMENT_KINDS = (
    Kind.FULL_TIME,
    Kind.PART_TIME,
    Kind.APPRENTICESHIP,
    Kind.INTERNSHIP,
    Kind.SPRINT_INTERNSHIP,
    Kind.MICRO_INTERNSHIP,
)
FollowUp = CompletionFollowUp.Status


# --- The tables' definitions: keys, headings, kinds -------------------------------------------


@dataclass(frozen=True)
class Spec:
    key: str
    label: Any
    kind: str = "count"


PROGRAM_COLUMNS = [Spec("provider", _("Provider"), "text"), Spec("program", _("Program"), "text")]

FOLLOW_UP_COLUMNS = [
    Spec("employed_in_field_partner", _("Employed in the field, at a partner employer")),
    Spec("employed_in_field_other", _("Employed in the field, elsewhere")),
    Spec(FollowUp.EMPLOYED_OUTSIDE_FIELD.value, _("Employed outside the field")),
    Spec(FollowUp.LOOKING.value, _("Still looking for work")),
    Spec(FollowUp.NOT_LOOKING.value, _("Not looking for work")),
    Spec(FollowUp.NO_CONTACT.value, _("Could not contact")),
    Spec("not_recorded", _("Not recorded")),
]

# Per table: title, note, columns (after provider and program for the program tables).
TABLES: dict[str, tuple[Any, Any, list[Spec]]] = {
    "training": (
        _("Recruitment and training"),
        _("Recruited, admitted, started training: people. Completed: enrollments."),
        [
            Spec("recruited", _("Recruited")),
            Spec("admitted", _("Admitted")),
            Spec("enrolled", _("Started training")),
            Spec("completed", _("Completed")),
        ],
    ),
    "non_completion": (
        _("Non-completion by reason"),
        _("Enrollments withdrawn in the quarter."),
        [*(Spec(reason.value, reason.label) for reason in WithdrawalReason), Spec("total", _("Total"))],
    ),
    "placements": (
        _("Placements by type"),
        _("Placements starting in the quarter, of people enrolled in the program."),
        [
            Spec(Kind.FULL_TIME.value, _("Full-time jobs")),
            Spec(Kind.PART_TIME.value, _("Part-time jobs")),
            Spec(Kind.APPRENTICESHIP.value, _("Apprenticeships")),
            Spec(Kind.INTERNSHIP.value, _("Internships")),
            Spec(Kind.SPRINT_INTERNSHIP.value, _("Sprint internships")),
            Spec(Kind.MICRO_INTERNSHIP.value, _("Micro-internships")),
        ],
    ),
    "wages": (
        _("Hourly wages"),
        _("Placements starting in the quarter: median hourly wage (USD), percentage with a wage reported."),
        [
            Spec("median_full_time", _("Median wage, full time"), "money"),
            Spec("reported_full_time", _("Wage reported, full time (%)"), "percent"),
            Spec("median_part_time", _("Median wage, part time"), "money"),
            Spec("reported_part_time", _("Wage reported, part time (%)"), "percent"),
            Spec("median_apprenticeship", _("Median wage, apprenticeship"), "money"),
            Spec("reported_apprenticeship", _("Wage reported, apprenticeship (%)"), "percent"),
        ],
    ),
    "follow_up": (
        _("Six months after completion"),
        _("Completions whose six-month date falls in the quarter (they ended two quarters earlier)."),
        [Spec("due", _("Completions")), *FOLLOW_UP_COLUMNS],
    ),
    "participants": (
        _("Participants in training"),
        _("One row per enrollment; training end, completion and first job as of the quarter's end."),
        [
            Spec("provider", _("Provider"), "text"),
            Spec("program", _("Program"), "text"),
            Spec("name", _("Participant"), "text"),
            Spec("date_of_birth", _("Date of birth"), "date"),
            Spec("zip_code", _("ZIP code"), "text"),
            Spec("training_start", _("Training start"), "date"),
            Spec("training_end", _("Training end"), "date"),
            Spec("completed", _("Completed"), "text"),
            Spec("first_job", _("First job start"), "date"),
        ],
    ),
    "corrections": (
        _("Corrections to earlier reports"),
        _("Figures of earlier submitted reports that differ now that they are computed again."),
        [
            Spec("quarter", _("Quarter"), "text"),
            Spec("provider", _("Provider"), "text"),
            Spec("program", _("Program"), "text"),
            Spec("table", _("Table"), "text"),
            Spec("column", _("Column"), "text"),
            Spec("reported", _("Reported")),
            Spec("now", _("Now")),
        ],
    ),
}
PROGRAM_TABLES = ("training", "non_completion", "placements", "wages", "follow_up")
TABLE_KEYS = (*PROGRAM_TABLES, "participants", "corrections")
# Columns whose empty value is zero (the counts); the others' is None.
_ZERO_KINDS = {"count"}


def table_columns(key: str) -> list[Spec]:
    specs = TABLES[key][2]
    return [*PROGRAM_COLUMNS, *specs] if key in PROGRAM_TABLES else list(specs)


def _label(table_key: str, column_key: str, fallback: str = "") -> Any:
    if table_key in TABLES:
        for spec in table_columns(table_key):
            if spec.key == column_key:
                return spec.label
    return fallback or column_key


def _title(table_key: str, fallback: str = "") -> Any:
    return TABLES[table_key][0] if table_key in TABLES else (fallback or table_key)


# --- Values as JSON, and back -----------------------------------------------------------------


def encode(value: Any) -> Any:
    """A cell value as JSON: Decimal and date are tagged, so that they come back as they were."""
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    return value


def decode(value: Any) -> Any:
    """A stored value as a ``Table`` cell value (text in the viewer's language where it is text)."""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dict):
        if "decimal" in value:
            return Decimal(value["decimal"])
        if "date" in value:
            return date.fromisoformat(value["date"])
        if "table" in value:
            return _title(value["table"])
        if "column" in value:
            table_key, column_key = value["column"]
            return _label(table_key, column_key)
    return value


# --- The period -------------------------------------------------------------------------------


def period_end(quarter: Quarter, today: date | None = None) -> date:
    """The quarter's last day, or today for the quarter in progress."""
    return min(quarter.end, today or timezone.localdate())


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _training_start():
    return Greatest(F("cohort__start_date"), Coalesce(F("enrolled_on"), F("cohort__start_date")))


# --- The figures ------------------------------------------------------------------------------


def _training_counts(start: date, until: date) -> tuple[dict, dict]:
    """Training and non-completion figures per program and for all programs (two aggregates)."""
    after = _midnight(until + timedelta(days=1))
    recruited = Q(applied_at__gte=_midnight(start), applied_at__lt=after) & (
        Q(enrolled_on__isnull=True) | Q(enrolled_on__gte=start)
    ) | Q(enrolled_on__range=(start, until), applied_at__gte=_midnight(start))
    ended = Q(end_date__range=(start, until))
    withdrawn = ended & Q(status=Status.WITHDRAWN)
    admitted = Q(status__in=ENROLLED, enrolled_on__range=(start, until))
    started = Q(status__in=ENROLLED, training_start__range=(start, until))
    aggregates = {
        "recruited": Count("participant", distinct=True, filter=recruited),
        "admitted": Count("participant", distinct=True, filter=admitted),
        "enrolled": Count("participant", distinct=True, filter=started),
        "completed": Count("pk", filter=ended & Q(status=Status.COMPLETED)),
        **{
            f"withdrawn_{reason.value}": Count("pk", filter=withdrawn & Q(withdrawal_reason=reason.value))
            for reason in WithdrawalReason
        },
        "withdrawn_total": Count("pk", filter=withdrawn),
    }
    # Only the period's rows: every figure is of one of these (a program with none has no row,
    # the same as a row of zeros), so the distinct counts sort the quarter's rows, not all years'.
    enrollments = (
        Enrollment.objects.order_by()
        .alias(training_start=_training_start())
        .filter(recruited | admitted | started | ended)
    )
    grouped = {
        row.pop("cohort__program_id"): row
        for row in enrollments.values("cohort__program_id").annotate(**aggregates)
    }
    total = enrollments.aggregate(**aggregates)

    def split(row: dict) -> tuple[dict, dict]:
        training = {key: row[key] for key in ("recruited", "admitted", "enrolled", "completed")}
        reasons = {reason.value: row[f"withdrawn_{reason.value}"] for reason in WithdrawalReason}
        return training, {**reasons, "total": row["withdrawn_total"]}

    training, non_completion = {}, {}
    for program_id, row in [*grouped.items(), (TOTAL_KEY, total)]:
        training[program_id], non_completion[program_id] = split(row)
    return training, non_completion


def _placement_figures(start: date, until: date) -> tuple[dict, dict]:
    """Placements by kind and wages, per program and for all programs.

    One row per (program, placement) of the placements starting in the period of people enrolled
    in the program: a placement appears once per program of its person, never twice for one.
    """
    rows = (
        Enrollment.objects.filter(
            status__in=ENROLLED,
            participant__placements__start_date__range=(start, until),
        )
        .order_by()
        .values_list(
            "cohort__program_id",
            "participant__placements__pk",
            "participant__placements__kind",
            "participant__placements__hourly_wage",
        )
        .distinct()
    )
    by_program: dict[Any, dict[int, tuple[str, Decimal | None]]] = defaultdict(dict)
    for program_id, placement_id, kind, wage in rows:
        by_program[program_id][placement_id] = (kind, wage)
        by_program[TOTAL_KEY][placement_id] = (kind, wage)
    by_program.setdefault(TOTAL_KEY, {})

    counts, wages = {}, {}
    for program_id, placements in by_program.items():
        counts[program_id] = {kind.value: 0 for kind in PLACEMENT_KINDS}
        wage_lists: dict[str, list] = {kind.value: [] for kind in WAGE_KINDS}
        for kind, wage in placements.values():
            if kind in counts[program_id]:
                counts[program_id][kind] += 1
            if kind in wage_lists:
                wage_lists[kind].append(wage)
        wages[program_id] = {}
        for kind, values in wage_lists.items():
            reported = sorted(w for w in values if w is not None)
            wages[program_id][f"median_{kind}"] = median_wage(reported)
            wages[program_id][f"reported_{kind}"] = (
                round(100 * len(reported) / len(values), 1) if values else None
            )
    return counts, wages


def _follow_up_figures(quarter: Quarter, until: date) -> dict:
    """Six-month statuses per program and for all programs (two queries)."""
    ended_in = quarter.previous().previous()
    completions = list(
        Enrollment.objects.filter(status=Status.COMPLETED, end_date__range=(ended_in.start, ended_in.end))
        .order_by()
        .values_list("participant_id", "cohort__program_id", "end_date", "follow_up__status")
    )
    due = [
        (person, program_id, follow_up_due(ended), recorded)
        for person, program_id, ended, recorded in completions
        if follow_up_due(ended) <= until
    ]
    jobs = defaultdict(list)
    if due:
        people = Enrollment.objects.filter(
            status=Status.COMPLETED, end_date__range=(ended_in.start, ended_in.end)
        ).values("participant_id")
        for person, started, ended, in_field, partner in (
            Placement.objects.filter(participant_id__in=people, kind__in=JOB_KINDS, start_date__lte=until)
            .order_by()
            .values_list(
                "participant_id", "start_date", "end_date", "in_field_of_training", "employer__is_partner"
            )
        ):
            jobs[person].append((started, ended, in_field, partner))

    def status(person, on: date, recorded: str | None) -> str:
        running = [(f, p) for s, e, f, p in jobs[person] if s <= on and (e is None or e >= on)]
        if any(in_field and partner for in_field, partner in running):
            return "employed_in_field_partner"
        if any(in_field for in_field, _partner in running):
            return "employed_in_field_other"
        if running:
            return FollowUp.EMPLOYED_OUTSIDE_FIELD.value
        return recorded or "not_recorded"

    empty = {"due": 0, **{spec.key: 0 for spec in FOLLOW_UP_COLUMNS}}
    figures: dict[Any, dict] = {TOTAL_KEY: dict(empty)}
    for person, program_id, on, recorded in due:
        key = status(person, on, recorded)
        row = figures.setdefault(program_id, dict(empty))
        for target in (row, figures[TOTAL_KEY]):
            target["due"] += 1
            target[key] += 1
    return figures


def _participant_queryset(start: date, until: date):
    """The participant list's rows, in order, as ``values()``: one query."""
    first_job = (
        Placement.objects.filter(
            participant=OuterRef("participant"), kind__in=JOB_KINDS, start_date__lte=until
        )
        .order_by("start_date")
        .values("start_date")[:1]
    )
    return (
        Enrollment.objects.filter(status__in=ENROLLED)
        .annotate(training_start=_training_start(), first_job=Subquery(first_job))
        .filter(training_start__lte=until)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        .order_by(
            "cohort__program__provider__name",
            "cohort__program__name",
            "participant__user__last_name",
            "participant__user__first_name",
            "training_start",
            "pk",
        )
        .values(
            "pk",
            "cohort__program__provider__name",
            "cohort__program__name",
            "participant__user__first_name",
            "participant__user__last_name",
            "participant__user__email",
            "participant__date_of_birth",
            "participant__zip_code",
            "training_start",
            "end_date",
            "status",
            "first_job",
        )
    )


def _participant_row(row: dict, until: date) -> dict:
    ended = row["end_date"] if row["end_date"] and row["end_date"] <= until else None
    name = f"{row['participant__user__first_name']} {row['participant__user__last_name']}".strip()
    return {
        "key": str(row["pk"]),
        "values": [
            row["cohort__program__provider__name"],
            row["cohort__program__name"],
            name or row["participant__user__email"],
            encode(row["participant__date_of_birth"]),
            row["participant__zip_code"],
            encode(row["training_start"]),
            encode(ended),
            row["status"] == Status.COMPLETED and ended is not None,
            encode(row["first_job"]),
        ],
    }


def _participant_rows(start: date, until: date) -> list[dict]:
    """The whole participant list (for a submission and the downloads): one query."""
    return [_participant_row(row, until) for row in _participant_queryset(start, until)]


class ParticipantRows:
    """A draft's participant list read a page at a time: ``Paginator`` counts it and slices it in
    SQL, so a page of the report costs the same however many people are in training."""

    def __init__(self, quarter: Quarter, *, today: date | None = None):
        self.until = period_end(quarter, today)
        self.queryset = (
            _participant_queryset(quarter.start, self.until)
            if self.until >= quarter.start
            else Enrollment.objects.none()
        )

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [_participant_row(row, self.until) for row in self.queryset[index]]
        return _participant_row(self.queryset[index], self.until)


def _is_empty(values: dict) -> bool:
    return all(value in (0, None) for value in values.values())


def program_tables_data(quarter: Quarter, *, today: date | None = None) -> dict[str, dict]:
    """The program tables of ``quarter``, computed now, as JSON-ready data (see ``tables_from_data``)."""
    start, until = quarter.start, period_end(quarter, today)
    if until < start:
        figures = {key: {} for key in PROGRAM_TABLES}
    else:
        training, non_completion = _training_counts(start, until)
        placements, wages = _placement_figures(start, until)
        figures = {
            "training": training,
            "non_completion": non_completion,
            "placements": placements,
            "wages": wages,
            "follow_up": _follow_up_figures(quarter, until),
        }
    active = {
        program_id
        for table in figures.values()
        for program_id, values in table.items()
        if program_id != TOTAL_KEY and not _is_empty(values)
    }
    programs = (
        Program.objects.filter(pk__in=active).select_related("provider").order_by("provider__name", "name")
    )
    out = {}
    for key in PROGRAM_TABLES:
        specs = TABLES[key][2]

        def values_of(program_id, specs=specs, key=key) -> list:
            row = figures[key].get(program_id, {})
            return [encode(row.get(s.key, 0 if s.kind in _ZERO_KINDS else None)) for s in specs]

        out[key] = {
            "key": key,
            "columns": _columns_data(key),
            "rows": [
                {"key": str(p.pk), "values": [p.provider.name, p.name, *values_of(p.pk)]} for p in programs
            ],
            "footer": [{"key": TOTAL_KEY, "values": [str(_("All programs")), "", *values_of(TOTAL_KEY)]}],
        }
    return out


def _columns_data(key: str) -> list[dict]:
    return [{"key": s.key, "kind": s.kind, "label": str(s.label)} for s in table_columns(key)]


def funder_report_data(
    quarter: Quarter, *, today: date | None = None, submitted=None, participants: bool = True
) -> dict:
    """Every table of ``quarter``'s report, computed now, as JSON-ready data.

    ``submitted``: the submitted reports to check for corrections (those of earlier quarters are
    used); by default, read from the database. ``participants=False`` leaves the participant list
    empty, for a page that reads it a page at a time (``ParticipantRows``).
    """

    today = today or timezone.localdate()
    with translation.override("en"):  # the stored fallback headings; the page uses the viewer's
        tables = program_tables_data(quarter, today=today)
        start, until = quarter.start, period_end(quarter, today)
        tables["participants"] = {
            "key": "participants",
            "columns": _columns_data("participants"),
            "rows": _participant_rows(start, until) if participants and until >= start else [],
            "footer": [],
        }
        if submitted is None:
            submitted = FunderReport.objects.order_by("year", "quarter")
        earlier = [r for r in submitted if Quarter(r.year, r.quarter) < quarter]
        tables["corrections"] = {
            "key": "corrections",
            "columns": _columns_data("corrections"),
            "rows": corrections_rows(earlier, today=today),
            "footer": [],
        }
    return {
        "version": DATA_VERSION,
        "quarter": str(quarter),
        "period_end": until.isoformat(),
        "computed_at": timezone.now().isoformat(),
        "tables": [tables[key] for key in TABLE_KEYS],
    }


def corrections_rows(reports, *, today: date | None = None) -> list[dict]:
    """Each program figure of the submitted ``reports`` that differs when computed again now."""
    rows = []
    for report in reports:
        quarter = Quarter(report.year, report.quarter)
        stored = {table["key"]: table for table in report.data.get("tables", [])}
        now = program_tables_data(quarter, today=today)
        for key in PROGRAM_TABLES:
            if key not in stored:
                continue
            rows += _differences(quarter, key, stored[key], now[key])
    return rows


def _differences(quarter: Quarter, key: str, reported: dict, now: dict) -> list[dict]:
    kinds = {c["key"]: c["kind"] for c in [*reported["columns"], *now["columns"]]}
    figure_keys = [c["key"] for c in now["columns"][2:]]
    figure_keys += [c["key"] for c in reported["columns"][2:] if c["key"] not in figure_keys]

    def by_row(table: dict) -> dict[str, dict]:
        keys = [c["key"] for c in table["columns"]]
        return {row["key"]: dict(zip(keys, row["values"], strict=True)) for row in table["rows"]}

    before, after = by_row(reported), by_row(now)
    order = [k for k in after if k in before] + [k for k in after if k not in before]
    order += [k for k in before if k not in after]
    out = []
    for row_key in order:
        old, new = before.get(row_key), after.get(row_key)
        names = new or old
        for column in figure_keys:
            empty = 0 if kinds.get(column) in _ZERO_KINDS else None
            was = old.get(column, empty) if old else empty
            is_now = new.get(column, empty) if new else empty
            if was != is_now:
                out.append(
                    {
                        "key": f"{quarter}:{key}:{row_key}:{column}",
                        "values": [
                            quarter.label,
                            names["provider"],
                            names["program"],
                            {"table": key},
                            {"column": [key, column]},
                            was,
                            is_now,
                        ],
                    }
                )
    return out


# --- Tables -----------------------------------------------------------------------------------


def tables_from_data(data: dict) -> list[Table]:
    """The report's tables, headings in the current language, from ``funder_report_data``'s data."""
    tables = []
    for stored in data.get("tables", []):
        key = stored["key"]
        columns = [
            Column(c["key"], _label(key, c["key"], c.get("label", "")), kind=c["kind"])
            for c in stored["columns"]
        ]
        table = Table(
            key=key, title=_title(key), columns=columns, note=TABLES[key][1] if key in TABLES else ""
        )
        for row in stored["rows"]:
            table.add(row["key"], *[decode(v) for v in row["values"]])
        for row in stored.get("footer", []):
            values = [decode(v) for v in row["values"]]
            if row["key"] == TOTAL_KEY:
                values[0] = _("All programs")
            table.add(row["key"], *values, footer=True)
        tables.append(table)
    return tables


def funder_report_tables(quarter: Quarter, *, today: date | None = None) -> list[Table]:
    """``quarter``'s report computed live now (a draft): every table."""
    return tables_from_data(funder_report_data(quarter, today=today))


@dataclass
class ShownCell:
    value: Any
    kind: str
    numeric: bool


def shown(table: Table, *, page=None) -> dict:
    """``table`` for ``templates/reports/_table.html``: each cell with its column's kind.
    ``page``: the page of a long table whose rows ``table`` holds."""

    def cells(rows) -> list[list[ShownCell]]:
        return [
            [
                ShownCell(cell.value, column.kind, column.numeric)
                for column, cell in zip(table.columns, row.cells, strict=True)
            ]
            for row in rows
        ]

    return {
        "table": table,
        "rows": cells(table.rows),
        "footer": cells(table.footer),
        "page": page,
    }
