"""The demographic and ZIP tables cannot be differenced: every table is read as its CSV download
(grant staff's and a provider's), before and after one person joins or leaves, and

- no hidden count can be worked out from one release: in every column, no hidden cell is the
  only hidden one, and the hidden ones together count at least 5 people (the column's total is
  taken as known, even when the table hides it: another table may show it);
- a rate or gap is shown only when every count it uses is;
- every demographic table of a page has the same "everyone" row (the margin they share);
- when the person joins or leaves a small group, no cell moves but the margin (so the tables say
  only that the person is in one of at least two hidden groups of at least 5 people), and nothing
  hidden becomes shown; when they join a large group, that group's count moves by one, as in any
  exact table (see the README, "Who is being left behind").
"""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from outcomes.breakdowns import DEMOGRAPHIC_FIELDS, enrolled_people
from outcomes.measures import measure
from outcomes.suppression import SUPPRESS_BELOW
from programs.models import Enrollment
from tests import factories
from tests.placements.placement_factories import placement_judged

pytestmark = pytest.mark.django_db

HIDDEN = "hidden"
COUNTS = ("Enrolled", "Trained", "In a good job")
EVERYONE = "Everyone enrolled"
TABLES = [f"equity-{field}" for field in (*DEMOGRAPHIC_FIELDS, "zip_code")]
LARGE = {
    "ethnicity": "hispanic",
    # Two or more races: a group of 12, the race table's complement (the last shown group); one
    # more must not make another group the complement (see ``suppression``).
    "race": "multiple",
    "gender": "woman",
    "veteran": "no",
    "disability": "no",
    "zip_code": "33127",
}
LARGE_LABELS = {EVERYONE, "Hispanic or Latino", "Two or more races", "Woman", "No", "33127"}
SMALL = {
    "ethnicity": "prefer_not",
    "race": "asian",
    "gender": "non_binary",
    "veteran": "yes",
    "disability": "prefer_not",
    "zip_code": "33150",
}


def person(cohort, answers: dict, *, trained: bool = False, good_job: bool = False):
    record = factories.participant_record()
    for name, value in answers.items():
        setattr(record, name, value)
    record.save()
    factories.enrollment(participant=record, cohort=cohort, status="completed" if trained else "active")
    if good_job:
        placement_judged(participant=record)
    return record


@pytest.fixture
def cohorts(brainstation, fourgeeks):
    ours = factories.cohort(program=factories.program(provider=brainstation), seats=500)
    theirs = factories.cohort(program=factories.program(provider=fourgeeks, name="Full Stack"), seats=500)
    return ours, theirs


@pytest.fixture
def population(cohorts):
    """Large groups in every table, a few middling ones, and two people in the small groups."""
    ours, theirs = cohorts
    ethnicities = ["hispanic", "not_hispanic", "hispanic"]
    races = ["black", "white", "black", "multiple"]
    genders = ["woman", "man", "woman"]
    zips = ["33127", "33142", "33127", "33147"]
    for i in range(48):
        answers = {
            "ethnicity": ethnicities[i % 3],
            "race": races[i % 4],
            "gender": genders[i % 3],
            "veteran": "no",
            "disability": "yes" if i % 6 == 0 else "no",
            "zip_code": zips[i % 4],
        }
        person(ours if i % 4 else theirs, answers, trained=i % 3 != 0, good_job=i % 4 == 0)
    return [person(ours, SMALL, trained=True), person(ours, SMALL)]


def read_tables(client, url_name: str) -> dict[str, dict[str, dict[str, str]]]:
    """Every demographic and ZIP table as its CSV: {table: {row label: {column: text}}} (the second
    of two columns of one name, the good-job gap, gets " #2")."""
    tables = {}
    for key in TABLES:
        response = client.get(reverse(url_name, kwargs={"key": key, "fmt": "csv"}))
        assert response.status_code == 200
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        header = [name if rows[0].index(name) == i else f"{name} #2" for i, name in enumerate(rows[0])]
        tables[key] = {row[0]: dict(zip(header[1:], row[1:], strict=True)) for row in rows[1:]}
    return tables


def releases(client, grant_staff, provider_member) -> dict:
    """The tables as released: stored by a roll-up, then downloaded."""
    call_command("rollup_outcomes", stdout=None)
    client.force_login(grant_staff)
    grant = read_tables(client, "outcomes:dashboard_table")
    client.force_login(provider_member)
    provider = read_tables(client, "outcomes:provider_dashboard_table")
    return {"grant": grant, "provider": provider}


def true_totals(scope: str, brainstation) -> dict[str, int]:
    """Everyone's counts, known to an attacker even when a table hides them (the funnel shows them)."""
    where = {"cohort__program__provider": brainstation} if scope == "provider" else None
    today = timezone.localdate()
    keys = ("enrolled", "trained", "placed_good_jobs")
    counts = enrolled_people(today, where).aggregate(
        **{key: Count("pk", filter=measure(key).person(today, where)) for key in keys}
    )
    return {column: counts[key] for column, key in zip(COUNTS, keys, strict=True)}


