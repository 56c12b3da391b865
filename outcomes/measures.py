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
- ``count_grouped(enrollments, group_by, keys, as_of)``: per group of enrollments (provider,
  program, quarter), in one query of two levels: each enrollment row gets a 0/1 flag per measure
  (its status; a LEFT JOIN to the measure's set of people or credited enrollments, each built
  once), one row per (group, person) keeps the largest flag, and the groups add them up.
  ``count_by`` is the one-level form (rows already one per group and person: the equity
  breakdowns, the reasons for not completing), ``person_keys`` a measure's people as such a set.

The subqueries are uncorrelated (``IN (SELECT ...)`` in a ``WHERE``, or a derived table LEFT
JOINed), never ``EXISTS`` on the outer row and never inside a ``FILTER`` of a grouped count:
PostgreSQL runs them as hash (semi-)joins built once, SQLite materializes them once. A
correlated subquery would run once per row (tests/outcomes/test_rollup_reference.py guards this).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import connection
from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy as _

from employers.models import INTERNSHIP_KINDS, Kind
from participants.models import Participant, SupportItem
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

    def keys(self):
        """The same participants' ids, each once, in a column ``k`` (for a join)."""
        return self.model.objects.filter(self.condition).order_by().values(k=F(self.participant)).distinct()


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

    def grouped_parts(self, as_of: date, **options) -> tuple[tuple, str | None, object]:
        """The condition on an ``Enrollment`` row, in parts: ``(statuses, on, keys)``: the row's
        status is one of ``statuses`` and, when ``on`` is given, its ``on`` ("participant" or
        "pk") is among ``keys`` (a ``values(k=...).distinct()`` queryset)."""
        if self.credential:
            earned = Credential.objects.filter(awarded_on__lte=as_of, enrollment__isnull=False)
            return self.statuses, "pk", earned.order_by().values(k=F("enrollment")).distinct()
        if self.beyond is not None:
            return self.statuses, "participant", self.beyond(as_of, {**self.options, **options}).keys()
        return self.statuses, None, None

    def grouped(self, as_of: date, **options) -> Q:
        """The condition on an ``Enrollment`` row (``grouped_parts`` as a ``Q``)."""
        statuses, on, keys = self.grouped_parts(as_of, **options)
        condition = Q(status__in=statuses)
        if on is not None:
            condition &= Q(**{f"{on}__in": keys.values("k")})
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


def _flagged(base, flags: list[tuple]) -> tuple[str, list]:
    """SQL and params: the rows of ``base`` (a ``values()`` queryset) LEFT JOINed to the key sets
    the flags need, with one 0/1 column ``f<i>`` per flag.

    ``flags``: ``(expression on b or None, its params, column of b to join on or None, key set or
    None, flag column of the key set or None)``. A key set is a ``values(k=..., ...)`` queryset with
    each key once (``distinct()`` or grouped by ``k``); the flag holds where the row's column is
    among its keys (and, given a flag column, where that column is 1). Flags on the same key set
    share one join. PostgreSQL joins each set with a hash join (built once, in batches when it is
    big: never re-read per row), SQLite through an automatic index. All SQL is Django's own for
    each queryset, for the connection in use; nothing correlated."""
    qn = connection.ops.quote_name
    base_sql, base_params = base.query.sql_with_params()
    columns, column_params, joins, join_params, aliases = [], [], [], [], {}
    for i, (expression, params, on, keys, flag) in enumerate(flags):
        conditions = [expression] if expression else []
        if keys is not None:
            keys_sql, keys_params = keys.query.sql_with_params()
            alias = aliases.get((on, keys_sql, tuple(keys_params)))
            if alias is None:
                alias = aliases[on, keys_sql, tuple(keys_params)] = qn(f"j{len(aliases)}")
                joins.append(f" LEFT JOIN ({keys_sql}) {alias} ON {alias}.{qn('k')} = {qn('b')}.{qn(on)}")
                join_params += keys_params
            conditions.append(f"{alias}.{qn(flag)} = 1" if flag else f"{alias}.{qn('k')} IS NOT NULL")
        condition = " AND ".join(conditions) or "1 = 1"
        columns.append(f"CASE WHEN {condition} THEN 1 ELSE 0 END AS {qn(f'f{i}')}")
        column_params += params
    # Quoted names and Django's compiled SQL only; every value is a parameter.
    sql = f"SELECT {qn('b')}.*, {', '.join(columns)} FROM ({base_sql}) {qn('b')}{''.join(joins)}"  # noqa: S608
    return sql, [*column_params, *base_params, *join_params]


