"""Enrollment rosters: the monthly spreadsheet a training provider sends, imported all or nothing.

Columns: ``email,first_name,last_name,zip_code,provider,program,start_date,status,end_date,credential``
(README, "Import formats"). Identity, so that importing the same or an updated roster again
updates and never duplicates:

- a participant is their email (lowercased); a new email creates a participant whose account
  has no usable password until they claim it through the emailed invitation;
- a program is its name under its provider (any case); a new name creates the program, not
  listed in the catalogue until the provider completes its details;
- a cohort is its program and start date; a new one is created with as many seats as the
  file's seat-holding rows for it;
- an enrollment is its participant and cohort.

Names and ZIP code: the roster fills them in for participants who have not completed intake;
after intake, the participant's own answers are kept.

No access without a relationship the person made: a row naming someone who has no confirmed
enrollment at the row's provider (a new email, or an existing participant the provider has no
link with) creates an enrollment awaiting the person's confirmation, and neither updates their
details nor tells the uploader whether the email had an account: the preview line and the summary
read the same for a known and an unknown email (``AWAITING``).

Two phases: :meth:`EnrollmentRosterImporter.plan` checks every row and says what would be
created, updated or left unchanged, with a handful of queries whatever the number of rows and
no writes; :meth:`~EnrollmentRosterImporter.apply` plans again inside a transaction, holding
the cohorts it touches, and writes only if every row is good.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, ngettext

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
    longer_than,
    name_key,
    row_errors,
    sort_errors,
)
from participants import services as participant_services
from participants.selectors import participant_of
from programs import services
from programs.models import (
    Cohort,
    Credential,
    CredentialType,
    Enrollment,
    Program,
    Provider,
    WithdrawalReason,
)

Status = Enrollment.Status

COLUMNS = (
    "email",
    "first_name",
    "last_name",
    "zip_code",
    "provider",
    "program",
    "start_date",
    "status",
    "end_date",
    "credential",
)
# The example row of the template file offered on the upload page (import_views.roster_template).
EXAMPLE_ROW = {
    "email": "keisha.brown@example.org",
    "first_name": "Keisha",
    "last_name": "Brown",
    "zip_code": "33147",
    "provider": "brainstation",
    "program": "Software Engineering Bootcamp",
    "start_date": "2026-03-02",
    "status": "completed",
    "end_date": "2026-05-22",
    "credential": "Software Engineering Certificate",
}
ROSTER_STATUSES = (Status.ENROLLED, Status.ACTIVE, Status.COMPLETED, Status.WITHDRAWN)
ENDED_STATUSES = (Status.COMPLETED, Status.WITHDRAWN)
SEAT_STATUSES = frozenset(Enrollment.SEAT_STATUSES)
# A credential of a program that does not say which type it leads to (e.g. one the roster
# itself created): the most general of the types.
DEFAULT_CREDENTIAL_TYPE = CredentialType.NON_DEGREE_CERTIFICATION
NO_REASON_NOTE = "Reason not given in the roster."
# What the preview says of a row naming someone the provider has no confirmed link with.
AWAITING = gettext_lazy(
    "awaiting the person's confirmation (an email asks them; until then you see only this email)"
)
logger = logging.getLogger(__name__)
NAME_MAX, PROGRAM_MAX, CREDENTIAL_MAX, EMAIL_MAX = 150, 200, 200, 254
ZIP_CODE = re.compile(r"^\d{5}(-\d{4})?$")


class EnrollmentRowForm(forms.Form):
    """One roster row: the shape of each column, and how status, end date and credential agree.

    ``providers`` maps each provider's short code and name (lowercased) to it.
    """

    email = EmailCell(limit=EMAIL_MAX)
    first_name = TextCell(limit=NAME_MAX, tidy=True)
    last_name = TextCell(limit=NAME_MAX, tidy=True)
    zip_code = TextCell()
    provider = TextCell()
    program = TextCell(limit=PROGRAM_MAX, tidy=True)
    start_date = DateCell()
    status = TextCell()
    end_date = DateCell(required=False)
    credential = TextCell(tidy=True, required=False)

    def __init__(self, data, *, providers: dict[str, Provider], scope_provider: Provider | None, today: date):
        super().__init__(data)
        self.providers = providers
        self.scope_provider = scope_provider  # None: any provider
        self.today = today

    def clean_zip_code(self) -> str:
        zip_code = self.cleaned_data["zip_code"]
        if not ZIP_CODE.match(zip_code):
            raise ValidationError(
                _('"%(value)s" is not a ZIP code (5 digits, or ZIP+4 like 33127-1234)') % {"value": zip_code}
            )
        return zip_code

    def clean_provider(self) -> Provider:
        value = self.cleaned_data["provider"]
        provider = self.providers.get(" ".join(value.split()).lower())
        if provider is None:
            raise ValidationError(_('no provider has the short code or name "%(value)s"') % {"value": value})
        if self.scope_provider is not None and provider.pk != self.scope_provider.pk:
            raise ValidationError(
                _("you can only import rosters of %(provider)s") % {"provider": self.scope_provider.name}
            )
        return provider

    def clean_status(self) -> str:
        value = self.cleaned_data["status"]
        if value.lower() not in ROSTER_STATUSES:
            raise ValidationError(
                _('"%(value)s" is not one of %(statuses)s')
                % {"value": value, "statuses": ", ".join(ROSTER_STATUSES)}
            )
        return value.lower()

    def clean_credential(self) -> str:
        credential = self.cleaned_data["credential"]
        status = self.cleaned_data.get("status")
        if credential and status and status != Status.COMPLETED:
            raise ValidationError(_("only allowed when the status is completed"))
        if len(credential) > CREDENTIAL_MAX:
            raise longer_than(CREDENTIAL_MAX)
        return credential

    def clean(self) -> dict:
        data = self.cleaned_data  # the columns that passed their own checks
        problem = self._end_date_problem(data.get("status", ""), data.get("start_date"), data.get("end_date"))
        if problem:
            self.add_error("end_date", problem)
        return data

    def _end_date_problem(self, status: str, start_date: date | None, end_date: date | None) -> str | None:
        """An end date is given exactly when the status has ended; it is past, and not before the start."""
        given = bool(self.data.get("end_date"))  # even one that is not a date
        if status in ENDED_STATUSES and not given:
            return _("required when the status is %(status)s") % {"status": status}
        if status and status not in ENDED_STATUSES and given:
            return _("must be empty when the status is %(status)s") % {"status": status}
        if end_date and end_date > self.today:
            return _("cannot be in the future")
        if end_date and start_date and end_date < start_date:
            return _("cannot be before the start date (%(date)s)") % {"date": start_date.isoformat()}
        return None


@dataclass
class _Line:
    """One roster row, parsed. ``ok`` turns False at its first problem."""

    number: int
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    zip_code: str = ""
    provider: Provider | None = None
    program: str = ""
    start_date: date | None = None
    status: str = ""
    end_date: date | None = None
    credential: str = ""
    ok: bool = True
    bad_columns: set = field(default_factory=set)

    @property
    def program_key(self) -> tuple[int, str]:
        return (self.provider.pk, name_key(self.program))

    @property
    def cohort_key(self) -> tuple[int, str, date]:
        return (*self.program_key, self.start_date)

    @property
    def enrollment_key(self) -> tuple:
        return (self.email, *self.cohort_key)


@dataclass
class _Step:
    """What importing one good row writes."""

    line: _Line
    action: str  # created | updated | unchanged
    enrollment: Enrollment | None  # the existing one, if any
    fields: dict  # enrollment fields to set (all for a new one; the changed ones otherwise)
    credential: dict | None  # credential_record arguments, when it must be written
    changes: list[str] = field(default_factory=list)
    confirmed: bool = False  # the person already has a confirmed link to the row's provider


@dataclass
class _Plan:
    result: ImportResult
    steps: list[_Step] = field(default_factory=list)
    programs: dict = field(default_factory=dict)  # program key -> Program (existing)
    new_programs: dict = field(default_factory=dict)  # program key -> (Provider, name)
    cohorts: dict = field(default_factory=dict)  # cohort key -> Cohort (existing)
    new_cohorts: dict = field(default_factory=dict)  # cohort key -> seats
    users: dict = field(default_factory=dict)  # email -> existing User
    new_people: dict = field(default_factory=dict)  # email -> first _Line of a new email
    people_to_update: dict = field(default_factory=dict)  # email -> _Line with the roster's details
    linked: set = field(default_factory=set)  # (participant id, provider id) with a confirmed enrollment
    # Emails of accounts that are not participants', in a provider's import: planned as unknown
    # emails (the provider learns nothing of them) and written as nothing.
    withheld: set = field(default_factory=set)


class EnrollmentRosterImporter(Importer):
    kind = gettext_noop("enrollments")  # the registry's key; translated where shown
    columns = COLUMNS

    def __init__(self, *, actor=None, scope_provider: Provider | None = None):
        super().__init__(actor=actor)
        self.scope_provider = scope_provider  # None: any provider (grant staff, the command line)

    # --- Phase 1: check and plan (no writes) -----------------------------------------------

    def _plan(self, table: Sheet, *, lock: bool = False) -> _Plan:
        today = timezone.localdate()
        errors: list[RowError] = []
        providers = self._providers()
        lines = [self._parse(row, providers, errors, today) for row in table.rows]
        self._check_repeats(lines, errors)
        plan = _Plan(result=ImportResult(kind=self.kind))
        good = [line for line in lines if line.ok]
        self._find_people(plan, good, errors)
        good = [line for line in good if line.ok]
        self._find_programs_and_cohorts(plan, good, lock=lock)
        existing = self._find_enrollments(plan, good)
        self._find_links(plan, good)
        taken = self._seats_taken(plan)
        self._plan_steps(plan, good, existing, today)
        self._check_seats(plan, taken, errors)
        self._describe(plan)
        plan.result.errors = sort_errors(errors, COLUMNS)
        return plan

    def _providers(self) -> dict[str, Provider]:
        by_key = {}
        for provider in Provider.objects.all():
            by_key[provider.code.lower()] = provider
            by_key[provider.name.lower()] = provider
        return by_key

    def _parse(self, row, providers, errors, today) -> _Line:
        form = EnrollmentRowForm(
            row.values, providers=providers, scope_provider=self.scope_provider, today=today
        )
        ok = form.is_valid()
        errors.extend(row_errors(form, row.number))
        return _Line(number=row.number, ok=ok, bad_columns=set(form.errors), **form.cleaned_data)

    def _check_repeats(self, lines: list[_Line], errors: list[RowError]) -> None:
        """One row per enrollment; one set of details per person (else the result depends on order)."""
        first_of_enrollment: dict[tuple, _Line] = {}
        first_of_email: dict[str, _Line] = {}
        for line in lines:
            if not line.bad_columns & {"email", "provider", "program", "start_date"}:
                earlier = first_of_enrollment.setdefault(line.enrollment_key, line)
                if earlier is not line:
                    errors.append(
                        RowError(
                            line.number,
                            "email",
                            _("the same participant, program and start date as row %(row)s")
                            % {"row": earlier.number},
                        )
                    )
                    line.ok = False
                    continue
            if line.bad_columns & {"email", "first_name", "last_name", "zip_code"}:
                continue
            earlier = first_of_email.setdefault(line.email, line)
            for column in ("first_name", "last_name", "zip_code"):
                if getattr(line, column) != getattr(earlier, column):
                    errors.append(
                        RowError(
                            line.number,
                            column,
                            _('"%(value)s" differs from row %(row)s for the same email ("%(earlier)s")')
                            % {
                                "value": getattr(line, column),
                                "row": earlier.number,
                                "earlier": getattr(earlier, column),
                            },
                        )
                    )
                    line.ok = False

    # --- Lookups: a query per kind of record, however many rows --------------------------

    def _find_people(self, plan: _Plan, lines: list[_Line], errors: list[RowError]) -> None:
        User = get_user_model()
        emails = {line.email for line in lines}
        for chunk in chunks(emails):
            users = (
                User.objects.annotate(email_lower=Lower("email"))
                .filter(email_lower__in=chunk)
                .select_related("participant")
            )
            for user in users:
                if user.role != Role.PARTICIPANT and self.scope_provider is not None:
                    plan.withheld.add(user.email_lower)
                else:
                    plan.users[user.email_lower] = user
        for line in lines:
            user = plan.users.get(line.email)
            if user is None:
                # Withheld emails too: a provider's preview reads as for an unknown email.
                plan.new_people.setdefault(line.email, line)
            elif user.role != Role.PARTICIPANT:
                errors.append(
                    RowError(line.number, "email", _("belongs to an account that is not a participant's"))
                )
                line.ok = False

    def _find_programs_and_cohorts(self, plan: _Plan, lines: list[_Line], *, lock: bool) -> None:
        # A provider runs a few dozen programs: match names here, where any case folds the same.
        wanted = {line.program_key for line in lines}
        provider_ids = {provider_id for provider_id, _name in wanted}
        for program in Program.objects.filter(provider_id__in=provider_ids) if provider_ids else ():
            key = (program.provider_id, name_key(program.name))
            if key in wanted:
                plan.programs[key] = program
        for line in lines:
            if line.program_key not in plan.programs:
                plan.new_programs.setdefault(line.program_key, (line.provider, line.program))
        program_by_id = {program.pk: program for program in plan.programs.values()}
        starts = {line.start_date for line in lines if line.program_key in plan.programs}
        if program_by_id and starts:
            cohorts = Cohort.objects.filter(program_id__in=program_by_id, start_date__in=starts).order_by(
                "pk"
            )
            if lock:
                cohorts = cohorts.select_for_update()
            for cohort in cohorts:
                program = program_by_id[cohort.program_id]
                cohort.program = program
                plan.cohorts[(program.provider_id, name_key(program.name), cohort.start_date)] = cohort
        for line in lines:
            if line.cohort_key not in plan.cohorts:
                seats = plan.new_cohorts.get(line.cohort_key, 0) + (line.status in SEAT_STATUSES)
                plan.new_cohorts[line.cohort_key] = seats

    def _find_enrollments(self, plan: _Plan, lines: list[_Line]) -> dict[tuple[int, int], Enrollment]:
        """Existing enrollments by (participant id, cohort id), with their credentials."""
        participant_ids = set()
        for line in lines:
            participant = participant_of(plan.users.get(line.email))
            if participant is not None:
                participant_ids.add(participant.pk)
        cohort_ids = [cohort.pk for cohort in plan.cohorts.values()]
        found = {}
        if not (participant_ids and cohort_ids):
            return found
        for chunk in chunks(participant_ids):
            for enrollment in Enrollment.objects.filter(participant_id__in=chunk, cohort_id__in=cohort_ids):
                found[(enrollment.participant_id, enrollment.cohort_id)] = enrollment
        credentials = {}
        for chunk in chunks([e.pk for e in found.values()]):
            for credential in Credential.objects.filter(enrollment_id__in=chunk):
                credentials[credential.enrollment_id] = credential
        for enrollment in found.values():
            enrollment.roster_credential = credentials.get(enrollment.pk)
        return found

    def _find_links(self, plan: _Plan, lines: list[_Line]) -> None:
        """Who already has a confirmed enrollment at each row's provider: one query per chunk."""
        participant_ids = {p.pk for p in (participant_of(plan.users.get(line.email)) for line in lines) if p}
        provider_ids = {line.provider.pk for line in lines}
        for chunk in chunks(participant_ids):
            rows = (
                Enrollment.objects.filter(
                    participant_id__in=chunk,
                    cohort__program__provider_id__in=provider_ids,
                    partner_confirmed_at__isnull=False,
                )
                .values_list("participant_id", "cohort__program__provider_id")
                .distinct()
            )
            plan.linked.update(rows)

    def _is_linked(self, plan: _Plan, line: _Line) -> bool:
        participant = participant_of(plan.users.get(line.email))
        return participant is not None and (participant.pk, line.provider.pk) in plan.linked

    def _seats_taken(self, plan: _Plan) -> dict[int, int]:
        cohort_ids = [cohort.pk for cohort in plan.cohorts.values()]
        taken = {}
        for chunk in chunks(cohort_ids):
            counts = (
                Enrollment.objects.filter(cohort_id__in=chunk, status__in=SEAT_STATUSES)
                .values("cohort_id")
                .annotate(n=Count("pk"))
                .order_by()
            )
            taken.update({row["cohort_id"]: row["n"] for row in counts})
        return taken

    # --- Planning each row ----------------------------------------------------------------

    def _plan_steps(self, plan: _Plan, lines: list[_Line], existing: dict, today: date) -> None:
        seen_people = set()
        for line in lines:
            changes = []
            linked = self._is_linked(plan, line)
            if not linked:
                # A new email and an existing person with no link read the same (no enumeration).
                if line.email not in seen_people:
                    changes.append(str(AWAITING))
            elif line.email not in seen_people:
                changes += self._person_changes(plan, line)
            seen_people.add(line.email)

            cohort = plan.cohorts.get(line.cohort_key)
            participant = participant_of(plan.users.get(line.email))
            enrollment = None
            if cohort is not None and participant is not None:
                enrollment = existing.get((participant.pk, cohort.pk))
            fields, enrollment_changes = self._enrollment_fields(line, enrollment, today)
            changes += enrollment_changes
            credential, credential_change = self._credential(plan, line, enrollment)
            if credential_change:
                changes.append(credential_change)
            action = "created" if enrollment is None else ("updated" if changes else "unchanged")
            if enrollment is not None and not linked:
                changes = [c for c in changes if c != str(AWAITING)]
                action = "updated" if changes else "unchanged"
            step = _Step(line, action, enrollment, fields, credential, changes)
            step.confirmed = linked
            plan.steps.append(step)

    def _person_changes(self, plan: _Plan, line: _Line) -> list[str]:
        user = plan.users[line.email]
        participant = participant_of(user)
        if participant is not None and participant.intake_completed_at is not None:
            return []  # their own answers win
        current = (user.first_name, user.last_name, participant.zip_code if participant else "")
        if participant is not None and current == (line.first_name, line.last_name, line.zip_code):
            return []
        plan.people_to_update[line.email] = line
        changes = [_("participant record created")] if participant is None else []
        name_changed = current[:2] != (line.first_name, line.last_name)
        zip_changed = current[2] != line.zip_code
        if name_changed and zip_changed:
            changes.append(_("name and ZIP code updated"))
        elif name_changed:
            changes.append(_("name updated"))
        elif zip_changed:
            changes.append(_("ZIP code updated"))
        return changes

    def _enrollment_fields(self, line: _Line, enrollment: Enrollment | None, today: date):
        withdrawn = line.status == Status.WITHDRAWN
        enrolled_on = min(line.start_date, today)
        if enrollment is None:
            return (
                {
                    "status": line.status,
                    "enrolled_on": enrolled_on,
                    "end_date": line.end_date,
                    "withdrawal_reason": WithdrawalReason.OTHER if withdrawn else "",
                    "note": NO_REASON_NOTE if withdrawn else "",
                },
                [],
            )
        target = {
            "status": line.status,
            # Set when the roster admits an application; otherwise whatever the portal recorded.
            "enrolled_on": enrollment.enrolled_on
            or (enrolled_on if enrollment.status in (Status.APPLIED, Status.NOT_ADMITTED) else None),
            "end_date": line.end_date,
            "withdrawal_reason": (enrollment.withdrawal_reason or WithdrawalReason.OTHER)
            if withdrawn
            else "",
            "note": enrollment.note,
        }
        if withdrawn and not enrollment.withdrawal_reason and not enrollment.note:
            target["note"] = NO_REASON_NOTE
        fields = {name: value for name, value in target.items() if getattr(enrollment, name) != value}
        changes = []
        if "status" in fields:
            changes.append(
                _("status %(old)s → %(new)s")
                % {"old": Status(enrollment.status).label, "new": Status(line.status).label}
            )
        if "end_date" in fields:
            changes.append(
                _("end date %(old)s → %(new)s")
                % {
                    "old": enrollment.end_date.isoformat() if enrollment.end_date else "—",
                    "new": line.end_date.isoformat() if line.end_date else "—",
                }
            )
        if "withdrawal_reason" in fields:
            reason = fields["withdrawal_reason"]
            changes.append(
                _("withdrawal reason %(reason)s")
                % {"reason": WithdrawalReason(reason).label if reason else "—"}
            )
        if not changes and fields:
            changes.append(_("withdrawal note added"))
        return fields, changes

    def _credential(self, plan: _Plan, line: _Line, enrollment: Enrollment | None):
        """The credential to record for a completed row that names one (never removes one)."""
        if line.status != Status.COMPLETED or not line.credential:
            return None, ""
        current = getattr(enrollment, "roster_credential", None) if enrollment else None
        if current is not None and (current.name, current.awarded_on) == (line.credential, line.end_date):
            return None, ""
        program = plan.programs.get(line.program_key)
        credential = {
            "type": current.type
            if current
            else (
                program.credential_type if program and program.credential_type else DEFAULT_CREDENTIAL_TYPE
            ),
            "name": line.credential,
            "issuer": current.issuer if current else line.provider.name,
            "awarded_on": line.end_date,
        }
        return credential, _('credential "%(name)s"') % {"name": line.credential}

    def _check_seats(self, plan: _Plan, taken: dict[int, int], errors: list[RowError]) -> None:
        """An existing cohort may not end up with more seat-holders than seats because of the roster."""
        steps_by_cohort = defaultdict(list)
        for step in plan.steps:
            if step.line.cohort_key in plan.cohorts:
                steps_by_cohort[step.line.cohort_key].append(step)
        for key, steps in steps_by_cohort.items():
            cohort = plan.cohorts[key]
            before = running = taken.get(cohort.pk, 0)
            first_over = None
            for step in steps:
                was_seat = step.enrollment is not None and step.enrollment.status in SEAT_STATUSES
                delta = (step.line.status in SEAT_STATUSES) - was_seat
                running += delta
                if delta > 0 and running > cohort.seats and first_over is None:
                    first_over = step
            if running > cohort.seats and running > before and first_over is not None:
                errors.append(
                    RowError(
                        first_over.line.number,
                        "start_date",
                        ngettext(
                            "cohort %(cohort)s is full: %(seats)s seat",
                            "cohort %(cohort)s is full: %(seats)s seats",
                            cohort.seats,
                        )
                        % {
                            "cohort": f"{cohort.program.name}, {cohort.start_date:%Y-%m-%d}",
                            "seats": cohort.seats,
                        },
                    )
                )

    def _describe(self, plan: _Plan) -> None:
        result = plan.result
        new_programs = [f"{name} ({provider.name})" for provider, name in plan.new_programs.values()]
        result.notes += [_("new program: %(program)s") % {"program": p} for p in new_programs]
        if new_programs:
            result.summary_notes[gettext_noop("new programs")] = new_programs
        program_names = {key: program.name for key, program in plan.programs.items()}
        program_names.update({key: name for key, (_provider, name) in plan.new_programs.items()})
        for (provider_id, name_lower, start), seats in plan.new_cohorts.items():
            result.notes.append(
                ngettext(
                    "new cohort: %(program)s, starting %(date)s, %(seats)s seat",
                    "new cohort: %(program)s, starting %(date)s, %(seats)s seats",
                    max(seats, 1),
                )
                % {
                    "program": program_names[(provider_id, name_lower)],
                    "date": start.isoformat(),
                    "seats": max(seats, 1),
                }
            )
        for step in plan.steps:
            line = step.line
            program = program_names[line.program_key]
            what = _("%(program)s (%(provider)s), %(date)s: %(status)s") % {
                "program": program,
                "provider": line.provider.name,
                "date": line.start_date.isoformat(),
                "status": Status(line.status).label,
            }
            if step.changes:
                what += " · " + "; ".join(step.changes)
            elif step.action == "unchanged":
                what += " · " + _("no change")
            result.actions.append(PlannedAction(line.number, step.action, line.email, what))

    # --- Phase 2: write, all or nothing ---------------------------------------------------

    def _write(self, plan: _Plan) -> None:
        programs = dict(plan.programs)
        for key, (provider, name) in plan.new_programs.items():
            programs[key] = self._service(
                None,
                "program",
                services.program_save,
                provider=provider,
                name=name,
                is_active=False,  # listed once the provider has completed its details
            )
        cohorts = dict(plan.cohorts)
        for key, seats in plan.new_cohorts.items():
            cohorts[key] = self._service(
                None,
                "start_date",
                services.cohort_save,
                program=programs[key[:2]],
                start_date=key[2],
                end_date=None,
                seats=max(seats, 1),
            )
        # Everyone new at once: accounts, participant records, change history, invitations (one
        # task after the commit sends them all), a few inserts whatever their number.
        new_people = [(email, line) for email, line in plan.new_people.items() if email not in plan.withheld]
        built = [
            self._service(
                line.number,
                "email",
                participant_services.participant_build_invited,
                email=email,
                first_name=line.first_name,
                last_name=line.last_name,
                zip_code=line.zip_code,
            )
            for email, line in new_people
        ]
        created = participant_services.participants_create_invited(people=built, by=self.actor)
        participants = {
            email: participant for (email, _line), participant in zip(new_people, created, strict=True)
        }
        for email, user in plan.users.items():
            participants[email] = participant_of(user) or participant_services.participant_ensure(user=user)
        for email, line in plan.people_to_update.items():
            participant_services.participant_roster_details_save(
                participant=participants[email],
                first_name=line.first_name,
                last_name=line.last_name,
                zip_code=line.zip_code,
            )
        new_enrollments, to_ask = [], []
        for step in plan.steps:
            if step.action == "unchanged":
                continue
            line = step.line
            if line.email in plan.withheld:
                # Not a participant's account: nothing is written, and the log names no address.
                logger.info(
                    "Roster import: row %s names an account that is not a participant's; skipped", line.number
                )
                continue
            enrollment = step.enrollment
            if enrollment is None:  # new: built here, written with the others below
                enrollment = self._service(
                    line.number,
                    "status",
                    services.enrollment_roster_build,
                    participant=participants[line.email],
                    cohort=cohorts[line.cohort_key],
                    confirmed=step.confirmed,
                    **step.fields,
                )
                if step.credential:
                    self._service(
                        line.number,
                        "credential",
                        services.enrollment_roster_build_credential,
                        enrollment=enrollment,
                        credential=step.credential,
                    )
                new_enrollments.append(enrollment)
                if not step.confirmed and line.email not in plan.new_people:
                    to_ask.append(enrollment)
                continue
            if step.fields:
                enrollment = self._service(
                    line.number,
                    "status",
                    services.enrollment_roster_save,
                    enrollment=enrollment,
                    participant=participants[line.email],
                    cohort=cohorts[line.cohort_key],
                    by=self.actor,
                    confirmed=step.confirmed,
                    **step.fields,
                )
            if step.credential:
                self._service(
                    line.number,
                    "credential",
                    services.credential_record,
                    enrollment=enrollment,
                    **step.credential,
                )
        services.enrollments_roster_create(enrollments=new_enrollments, by=self.actor)
        for enrollment in to_ask:
            services.enrollment_confirmation_request(enrollment=enrollment)
