"""The roll-up's counts against the hand-written SQL of the bench (``bench/reference.py``), and the
shape of the SQL the figures run: one aggregate per source table, no correlated subquery."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.reference import reference_counts
from mtw_portal.core.tables import Quarter
from outcomes.board import Board
from outcomes.drill import Drill, drill_people
from outcomes.measures import count_people
from outcomes.rollup import COUNTED, outcomes_compute
from placements.models import RetentionCheck
from programs import services as program_services
from programs.models import Credential, Provider
from reports.quarterly import funder_report_data
from tests import factories
from tests.placements.placement_factories import placement_judged

# A subquery that refers to the outer query's row: Django names the inner tables U0, U1...
CORRELATED = re.compile(r"\bEXISTS\b|U\d+\.\"\w+\"\s*=\s*\(?\"(?!U\d)", re.IGNORECASE)


@pytest.fixture
def traps(data_set, brainstation, fourgeeks, oic):
    """``data_set`` and more traps for the as_of handling: a credential awarded ten days ago and one
    tied to no enrollment; a 180-day check recorded "employed" on a placement that starts after
    today; a person with two good jobs, both retained; a withdrawn-only person with a placement."""
    today = timezone.localdate()
    fg = factories.cohort(program=factories.program(provider=fourgeeks, name="Data Analytics"))
    Hal, Ida, Jo = (factories.participant_record(organization=oic) for _ in range(3))
    completed = factories.enrollment(participant=Hal, cohort=fg, status="completed")
    program_services.credential_record(
        enrollment=completed,
        type="bootcamp_certificate",
        name="Data Certificate",
        issuer="4Geeks",
        awarded_on=today - timedelta(days=10),
    )
    Credential.objects.create(
        participant=Ida, type="bootcamp_certificate", name="Elsewhere", issuer="Other", awarded_on=today
    )
    factories.enrollment(participant=Ida, cohort=fg, status="withdrawn")
    later = placement_judged(participant=Ida, start_date=today + timedelta(days=5))
    RetentionCheck.objects.filter(placement=later, days=180).update(outcome="employed", evidence="document")
    factories.enrollment(participant=Jo, cohort=fg, status="active", partner_confirmed_at=None)
    for start in (today - timedelta(days=400), today - timedelta(days=300)):
        job = placement_judged(participant=Jo, start_date=start)
        RetentionCheck.objects.filter(placement=job, days=180).update(outcome="employed", evidence="document")
    return data_set


def as_of_dates() -> list[date]:
    today = timezone.localdate()
    return [
        today,
        today - timedelta(days=5),
        today - timedelta(days=350),
        date(2024, 2, 1),
        today + timedelta(days=30),
    ]


def test_the_roll_up_counts_equal_the_hand_written_sql_on_every_date(traps):
    for as_of in as_of_dates():
        counts = outcomes_compute(as_of)
        assert {key: counts[key] for key in COUNTED} == reference_counts(as_of), as_of


def test_the_traps_are_counted_as_their_definitions_say(traps):
    today = timezone.localdate()
    now = reference_counts(today)
    # J's two retained jobs count once; I's check on a job that has not started does not count.
    assert now["retained_180_days"] == 2  # A and Jo
    assert reference_counts(today + timedelta(days=30))["retained_180_days"] == 3  # and Ida
    # The credential awarded ten days ago (Hal) and the one tied to no enrollment (Ida) count today,
    # five days ago only H's (A's came yesterday), eleven days ago none.
    assert now["credentials_earned"] == 3  # A, Hal, Ida
    assert reference_counts(today - timedelta(days=5))["credentials_earned"] == 1  # Hal (A: yesterday)
    assert reference_counts(today - timedelta(days=11))["credentials_earned"] == 0


def test_each_roll_up_count_equals_the_length_of_its_list(traps):
    for as_of in as_of_dates():
        counts = outcomes_compute(as_of)
        for key in COUNTED:
            listed = drill_people(Drill(measure=key), as_of=as_of, tables=[]).count()
            assert listed == counts[key], (key, as_of)


def test_a_providers_counts_equal_its_lists_in_one_aggregate_per_table(traps, brainstation, fourgeeks):
    """With a scope (a provider's confirmed enrollments), counting and listing agree."""
    keys = (*COUNTED, "withdrawn", "supported")
    for provider in (brainstation, fourgeeks):
        scope = {"cohort__program__provider": provider, "partner_confirmed_at__isnull": False}
        for as_of in as_of_dates():
            counts = count_people(keys, as_of, scope)
            for key in keys:
                listed = drill_people(Drill(measure=key, scope=scope), as_of=as_of, tables=[]).count()
                assert listed == counts[key], (provider.code, key, as_of)


def _sql(run) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        run()
    return [query["sql"] for query in queries.captured_queries]


def test_the_roll_up_counts_ten_figures_in_four_aggregates_without_a_correlated_subquery(traps):
    today = timezone.localdate()
    statements = _sql(lambda: count_people(COUNTED, today))
    assert len(statements) == 4  # enrollments, credentials, placements, retention checks
    for sql in statements:
        assert not CORRELATED.search(sql), sql
    for sql in _sql(lambda: outcomes_compute(today)):
        assert not CORRELATED.search(sql), sql


def test_no_stored_table_runs_a_correlated_subquery(traps):
    """Every table of the grant's and each provider's dashboard, and the funder's draft."""
    today = timezone.localdate()
    boards = [Board(as_of=today), *(Board(as_of=today, provider=p) for p in Provider.objects.all())]
    statements = []
    for board in boards:
        statements += _sql(board.tables)
    statements += _sql(lambda: funder_report_data(Quarter.of(today), participants=False))
    assert statements
    for sql in statements:
        assert not CORRELATED.search(sql), sql


def test_the_correlation_guard_catches_an_exists():
    """The guard's own pattern: Django's EXISTS and a correlated ``IN``-less equality both match."""
    assert CORRELATED.search(
        'SELECT 1 WHERE EXISTS(SELECT 1 FROM "x" U0 WHERE U0."participant_id" = ("p"."id"))'
    )
    assert CORRELATED.search('WHERE U0."participant_id" = ("participants_participant"."id")')
    assert not CORRELATED.search(
        'WHERE "p"."id" IN (SELECT U0."participant_id" FROM "x" U0 WHERE U0."a" = 1)'
    )


def test_each_grouped_table_counts_its_people_in_one_query_without_a_subquery_per_row(traps, brainstation):
    """The tables grouped by provider, program, quarter, reason and demographic count people in two
    levels (a row per group and person, LEFT JOINed to the sets of people a measure needs), one
    query per table (the quarters' table first reads its quarters), and no ``COUNT(DISTINCT ...)``
    (a sort per count) nor a subquery inside a ``FILTER`` (re-read per row when it is big)."""
    today = timezone.localdate()
    counted = re.compile(r"COUNT\(DISTINCT|FILTER \(WHERE[^)]*IN \(SELECT", re.IGNORECASE)
    for board in (Board(as_of=today), Board(as_of=today, provider=brainstation)):
        tables = {"programs": 1, "quarters": 2, "non_completion": 1, "equity-ethnicity": 2}
        if not board.provider:
            tables["providers"] = 2  # the figures, then the providers' names
        for key, queries in tables.items():
            statements = _sql(lambda key=key, board=board: board.table(key))
            assert len(statements) == queries, (key, statements)
            for sql in statements:
                assert not counted.search(sql), (key, sql)
                assert not CORRELATED.search(sql), (key, sql)