def count_by(base, group_by: tuple, flags: dict) -> list[dict]:
    """Per group of ``base``, a ``values()`` queryset with one row per person and group (the
    group's columns named ``group_by``, the person's id ``who``): the number of rows in which each
    flag of ``flags`` holds (``{name: (expression, params, on, keys, flag column)}``, as in
    ``_flagged``; ``None`` counts every row). One query: the rows, their joins, one sum per flag."""
    qn = connection.ops.quote_name
    names = list(flags)
    rows_sql, params = _flagged(
        base, [flags[name] if flags[name] is not None else (None, [], None, None, None) for name in names]
    )
    grouped = ", ".join(qn(g) for g in group_by)
    sums = ", ".join(f"SUM({qn(f'f{i}')})" for i in range(len(names)))
    sql = f"SELECT {grouped}{', ' if group_by else ''}{sums} FROM ({rows_sql}) {qn('r')}"  # noqa: S608
    if group_by:
        sql += f" GROUP BY {grouped}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    return [
        {
            **dict(zip(group_by, row[: len(group_by)], strict=True)),
            **{name: int(n or 0) for name, n in zip(names, row[len(group_by) :], strict=True)},
        }
        for row in fetched
    ]


def person_keys(key: str, as_of: date, scope: dict | None = None, *, among_enrolled: bool = False):
    """The people counted by the measure ``key`` (``Measure.person``), each once, in a column
    ``k``: its source's rows, or with a scope that the measure also needs, the participants.
    ``among_enrolled``: the keys are only matched against people enrolled in the scope, so a
    measure whose scope condition is that same enrollment needs only its source."""
    m = measure(key)
    enrolled = m.in_scope(scope)
    if enrolled is None or (among_enrolled and set(m.statuses) == set(Enrollment.ENROLLED_STATUSES)):
        return m.source(as_of, scope).keys()
    return Participant.objects.filter(m.person(as_of, scope)).order_by().values(k=F("pk"))


def _in(column: str, values) -> tuple[str, list]:
    qn = connection.ops.quote_name
    values = list(values)
    return f"{qn('b')}.{qn(column)} IN ({', '.join(['%s'] * len(values))})", values


def count_grouped(enrollments, group_by: tuple, keys, as_of: date) -> list[dict]:
    """Per group of ``enrollments`` (a queryset, already scoped and annotated): the people counted
    by each measure in ``keys``, as rows of ``group_by``'s values and the counts.

    Two levels, one query: each enrollment row gets a 0/1 flag per measure (``Measure.grouped``:
    its status, and for a measure beyond the enrollment a LEFT JOIN to the set of people or
    credited enrollments, built once), then one row per (group, participant) keeps the largest
    flag of each measure, and the groups add them up. No ``COUNT(DISTINCT)`` (which sorts each
    count's input on its own) and no subquery per row."""
    qn = connection.ops.quote_name
    groups = [f"g{i}" for i in range(len(group_by))]
    base = enrollments.order_by().values(
        **{alias: F(name) for alias, name in zip(groups, group_by, strict=True)},
        who=F("participant"),
        eid=F("pk"),
        st=F("status"),
    )
    flags = []
    for key in keys:
        statuses, on, rows = measure(key).grouped_parts(as_of)
        expression, params = _in("st", statuses)
        flags.append((expression, params, {"participant": "who", "pk": "eid"}.get(on), rows, None))
    rows_sql, params = _flagged(base, flags)
    per_person = ", ".join(f"MAX({qn(f'f{i}')}) AS {qn(f'f{i}')}" for i in range(len(flags)))
    grouped = ", ".join(qn(g) for g in groups)
    sums = ", ".join(f"SUM({qn(f'f{i}')})" for i in range(len(flags)))
    people = f"{grouped}, {qn('who')}"
    # Quoted names and Django's compiled SQL only; every value is a parameter.
    inner = f"SELECT {people}, {per_person} FROM ({rows_sql}) {qn('r')} GROUP BY {people}"  # noqa: S608
    sql = f"SELECT {grouped}, {sums} FROM ({inner}) {qn('p')} GROUP BY {grouped}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    return [
        {
            **dict(zip(group_by, row[: len(groups)], strict=True)),
            **{key: int(n or 0) for key, n in zip(keys, row[len(groups) :], strict=True)},
        }
        for row in fetched
    ]
