"""The outcome measures, defined once: who counts as enrolled, trained, placed in a good job...

Every figure on the dashboard, and the list of participants behind it, comes from these
definitions, so a number and its list always agree. A measure is first of all a ``Source``: the
rows of ONE table that make a person count (enrollments in some statuses, placements of a kind
started by ``as_of``, credentials awarded by then...), and the lookup from such a row to its
participant. Everything else is built from it:

- ``person(as_of, scope)``: a condition on ``Participant`` (for listing people, and counting them
  by a field of theirs): ``pk IN (SELECT participant_id FROM <source>)``. ``scope`` limits which
  enrollments count: a dict of ``Enrollment`` lookups, such as
  ``{"cohort__program__provider__code": "BS"}``. With a scope, every measure is of people with an
  enrollment in that scope (placed in a good job = enrolled there and placed in a good job).
  Without one, the training measures need an enrollment anywhere and the others do not (the
  roll-up counts every placement, however the person came to it).
- ``grouped(as_of)``: the same condition on an *enrollment* row, for counting
  ``Count("participant", distinct=True)`` over enrollments grouped by one of their fields
  (provider, program, cohort quarter, withdrawal reason): each group is the scope.
- ``count_people(keys, as_of, scope)``: the people counted by several measures, with one
  aggregate per source table (``COUNT(DISTINCT participant) FILTER (...)`` over its rows).

The subqueries are uncorrelated (``IN (SELECT ...)``), never ``EXISTS`` on the outer row:
PostgreSQL turns them into a semi-join (in ``WHERE``) or a hashed subplan built once (in a
``FILTER``), SQLite materializes them once. A correlated subquery would run once per row
(tests/outcomes/test_rollup_reference.py guards this).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from employers.models import INTERNSHIP_KINDS, Kind
from participants.models import SupportItem
from placements.models import Placement, RetentionCheck
from programs.models import Credential, Enrollment

RETENTION_DAYS = 180
Status = Enrollment.Status


@dataclass(frozen=True)
class Source:
    """The rows of ``model`` matching ``condition`` make their person count; ``participant`` is the
    lookup from such a row to the participant."""

    model: type
    condition: Q
    participant: str = "participant"

    def people(self):
        """The participants' ids, as a subquery (``values``)."""
        return self.model.objects.filter(self.condition).order_by().values(self.participant)


def _prefixed(prefix: str, lookups: dict) -> dict:
    return {f"{prefix}{name}": value for name, value in lookups.items()}


@dataclass(frozen=True)
class Measure:
    key: str
    label: object
    # Enrollment statuses that make someone count (for the training measures), or that make them
    # "enrolled" in the scope (for the others).
    statuses: tuple = tuple(Enrollment.ENROLLED_STATUSES)
    # A participant-level condition beyond the enrollment (placements, supports...), as a
    # function of (as_of, options) -> Source.
    beyond: object = None
    # Credentials are tied to the enrollment that earned them.
    credential: bool = False
    options: dict = field(default_factory=dict)

    @property
    def training(self) -> bool:
        return self.beyond is None and not self.credential

    def source(self, as_of: date, scope: dict | None = None, **options) -> Source:
        """The rows that make someone count. For a measure beyond the enrollment, the scope's
        enrollment is a second condition (``in_scope``), not part of the source."""
        scope = scope or {}
        if self.credential:
            if not scope:
                # Any credential, even one not tied to an enrollment here.
                return Source(Credential, Q(awarded_on__lte=as_of))
            return Source(
                Credential,
                Q(
                    awarded_on__lte=as_of,
                    enrollment__status__in=self.statuses,
                    **_prefixed("enrollment__", scope),
                ),
                participant="enrollment__participant",
            )
        if self.beyond is None:
            return Source(Enrollment, Q(status__in=self.statuses, **scope))
        return self.beyond(as_of, {**self.options, **options})

    def in_scope(self, scope: dict | None) -> Source | None:
        """For a measure beyond the enrollment with a scope: the enrollments it also needs."""
        if self.beyond is None or not scope:
            return None
        return Source(Enrollment, Q(status__in=self.statuses, **scope))

    def person(self, as_of: date, scope: dict | None = None, **options) -> Q:
        """The condition on ``Participant`` (see the module's docstring)."""
        condition = Q(pk__in=self.source(as_of, scope, **options).people())
        enrolled = self.in_scope(scope)
        if enrolled is not None:
            condition &= Q(pk__in=enrolled.people())
        return condition

    def grouped(self, as_of: date, **options) -> Q:
        """The condition on an ``Enrollment`` row, for ``Count("participant", distinct=True)``."""
        condition = Q(status__in=self.statuses)
        if self.credential:
            earned = Credential.objects.filter(awarded_on__lte=as_of, enrollment__isnull=False)
            condition &= Q(pk__in=earned.order_by().values("enrollment"))
        if self.beyond is not None:
            condition &= Q(participant__in=self.beyond(as_of, {**self.options, **options}).people())
        return condition


