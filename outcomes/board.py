"""Every table of the grant dashboard, and of a training provider's own (reads only).

``Board(as_of=..., provider=None)`` is grant staff's view of the whole grant; with a provider,
the same figures limited to that provider's programs (the scope of ``measures``: an enrollment
there that the participant made or confirmed; grant-level figures count every enrollment).
``Board.tables()`` builds them in the order shown; ``Board.table(key)`` builds one (for its
download). Each table is a ``mtw_portal.core.tables.Table`` whose cells carry the parameters of the
participants behind them (``outcomes.drill``); only grant staff's page turns them into links.

Each live table is one or two SQL aggregates, whatever the number of participants.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Case, CharField, Count, F, Max, Sum, Value, When
from django.utils.translation import gettext_lazy as _

from coalition.models import PilotProject
from coalition.selectors import coalition_counts
from mtw_portal.core.tables import SUPPRESSED, Column, Quarter, Table, Text
from outcomes import pace as pace_math
from outcomes.breakdowns import DEMOGRAPHIC_FIELDS, equity_breakdowns
from outcomes.measures import count_by, count_grouped, count_people, measure
from participants.models import SupportItem, SupportType
from programs.models import Cohort, Enrollment, Provider, WithdrawalReason

CENT = Decimal("0.01")
TRAINING_FIGURES = (
    "enrolled",
    "active",
    "trained",
    "withdrawn",
    "credentials_earned",
    "placed_good_jobs",
)


# Each table's sheet in a workbook: a short name of whole words (Excel allows 31 characters;
# the titles are longer). The equity tables are named by their field ("By ethnicity").
SHEET_NAMES = {
    "targets": _("Targets and pace"),
    "funnel": _("Funnel"),
    "history": _("Over time"),
    "providers": _("By provider"),
    "programs": _("By program"),
    "quarters": _("By cohort quarter"),
    "wraparound": _("Wraparound support"),
    "cost": _("Cost per outcome"),
    "non_completion": _("Why people withdrew"),
    "coalition": _("Coalition"),
}
# The columns each table's chart draws (beside the table, which stays the accessible source):
# a count, or the rates (percent) to compare groups by. Tables not named here have no chart.
CHART_COLUMNS = {
    "providers": ("completion_rate", "good_job_rate"),
    "programs": ("completion_rate", "good_job_rate"),
    "quarters": ("completion_rate", "good_job_rate"),
    "wraparound": ("people",),
    "non_completion": ("people", "supported"),
    "coalition": ("count",),
}
EQUITY_CHART_COLUMNS = ("completion_rate", "good_job_rate")


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _per(amount: Decimal, people: int) -> Decimal | None:
    return (amount / people).quantize(CENT) if people else None


class Board:
    def __init__(self, *, as_of: date, provider: Provider | None = None, snapshots=None, grant=None):
        self.as_of = as_of
        self.provider = provider
        # A provider's own figures count only the relationships the participant made or confirmed
        # (an import naming someone must not move the provider's tables: README, access).
        self.scope = (
            {"cohort__program__provider": provider, "partner_confirmed_at__isnull": False} if provider else {}
        )
        self.snapshots = list(snapshots or [])
        self.grant = grant

    # The tables, in the order shown: (key, builder). Some are grant-wide only.
    def _builders(self) -> list[tuple[str, object]]:
        builders = []
        if not self.provider:
            builders.append(("targets", self.targets))
        builders += [("funnel", self.funnel), ("history", self.history)]
        if not self.provider:
            builders.append(("providers", self.providers))
        builders += [("programs", self.programs), ("quarters", self.quarters)]
        builders += [(f"equity-{b}", self._equity(b)) for b in self._equity_fields()]
        if not self.provider:
            builders += [("wraparound", self.wraparound), ("cost", self.cost)]
        builders.append(("non_completion", self.non_completion))
        if not self.provider:
            builders.append(("coalition", self.coalition))
        return builders

    def table_keys(self) -> list[str]:
        return [key for key, _builder in self._builders()]

    def tables(self) -> list[Table]:
        return [self._named(builder()) for _key, builder in self._builders()]

    def table(self, key: str) -> Table | None:
        builder = dict(self._builders()).get(key)
        return self._named(builder()) if builder else None

    @staticmethod
    def chart(table: Table) -> dict | None:
        """The data of ``table``'s chart (for ``static/js/dashboard.js``, through ``json_script``):
        its rows' names and the figures of the columns in ``CHART_COLUMNS``, ``None`` where the
        table hides or has none. No chart (``None``) for a table not named there, or with nothing
        to draw. Built from the table itself, so the chart and the table agree."""
        keys = EQUITY_CHART_COLUMNS if table.key.startswith("equity-") else CHART_COLUMNS.get(table.key)
        if not keys or not table.rows:
            return None
        columns = [(i, c) for i, c in enumerate(table.columns) if c.key in keys]
        rows = table.all_rows() if table.key.startswith("equity-") else table.rows
        datasets = [
            {"label": str(column.label), "data": [row.cells[i].value for row in rows]}
            for i, column in columns
        ]
        if not any(value for dataset in datasets for value in dataset["data"]):
            return None  # nothing to draw: all zero or hidden
        return {
            "labels": [str(row.header.value) for row in rows],
            "percent": all(c.kind == "percent" for _i, c in columns),
            "datasets": datasets,
        }

    @staticmethod
    def _named(table: Table) -> Table:
        if not table.sheet and table.key in SHEET_NAMES:
            table.sheet = SHEET_NAMES[table.key]
        return table

    # --- From the stored roll-ups ---------------------------------------------------------

    @property
    def latest(self):
        return self.snapshots[-1] if self.snapshots else None

    def pace(self) -> list[dict]:
        """Progress and pace of each target (grant staff's board), from the snapshots."""
        latest = self.latest
        if latest is None or self.grant is None:
            return []
        labels = {"trained": _("People trained"), "placed_good_jobs": _("People placed in good jobs")}
        rows = []
        for key, field in pace_math.TARGETS:
            rows.append(
                {
                    "key": key,
                    "label": labels[key],
                    **pace_math.pace(
                        [(s.as_of, s.data.get(key) or 0) for s in self.snapshots],
                        current=latest.data.get(key) or 0,
                        target=getattr(self.grant, field),
                        today=self.as_of,
                        end=self.grant.grant_end_date,
                    ),
                }
            )
        return rows

    def targets(self) -> Table:
        table = Table(
            "targets",
            _("Progress and pace against each target"),
            [
                Column("target", _("Target"), "text"),
                Column("current", _("Now")),
                Column("goal", _("Goal")),
                Column("percent", _("Share of the goal"), "percent"),
                Column("rate", _("Average gain a month (last 6 months)"), "number"),
                Column("projected", _("Projected at the grant's end")),
                Column("needed", _("Gain a month still needed"), "number"),
            ],
        )
        for row in self.pace():
            table.add(
                row["key"],
                row["label"],
                row["current"],
                row["target"],
                row["percent"],
                row["rate"],
                row["projected"],
                row["needed"],
                drill={"current": {"measure": row["key"]}},
            )
        return table

    def _snapshot_figures(self, snapshot) -> dict:
        if not self.provider:
            return snapshot.data
        return (snapshot.data.get("by_provider") or {}).get(self.provider.code) or {}

    def funnel_steps(self) -> list[dict]:
        """The funnel: grant staff's from the last roll-up; a provider's counted now, in its scope."""
        if self.provider:
            figures = self.live_counts([key for key, _label in pace_math.FUNNEL_STEPS])
        else:
            figures = self.latest.data if self.latest else {}
        return pace_math.funnel(figures)

    def funnel(self) -> Table:
        note = _("Figures of the last roll-up.")
        table = Table(
            "funnel",
            _("People at each step, and their share of those enrolled"),
            [
                Column("step", _("Step"), "text"),
                Column("count", _("People")),
                Column("percent", _("Share of enrolled"), "percent"),
            ],
            note=note,
        )
        for step in self.funnel_steps():
            table.add(
                step["key"],
                step["label"],
                step["count"],
                step["percent"],
                drill={"count": {"measure": step["key"]}},
            )
        return table

    def history(self) -> Table:
        table = Table(
            "history",
            _("People trained and placed in good jobs, by roll-up date"),
            [
                Column("date", _("Date"), "date"),
                Column("trained", _("People trained")),
                Column("placed_good_jobs", _("Placed in good jobs")),
            ],
        )
        for snapshot in reversed(self.snapshots):
            figures = self._snapshot_figures(snapshot)
            table.add(
                snapshot.as_of.isoformat(),
                snapshot.as_of,
                figures.get("trained") or 0,
                figures.get("placed_good_jobs") or 0,
            )
        return table

    def history_payload(self) -> dict:
        """The chart's data (oldest first), the same figures as ``history``."""
        return {
            "dates": [s.as_of.isoformat() for s in self.snapshots],
            "trained": [self._snapshot_figures(s).get("trained") or 0 for s in self.snapshots],
            "placed_good_jobs": [
                self._snapshot_figures(s).get("placed_good_jobs") or 0 for s in self.snapshots
            ],
            "labels": {
                "trained": str(_("People trained")),
                "placed_good_jobs": str(_("Placed in good jobs")),
            },
        }

    # --- Counted now ----------------------------------------------------------------------

    def live_counts(self, keys) -> dict[str, int]:
        """People counted by each measure in ``keys``, within the board's scope: one aggregate per
        source table (``measures.count_people``)."""
        return count_people(keys, self.as_of, self.scope)

    def _training_columns(self, first: Column) -> list[Column]:
        return [
            first,
            Column("enrolled", _("Enrolled")),
            Column("active", _("In training now")),
            Column("trained", _("Trained")),
            Column("completion_rate", _("Completion rate"), "percent"),
            Column("withdrawn", _("Withdrawn")),
            Column("credentials_earned", _("Earned a credential")),
            Column("placed_good_jobs", _("In a good job")),
            Column("good_job_rate", _("Good-job rate"), "percent"),
        ]

    def _grouped(self, *group_by, annotate=None, every_group=True) -> list[dict]:
        """Per group of enrollments (in scope): the people counted by each training figure
        (``measures.count_grouped``: one query, no subquery per row). ``every_group=False``: the
        caller lists its groups itself, so the rows no figure can count (statuses none of the
        measures has) are left out before counting."""
        rows = Enrollment.objects.filter(**self.scope).order_by()
        if not every_group:
            rows = rows.filter(
                status__in=sorted({s for key in TRAINING_FIGURES for s in measure(key).statuses})
            )
        if annotate:
            rows = rows.annotate(**annotate)
        return count_grouped(rows, group_by, TRAINING_FIGURES, self.as_of)

    def _add_training_row(self, table: Table, key: str, label, figures: dict, drill: dict) -> None:
        counts = [figures.get(k, 0) for k in TRAINING_FIGURES]
        enrolled, active, trained, withdrawn, credentials, good_job = counts
        table.add(
            key,
            label,
            enrolled,
            active,
            trained,
            _rate(trained, enrolled),
            withdrawn,
            credentials,
            good_job,
            _rate(good_job, enrolled),
            drill={k: {"measure": k, **drill} for k in TRAINING_FIGURES},
        )

    def providers(self) -> Table:
        table = Table(
            "providers",
            _("Outcomes by training provider"),
            self._training_columns(Column("provider", _("Provider"), "text")),
            note=_("Someone trained by two providers counts for each."),
        )
        figures = {
            row.pop("cohort__program__provider"): row
            for row in self._grouped("cohort__program__provider", every_group=False)
        }
        for provider in Provider.objects.order_by("name"):
            self._add_training_row(
                table, provider.code, provider.name, figures.get(provider.pk, {}), {"provider": provider.code}
            )
        return table

    def programs(self) -> Table:
        table = Table(
            "programs",
            _("Outcomes by program"),
            self._training_columns(Column("program", _("Program"), "text")),
        )
        rows = sorted(
            self._grouped("cohort__program", "cohort__program__name", "cohort__program__provider__name"),
            key=lambda r: (
                r["cohort__program__provider__name"],
                r["cohort__program__name"],
                r["cohort__program"],
            ),
        )
        for row in rows:
            pk = row["cohort__program"]
            label = f"{row['cohort__program__provider__name']}: {row['cohort__program__name']}"
            self._add_training_row(table, str(pk), label, row, {"program": pk})
        return table

    def quarters(self) -> Table:
        """By the quarter the cohort started. The quarters come from the cohorts' start dates (one
        small query); each enrollment is then put in its quarter by a CASE over date ranges, plain
        comparisons that every database runs fast (no date function per row)."""
        table = Table(
            "quarters",
            _("Outcomes by the quarter the cohort started"),
            self._training_columns(Column("quarter", _("Cohorts starting in"), "text")),
        )
        starts = Cohort.objects.filter(
            pk__in=Enrollment.objects.filter(**self.scope).values("cohort")
        ).values_list("start_date", flat=True)
        quarters = sorted({Quarter.of(start) for start in starts})
        if not quarters:
            return table
        bucket = Case(
            *(When(cohort__start_date__range=(q.start, q.end), then=Value(str(q))) for q in quarters),
            output_field=CharField(),
        )
        figures = {
            row.pop("quarter"): row
            for row in self._grouped("quarter", annotate={"quarter": bucket}, every_group=False)
        }
        for quarter in quarters:
            label = Text(_("%(year)s Q%(number)s"), year=quarter.year, number=quarter.number)
            self._add_training_row(
                table, str(quarter), label, figures.get(str(quarter), {}), {"quarter": str(quarter)}
            )
        return table

    # --- Who is being left behind --------------------------------------------------------------

    def _equity_fields(self) -> list[str]:
        return [*DEMOGRAPHIC_FIELDS, "zip_code"]

    def _equity(self, field: str):
        def build() -> Table:
            breakdown = next(b for b in self.equity() if b["field"] == field)
            return self.equity_table(breakdown)

        return build

    def equity(self) -> list[dict]:
        if not hasattr(self, "_equity_cache"):
            self._equity_cache = equity_breakdowns(as_of=self.as_of, scope=self.scope or None)
        return self._equity_cache

    def equity_table(self, breakdown: dict) -> Table:
        field = breakdown["field"]
        table = Table(
            f"equity-{field}",
            Text(_("Outcomes by %(name)s"), name=breakdown["label"]),
            [
                Column("group", _("Group"), "text"),
                Column("enrolled", _("Enrolled"), none_text=SUPPRESSED),
                Column("trained", _("Trained"), none_text=SUPPRESSED),
                Column("completion_rate", _("Completion rate"), "percent", none_text=SUPPRESSED),
                Column("completion_gap", _("Gap (percentage points)"), "points", none_text=SUPPRESSED),
                Column("good_job", _("In a good job"), none_text=SUPPRESSED),
                Column("good_job_rate", _("Good-job rate"), "percent", none_text=SUPPRESSED),
                Column("good_job_gap", _("Gap (percentage points)"), "points", none_text=SUPPRESSED),
            ],
        )
        table.sheet = Text(_("By %(name)s"), name=breakdown["label"])
        for row in [*breakdown["rows"], breakdown["overall"]]:
            overall = row is breakdown["overall"]
            group = {} if overall else {"field": field, "value": row["key"]}
            drill = {
                "enrolled": {"measure": "enrolled", **group},
                "trained": {"measure": "trained", **group},
                "good_job": {"measure": "placed_good_jobs", "within": "enrolled", **group},
            }
            if group:
                drill["good_job"].pop("within")  # a group implies "enrolled"
            table.add(
                "overall" if overall else row["key"],
                row["label"],
                *(row[c.key] for c in table.columns[1:]),
                drill=drill,
                footer=overall,
            )
        return table

    # --- Money -------------------------------------------------------------------------------

    def _approved_supports(self):
        items = SupportItem.objects.filter(state=SupportItem.State.APPROVED, given_on__lte=self.as_of)
        if self.scope:
            items = items.filter(participant__in=measure("enrolled").source(self.as_of, self.scope).people())
        return items

    def wraparound(self) -> Table:
        table = Table(
            "wraparound",
            _("Wraparound support by type (approved only)"),
            [
                Column("type", _("Type"), "text"),
                Column("people", _("People")),
                Column("items", _("Items")),
                Column("amount", _("Amount"), "money"),
            ],
        )
        rows = {
            row["type"]: row
            for row in self._approved_supports()
            .order_by()
            .values("type")
            .annotate(people=Count("participant", distinct=True), items=Count("pk"), amount=Sum("amount"))
        }
        for value, label in SupportType.choices:
            row = rows.get(value, {})
            table.add(
                value,
                label,
                row.get("people", 0),
                row.get("items", 0),
                (row.get("amount") or Decimal(0)).quantize(CENT),
                drill={"people": {"measure": "supported", "support": value}},
            )
        total = self._approved_supports().aggregate(
            people=Count("participant", distinct=True), items=Count("pk"), amount=Sum("amount")
        )
        table.add(
            "total",
            _("All types"),
            total["people"],
            total["items"],
            (total["amount"] or Decimal(0)).quantize(CENT),
            drill={"people": {"measure": "supported"}},
            footer=True,
        )
        return table

    def cost(self) -> Table:
        spent = (self._approved_supports().aggregate(amount=Sum("amount"))["amount"] or Decimal(0)).quantize(
            CENT
        )
        counts = self.live_counts(["trained", "placed_good_jobs"])
        table = Table(
            "cost",
            _("Wraparound cost per outcome"),
            [
                Column("outcome", _("Outcome"), "text"),
                Column("people", _("People")),
                Column("spent", _("Wraparound spend (all)"), "money"),
                Column("per_person", _("Spend per person"), "money"),
            ],
            note=_("All approved wraparound support to date, divided by the people with each outcome."),
        )
        for key, label in (
            ("trained", _("Per person trained")),
            ("placed_good_jobs", _("Per good-job placement")),
        ):
            table.add(
                key,
                label,
                counts[key],
                spent,
                _per(spent, counts[key]),
                drill={"people": {"measure": key}},
            )
        return table

    def non_completion(self) -> Table:
        types = SupportType.choices
        table = Table(
            "non_completion",
            _("Why people did not complete, beside the support they received"),
            [
                Column("reason", _("Reason"), "text"),
                Column("people", _("People")),
                Column("supported", _("Received support")),
                Column("share", _("Share supported"), "percent"),
                *(Column(f"support_{value}", label) for value, label in types),
            ],
            note=_(
                "People who withdrew, by the reason recorded, and how many of them received each kind "
                "of approved support; those who completed are shown for comparison."
            ),
        )
        # People: the group's enrollments, one row per person (withdrawn for a reason, or
        # completed), LEFT JOINed to one row per supported person with a 0/1 flag per type: the
        # approved items (the measure's source) grouped by person, read once (``count_by``).
        # The same as ``supported.person`` in the group, since withdrawn and completed are
        # enrolled statuses.
        supported = measure("supported")
        source = supported.source(self.as_of)
        support_flags = (
            source.model.objects.filter(source.condition)
            .order_by()
            .values(k=F(source.participant))
            .annotate(
                **{
                    f"t_{value}": Max(
                        Case(
                            When(supported.source(self.as_of, type=value).condition, then=Value(1)),
                            default=Value(0),
                        )
                    )
                    for value, _label in types
                }
            )
        )
        flags = {
            "people": None,
            "supported": (None, [], "who", support_flags, None),
            **{f"support_{value}": (None, [], "who", support_flags, f"t_{value}") for value, _label in types},
        }

        # One row per (status, reason, person): withdrawn by reason, and completed (reason blank).
        withdrawn, completed = Enrollment.Status.WITHDRAWN, Enrollment.Status.COMPLETED
        people = (
            Enrollment.objects.filter(**self.scope, status__in=[withdrawn, completed])
            .filter(status__in=supported.statuses)
            .order_by()
            .values(
                g0=F("status"),
                g1=Case(When(status=withdrawn, then=F("withdrawal_reason")), default=Value("")),
                who=F("participant"),
            )
            .distinct()
        )
        by_reason, completed_row = {}, {}
        for row in count_by(people, ("g0", "g1"), flags):
            status, reason = row.pop("g0"), row.pop("g1")
            if status == completed:
                completed_row = row
            else:
                by_reason[reason] = row

        def add(key, label, row, filters, footer=False):
            people_measure = "withdrawn" if "reason" in filters else "trained"
            drill = {
                "people": {
                    "measure": people_measure,
                    **({"reason": filters["reason"]} if "reason" in filters else {}),
                },
                "supported": {"measure": "supported", **filters},
                **{f"support_{v}": {"measure": "supported", "support": v, **filters} for v, _l in types},
            }
            table.add(
                key,
                label,
                row.get("people", 0),
                row.get("supported", 0),
                _rate(row.get("supported", 0), row.get("people", 0)),
                *(row.get(f"support_{v}", 0) for v, _l in types),
                drill=drill,
                footer=footer,
            )

        for value, label in WithdrawalReason.choices:
            add(value, label, by_reason.get(value, {}), {"reason": value})
        add(
            "completed",
            _("Completed (for comparison)"),
            completed_row,
            {"status": Enrollment.Status.COMPLETED},
            footer=True,
        )
        return table

    # --- The coalition ------------------------------------------------------------------------

    def coalition(self) -> Table:
        counts = coalition_counts()
        table = Table(
            "coalition",
            _("The coalition"),
            [Column("item", _("Figure"), "text"), Column("count", _("Number"))],
            note=_("Meetings and gatherings held to date; pilot projects by status."),
        )
        table.add("members", _("Members of working groups"), counts["members"])
        table.add("partners", _("Active partner organizations"), counts["partners"])
        table.add("meetings_held", _("Working group meetings held"), counts["meetings_held"])
        table.add("gatherings", _("Community gatherings held"), counts["gatherings"])
        for status, label in PilotProject.Status.choices:
            table.add(
                f"pilots_{status}",
                Text(_("Pilot projects: %(status)s"), status=label),
                counts["pilots_by_status"].get(status, 0),
            )
        return table
