"""Placement imports: jobs and internships from a spreadsheet, all or nothing.

Columns: ``email,employer,kind,title,start_date,hourly_wage,hours_per_week,health_benefits,
advancement_path,end_date`` (README, "Import formats", "Placements"). Identity, so that importing
the same or an updated file again updates and never duplicates:

- a participant is their email (any case); they must already exist: this import never creates
  participants;
- an employer is its name (any case, spaces tidied); a new name creates the employer, and the
  summary names it;
- a placement is its participant, employer, kind and start date.

Each placement written goes through ``services.placement_save``, which judges it against the
good-job standard in force on its start date and schedules its retention checks. Rows whose
values are already recorded write nothing.

Scope: grant staff and the command line import any participant's placements; a navigator only
those of their own organization's participants.

Two phases, as every importer (mtw_portal/imports/importers.py): :meth:`PlacementImporter.plan`
checks every row with a handful of queries whatever the number of rows and writes nothing;
:meth:`~PlacementImporter.apply` plans again inside a transaction and writes only if every row
is good.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from employers import services as employer_services
from employers.models import Employer, Kind
from mtw_portal import access
from mtw_portal.accounts.models import Role
from mtw_portal.imports.importers import (
    DateCell,
    EmailCell,
    Importer,
    ImportResult,
    PlannedAction,
    RowError,
    Sheet,
    TextCell,
    chunks,
    name_key,
    row_errors,
    sort_errors,
)
from participants import services as participant_services
from participants.selectors import participant_of
from placements import services
from placements.good_jobs import failed_tests
from placements.models import GoodJobStandard, Placement

COLUMNS = (
    "email",
    "employer",
    "kind",
    "title",
    "start_date",
    "hourly_wage",
    "hours_per_week",
    "health_benefits",
    "advancement_path",
    "end_date",
)
# The example row of the template file offered on the upload page (views.placement_import_template).
EXAMPLE_ROW = {
    "email": "participant@example.org",
    "employer": "UKG",
    "kind": "full_time",
    "title": "Software Engineer I",
    "start_date": "2026-09-15",
    "hourly_wage": "38.00",
    "hours_per_week": "40",
    "health_benefits": "yes",
    "advancement_path": "Engineer I to Engineer II after 18 months with a promotion review",
    "end_date": "",
}
EMAIL_MAX, EMPLOYER_MAX, TITLE_MAX, ADVANCEMENT_MAX = 254, 200, 200, 2000
MAX_DAYS_AHEAD = 366  # as services.placement_save: a start date at most a year away
MAX_WAGE = Decimal("999.99")  # an hourly wage; more is a yearly salary written in the wrong column
MIN_HOURS, MAX_HOURS = Decimal("0.5"), Decimal("80")
YES, NO = frozenset({"yes", "y", "true"}), frozenset({"no", "n", "false"})
NUMBER = re.compile(r"^\d+(\.\d+)?$")
CENT, TENTH = Decimal("0.01"), Decimal("0.1")
# The fields of a placement the file sets; the others (more benefits, field of training) are
# left as they are.
FILE_FIELDS = ("title", "hourly_wage", "hours_per_week", "benefit_health", "advancement_path", "end_date")


class PlacementRowForm(forms.Form):
    """One placement row: the shape of each column, a start date at most a year away, an end not before it."""

    email = EmailCell(limit=EMAIL_MAX)
    employer = TextCell(limit=EMPLOYER_MAX, tidy=True)
    kind = TextCell()
    title = TextCell(limit=TITLE_MAX, tidy=True)
    start_date = DateCell()
    hourly_wage = TextCell()
    hours_per_week = TextCell()
    health_benefits = TextCell(error_messages={"required": gettext_lazy("required: yes or no")})
    advancement_path = TextCell(limit=ADVANCEMENT_MAX, required=False)
    end_date = DateCell(required=False)

    def __init__(self, data, *, today: date):
        super().__init__(data)
        self.today = today

    def clean_kind(self) -> str:
        value = self.cleaned_data["kind"]
        if value.lower() not in Kind.values:
            raise ValidationError(
                _('"%(value)s" is not one of %(kinds)s') % {"value": value, "kinds": ", ".join(Kind.values)}
            )
        return value.lower()

    def clean_hourly_wage(self) -> Decimal:
        value = self.cleaned_data["hourly_wage"]
        if "$" in value or "," in value:
            raise ValidationError(
                _('"%(value)s": write dollars without "$" or thousands separators, like 22.50')
                % {"value": value}
            )
        if not NUMBER.match(value):
            raise ValidationError(_('"%(value)s" is not an amount in dollars like 22.50') % {"value": value})
        amount = Decimal(value)
        if amount.as_tuple().exponent < -2 and amount != amount.quantize(CENT):
            raise ValidationError(_('"%(value)s" has more than 2 decimals') % {"value": value})
        if amount <= 0:
            raise ValidationError(_("must be more than 0"))
        if amount > MAX_WAGE:
            raise ValidationError(
                _("must be at most %(max)s: the wage per hour, not per year") % {"max": MAX_WAGE}
            )
        return amount.quantize(CENT)

    def clean_hours_per_week(self) -> Decimal:
        value = self.cleaned_data["hours_per_week"]
        try:
            hours = Decimal(value) if NUMBER.match(value) else None
        except InvalidOperation:
            hours = None
        if hours is None:
            raise ValidationError(
                _('"%(value)s" is not a number of hours like 40 or 37.5') % {"value": value}
            )
        if hours != hours.quantize(TENTH):
            raise ValidationError(_('"%(value)s" has more than 1 decimal') % {"value": value})
        if not MIN_HOURS <= hours <= MAX_HOURS:
            raise ValidationError(
                _('"%(value)s" is not between %(min)s and %(max)s')
                % {"value": value, "min": MIN_HOURS, "max": MAX_HOURS}
            )
        return hours.quantize(TENTH)

    def clean_health_benefits(self) -> bool:
        value = self.cleaned_data["health_benefits"]
        if value.lower() not in YES | NO:
            raise ValidationError(_('"%(value)s" is not yes or no') % {"value": value})
        return value.lower() in YES

    def clean_end_date(self) -> date | None:
        start_date, end_date = self.cleaned_data.get("start_date"), self.cleaned_data["end_date"]
        if end_date and start_date and end_date < start_date:
            raise ValidationError(
                _("cannot be before the start date (%(date)s)") % {"date": start_date.isoformat()}
            )
        return end_date

    def clean(self) -> dict:
        # Checked last: an end date before a start date that is too far off is named too.
        start_date = self.cleaned_data.get("start_date")
        if start_date and start_date > self.today + timedelta(days=MAX_DAYS_AHEAD):
            self.add_error("start_date", _("cannot be more than a year from today"))
        return self.cleaned_data


@dataclass
class _Line:
    """One row, parsed. ``ok`` turns False at its first problem."""

    number: int
    email: str = ""
    employer: str = ""
    kind: str = ""
    title: str = ""
    start_date: date | None = None
    hourly_wage: Decimal | None = None
    hours_per_week: Decimal | None = None
    health_benefits: bool | None = None
    advancement_path: str = ""
    end_date: date | None = None
    ok: bool = True
    bad_columns: set = field(default_factory=set)

    @property
    def employer_key(self) -> str:
        return name_key(self.employer)

    @property
    def identity(self) -> tuple:
        return (self.email, self.employer_key, self.kind, self.start_date)

    @property
    def fields(self) -> dict:
        return {
            "title": self.title,
            "hourly_wage": self.hourly_wage,
            "hours_per_week": self.hours_per_week,
            "benefit_health": self.health_benefits,
            "advancement_path": self.advancement_path,
            "end_date": self.end_date,
        }


@dataclass
class _Step:
    line: _Line
    action: str  # created | updated | unchanged
    placement: Placement | None  # the existing one, if any
    changes: list[str] = field(default_factory=list)


@dataclass
class _Plan:
    result: ImportResult
    steps: list[_Step] = field(default_factory=list)
    users: dict = field(default_factory=dict)  # email -> User (a participant's account)
    employers: dict = field(default_factory=dict)  # employer key -> Employer (existing)
    new_employers: dict = field(default_factory=dict)  # employer key -> (name, first row)


class PlacementImporter(Importer):
    kind = gettext_noop("placements")  # the registry's key; translated where shown
    columns = COLUMNS

    def __init__(self, *, actor=None, scope_provider=None):
        super().__init__(actor=actor)
        # Placements are not a provider's: ``scope_provider`` (the framework passes it) is unused.
        self.scope_organization_id = None  # None: any participant (grant staff, the command line)
        if actor is not None and not access.is_grant_staff(actor):
            if not access.has_role(actor, Role.NAVIGATOR):
                raise PermissionDenied
            self.scope_organization_id = access.navigator_for(actor).organization_id

    # --- Phase 1: check and plan (no writes) -----------------------------------------------

    def _plan(self, table: Sheet, *, lock: bool = False) -> _Plan:
        today = timezone.localdate()
        errors: list[RowError] = []
        lines = [self._parse(row, errors, today) for row in table.rows]
        self._check_repeats(lines, errors)
        plan = _Plan(result=ImportResult(kind=self.kind))
        good = [line for line in lines if line.ok]
        self._find_people(plan, good, errors)
        good = [line for line in good if line.ok]
        self._find_employers(plan, good)
        existing = self._find_placements(plan, good)
        standards = list(GoodJobStandard.objects.order_by("-effective_from"))
        self._plan_steps(plan, good, existing)
        self._describe(plan, standards)
        plan.result.errors = sort_errors(errors, COLUMNS)
        return plan

    def _parse(self, row, errors, today) -> _Line:
        form = PlacementRowForm(row.values, today=today)
        ok = form.is_valid()
        errors.extend(row_errors(form, row.number))
        return _Line(number=row.number, ok=ok, bad_columns=set(form.errors), **form.cleaned_data)

    def _check_repeats(self, lines: list[_Line], errors: list[RowError]) -> None:
        """One row per placement: the same identity twice is refused on the later row."""
        first: dict[tuple, _Line] = {}
        for line in lines:
            if line.bad_columns & {"email", "employer", "kind", "start_date"}:
                continue
            earlier = first.setdefault(line.identity, line)
            if earlier is not line:
                errors.append(
                    RowError(
                        line.number,
                        "email",
                        _("the same participant, employer, kind and start date as row %(row)s")
                        % {"row": earlier.number},
                    )
                )
                line.ok = False

    # --- Lookups: a query per kind of record, however many rows --------------------------

    def _find_people(self, plan: _Plan, lines: list[_Line], errors: list[RowError]) -> None:
        User = get_user_model()
        for chunk in chunks({line.email for line in lines}):
            users = (
                User.objects.annotate(email_lower=Lower("email"))
                .filter(email_lower__in=chunk)
                .select_related("participant")
            )
            for user in users:
                plan.users[user.email_lower] = user
        for line in lines:
            user = plan.users.get(line.email)
            is_participant = user is not None and user.role == Role.PARTICIPANT
            message = None
            if self.scope_organization_id is not None:
                # Never tells a navigator whether someone outside their organization exists.
                record = participant_of(user) if is_participant else None
                if record is None or record.organization_id != self.scope_organization_id:
                    message = _("this participant is not in your organization")
            elif user is None:
                message = _(
                    "no participant has this email address (this import does not create participants)"
                )
            elif not is_participant:
                message = _("belongs to an account that is not a participant's")
            if message:
                errors.append(RowError(line.number, "email", message))
                line.ok = False

    def _find_employers(self, plan: _Plan, lines: list[_Line]) -> None:
        # Matched here, where any case folds the same (SQLite's LOWER folds ASCII only).
        wanted = {line.employer_key for line in lines}
        if wanted:
            for employer in Employer.objects.only("pk", "name"):
                key = name_key(employer.name)
                if key in wanted:
                    plan.employers.setdefault(key, employer)
        for line in lines:
            if line.employer_key not in plan.employers:
                plan.new_employers.setdefault(line.employer_key, (line.employer, line.number))

    def _find_placements(self, plan: _Plan, lines: list[_Line]) -> dict[tuple, Placement]:
        """Existing placements by (participant id, employer id, kind, start date)."""
        participant_ids = set()
        for line in lines:
            participant = participant_of(plan.users.get(line.email))
            if participant is not None:
                participant_ids.add(participant.pk)
        found = {}
        employer_ids = {employer.pk for employer in plan.employers.values()}
        if not (participant_ids and employer_ids):
            return found
        for chunk in chunks(participant_ids):
            for placement in Placement.objects.filter(participant_id__in=chunk, employer_id__in=employer_ids):
                key = (placement.participant_id, placement.employer_id, placement.kind, placement.start_date)
                found[key] = placement
        return found

    # --- Planning each row ----------------------------------------------------------------

    def _plan_steps(self, plan: _Plan, lines: list[_Line], existing: dict) -> None:
        for line in lines:
            participant = participant_of(plan.users.get(line.email))
            employer = plan.employers.get(line.employer_key)
            placement = None
            if participant is not None and employer is not None:
                placement = existing.get((participant.pk, employer.pk, line.kind, line.start_date))
            if placement is None:
                plan.steps.append(_Step(line, "created", None))
                continue
            changes = [name for name, value in line.fields.items() if getattr(placement, name) != value]
            plan.steps.append(_Step(line, "updated" if changes else "unchanged", placement, changes))

    def _describe(self, plan: _Plan, standards: list[GoodJobStandard]) -> None:
        result = plan.result
        new_employers = [name for name, _row in plan.new_employers.values()]
        result.notes += [_("new employer: %(employer)s") % {"employer": name} for name in new_employers]
        if new_employers:
            result.summary_notes[gettext_noop("new employers")] = new_employers
        names = {key: employer.name for key, employer in plan.employers.items()}
        names.update({key: name for key, (name, _row) in plan.new_employers.items()})
        for step in plan.steps:
            line = step.line
            what = _("%(title)s at %(employer)s (%(kind)s), from %(start)s") % {
                "title": line.title,
                "employer": names[line.employer_key],
                "kind": Kind(line.kind).label,
                "start": line.start_date.isoformat(),
            }
            if step.action == "unchanged":
                what += " · " + _("no change")
            else:
                if step.changes:
                    what += " · " + _("changed: %(fields)s") % {"fields": ", ".join(step.changes)}
                what += " · " + self._judgement(line, standards)
            result.actions.append(PlannedAction(line.number, step.action, line.email, what))

    @staticmethod
    def _judgement(line: _Line, standards: list[GoodJobStandard]) -> str:
        standard = next((s for s in standards if s.effective_from <= line.start_date), None)
        failed = failed_tests(
            standard=standard,
            kind=line.kind,
            hourly_wage=line.hourly_wage,
            hours_per_week=line.hours_per_week,
            health=line.health_benefits,
            advancement_path=line.advancement_path,
        )
        if not failed:
            return _("a good job")
        reasons = (str(Placement.Test(code).label) for code in failed)
        return _("not a good job: %(tests)s") % {"tests": "; ".join(reasons)}

    # --- Phase 2: write, all or nothing ---------------------------------------------------

    def _write(self, plan: _Plan) -> None:
        employers = dict(plan.employers)
        for key, (name, row) in plan.new_employers.items():
            employers[key] = self._service(row, "employer", employer_services.employer_create, name=name)
        participants = {}
        for step in plan.steps:
            if step.action == "unchanged":
                continue
            line = step.line
            if line.email not in participants:
                user = plan.users[line.email]
                participants[line.email] = participant_of(user) or participant_services.participant_ensure(
                    user=user
                )
            placement = step.placement
            self._service(
                line.number,
                "start_date",
                services.placement_save,
                participant=participants[line.email],
                employer=employers[line.employer_key],
                kind=line.kind,
                start_date=line.start_date,
                # Where it came from: an update keeps the placement's own source (a hire stays a hire).
                source=placement.source if placement is not None else Placement.Source.IMPORT,
                by=self.actor,
                placement=placement,
                **line.fields,
            )