def _placements(as_of, options) -> Source:
    return Source(Placement, Q(start_date__lte=as_of, **options))


def _retained(as_of, options) -> Source:
    return Source(
        RetentionCheck,
        Q(
            placement__start_date__lte=as_of,
            days=RETENTION_DAYS,
            outcome=RetentionCheck.Outcome.EMPLOYED,
        ),
        participant="placement__participant",
    )


def _supported(as_of, options) -> Source:
    condition = Q(state=SupportItem.State.APPROVED, given_on__lte=as_of)
    if options.get("type"):
        condition &= Q(type=options["type"])
    return Source(SupportItem, condition)


def _measure(key, label, **kwargs) -> Measure:
    return Measure(key=key, label=label, **kwargs)


MEASURES: dict[str, Measure] = {
    m.key: m
    for m in [
        _measure("enrolled", _("Enrolled")),
        _measure("active", _("In training now"), statuses=(Status.ENROLLED, Status.ACTIVE)),
        _measure("trained", _("Trained (completed training)"), statuses=(Status.COMPLETED,)),
        _measure("withdrawn", _("Withdrawn"), statuses=(Status.WITHDRAWN,)),
        _measure("credentials_earned", _("Earned a credential"), credential=True),
        _measure(
            "internships", _("Internship"), beyond=_placements, options={"kind__in": tuple(INTERNSHIP_KINDS)}
        ),
        _measure(
            "apprenticeships", _("Apprenticeship"), beyond=_placements, options={"kind": Kind.APPRENTICESHIP}
        ),
        _measure(
            "employed_full_time",
            _("Employed full time"),
            beyond=_placements,
            options={"kind": Kind.FULL_TIME},
        ),
        _measure(
            "employed_part_time",
            _("Employed part time"),
            beyond=_placements,
            options={"kind": Kind.PART_TIME},
        ),
        _measure(
            "placed_good_jobs", _("Placed in a good job"), beyond=_placements, options={"is_good_job": True}
        ),
        _measure("retained_180_days", _("Retained 180 days"), beyond=_retained),
        _measure("supported", _("Received wraparound support"), beyond=_supported),
    ]
}


def measure(key: str) -> Measure:
    return MEASURES[key]


def count_people(keys, as_of: date, scope: dict | None = None) -> dict[str, int]:
    """The people counted by each measure in ``keys`` (within ``scope``): one aggregate per source
    table, ``COUNT(DISTINCT participant) FILTER (<the measure's condition>)`` over the rows that
    match any of them. With a scope, the measures beyond the enrollment also need an enrollment in
    it: a semi-join in the query's ``WHERE``, the same for all of them."""
    passes: dict[tuple, list[tuple[str, Q]]] = {}
    for key in keys:
        m = measure(key)
        source = m.source(as_of, scope)
        enrolled = m.in_scope(scope)
        needs = (enrolled.model, enrolled.condition) if enrolled is not None else None
        passes.setdefault((source.model, source.participant, needs), []).append((key, source.condition))
    out: dict[str, int] = {}
    for (model, participant, needs), items in passes.items():
        anything = Q()
        for _key, condition in items:
            anything |= condition
        rows = model.objects.order_by().filter(anything)
        if needs is not None:
            enrolled_model, enrolled_condition = needs
            people = enrolled_model.objects.filter(enrolled_condition).order_by().values("participant")
            rows = rows.filter(**{f"{participant}__in": people})
        out.update(
            rows.aggregate(
                **{key: Count(participant, distinct=True, filter=condition) for key, condition in items}
            )
        )
    return {key: out[key] for key in keys}


def count_grouped(enrollments, group_by: tuple, keys, as_of: date) -> list[dict]:
    """Per group of ``enrollments`` (a queryset, already scoped and annotated): the people counted
    by each measure in ``keys``, as rows of ``group_by``'s values and the counts. The training
    measures share one aggregate (``FILTER`` on the status); a measure with a subquery (credential,
    placements...) gets its own, the subquery in ``WHERE``: PostgreSQL runs it as a hash semi-join
    whatever its size, where inside a ``FILTER`` a subquery too big for ``work_mem`` would be
    re-read for every row."""
    rows: dict[tuple, dict] = {}

    def merge(queryset) -> None:
        for row in queryset:
            group = tuple(row[name] for name in group_by)
            rows.setdefault(group, {**dict(zip(group_by, group, strict=True)), **dict.fromkeys(keys, 0)})
            rows[group].update({k: v for k, v in row.items() if k not in group_by})

    base = enrollments.order_by().values(*group_by)
    plain = [key for key in keys if measure(key).training]
    if plain:
        merge(
            base.annotate(
                **{
                    key: Count("participant", distinct=True, filter=measure(key).grouped(as_of))
                    for key in plain
                }
            )
        )
    for key in keys:
        if key not in plain:
            merge(
                enrollments.filter(measure(key).grouped(as_of))
                .order_by()
                .values(*group_by)
                .annotate(**{key: Count("participant", distinct=True)})
            )
    return list(rows.values())