def assert_cannot_be_worked_out(tables: dict, totals: dict[str, int], where: str) -> int:
    """Each column of each table: the hidden cells, if any, are two or more and count at least 5
    together (worked out as the known total minus the shown cells). Returns the hidden cells seen."""
    hidden_seen = 0
    margins = {key: table[EVERYONE] for key, table in tables.items()}
    assert len({tuple(m.items()) for m in margins.values()}) == 1, f"{where}: the margins differ"
    for key, table in tables.items():
        groups = {label: row for label, row in table.items() if label != EVERYONE}
        for column in COUNTS:
            hidden = [label for label, row in groups.items() if row[column] == HIDDEN]
            hidden_seen += len(hidden)
            if not hidden:
                continue
            assert len(hidden) >= 2, f"{where} {key} {column}: {hidden} alone is the total minus the rest"
            rest = totals[column] - sum(int(row[column]) for row in groups.values() if row[column] != HIDDEN)
            if totals[column] >= SUPPRESS_BELOW:
                assert rest >= SUPPRESS_BELOW, f"{where} {key} {column}: {hidden} hide only {rest} people"
        for label, row in table.items():
            for rate, counts in (
                ("Completion rate", ("Enrolled", "Trained")),
                ("Good-job rate", ("Enrolled", "In a good job")),
            ):
                if row[rate] != HIDDEN:
                    assert all(row[c] != HIDDEN for c in counts), f"{where} {key} {label}: {rate}"
            for gap_column, rate in (
                ("Gap (percentage points)", "Completion rate"),
                ("Gap (percentage points) #2", "Good-job rate"),
            ):
                if row[gap_column] != HIDDEN:
                    assert row[rate] != HIDDEN and table[EVERYONE][rate] != HIDDEN, f"{where} {key} {label}"
    return hidden_seen


def changes(before: dict, after: dict) -> list[tuple]:
    """(scope, table, row, column, before, after) for every cell whose text differs."""
    out = []
    for scope in before:
        for key, table in before[scope].items():
            rows_after = after[scope][key]
            assert set(table) == set(rows_after), f"{scope} {key}: the rows themselves changed"
            for label, row in table.items():
                for column, text in row.items():
                    if rows_after[label][column] != text:
                        out.append((scope, key, label, column, text, rows_after[label][column]))
    return out


GAPS = {"Gap (percentage points)": "Completion rate", "Gap (percentage points) #2": "Good-job rate"}


def assert_only_the_margin_moved(before: dict, after: dict) -> list[tuple]:
    """Only the "everyone" row changes, and the gaps that move with everyone's rate (the group's
    own rate unchanged): nothing tells which group the person is in."""
    moved = changes(before, after)
    for scope, key, label, column, old, new in moved:
        if label == EVERYONE:
            assert HIDDEN not in (old, new), f"{scope} {key}: everyone's {column} {old} -> {new}"
            continue
        assert column in GAPS, f"{scope} {key}: {label} {column} {old} -> {new} tells the group"
        rate = GAPS[column]
        assert before[scope][key][label][rate] == after[scope][key][label][rate] != HIDDEN
    return moved


def check(release: dict, brainstation) -> None:
    seen = 0
    for scope, tables in release.items():
        seen += assert_cannot_be_worked_out(tables, true_totals(scope, brainstation), scope)
    assert seen > 0  # the data set has hidden cells to protect


def test_one_release_gives_no_hidden_count_back(
    client, grant_staff, provider_member, brainstation, population
):
    check(releases(client, grant_staff, provider_member), brainstation)


def test_a_person_joining_a_small_group_moves_only_the_margin(
    client, grant_staff, provider_member, brainstation, population, cohorts
):
    before = releases(client, grant_staff, provider_member)
    person(cohorts[0], SMALL)  # trained: no, good job: no
    after = releases(client, grant_staff, provider_member)
    check(after, brainstation)
    assert assert_only_the_margin_moved(before, after)  # everyone enrolled is one more


def test_a_person_leaving_a_small_group_moves_only_the_margin(
    client, grant_staff, provider_member, brainstation, population
):
    before = releases(client, grant_staff, provider_member)
    Enrollment.objects.filter(participant=population[1]).delete()
    after = releases(client, grant_staff, provider_member)
    check(after, brainstation)
    assert assert_only_the_margin_moved(before, after)  # everyone enrolled is one fewer


def test_a_person_joining_a_large_group_moves_that_group_by_one_and_hides_nothing_new(
    client, grant_staff, provider_member, brainstation, population, cohorts
):
    before = releases(client, grant_staff, provider_member)
    person(cohorts[0], LARGE)
    after = releases(client, grant_staff, provider_member)
    check(after, brainstation)
    for scope, key, label, column, old, new in changes(before, after):
        # Exact tables: the large group and the margin count one more (inherent, see the module).
        assert HIDDEN not in (old, new), f"{scope} {key}: {label} {column} {old} -> {new}"
        if column in COUNTS:
            assert label in LARGE_LABELS, f"{scope} {key}: {label} {column} {old} -> {new}"
            assert int(new) - int(old) in (0, 1)
