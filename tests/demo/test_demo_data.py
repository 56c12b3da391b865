"""The demo tells the truth: its dates spread over the past year, so last quarter's funder report
agrees with the rosters, and its six-month table is filled."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pytest
from django.utils import timezone

from demo import seed as demo
from employers.models import Opportunity
from mtw_portal.core.tables import Quarter
from placements.models import Placement
from programs.models import Enrollment
from reports.quarterly import funder_report_data

ENROLLED = set(Enrollment.ENROLLED_STATUSES)


@pytest.fixture
def seeded(db):
    demo.seed(password="demo-test-pass")


def _table(data: dict, key: str) -> dict[str, dict]:
    """A report table's rows (and the "All programs" footer as "total") as {row key: {column: value}}."""
    table = next(t for t in data["tables"] if t["key"] == key)
    columns = [c["key"] for c in table["columns"]]
    rows = [*table["rows"], *table["footer"]]
    return {row["key"]: dict(zip(columns, row["values"], strict=True)) for row in rows}


def _local_day(moment) -> date:
    return timezone.localtime(moment).date()


def _from_the_rosters(quarter: Quarter) -> dict[str, dict[str, int]]:
    """Last quarter's training figures per program, counted from the enrollment rows as a roster
    shows them: when the person applied and was admitted, the cohort's start, the end date."""
    start, end = quarter.start, quarter.end
    people = defaultdict(lambda: defaultdict(set))
    completed = defaultdict(int)
    for e in Enrollment.objects.select_related("cohort"):
        program = str(e.cohort.program_id)
        recruited_on = min(filter(None, [_local_day(e.applied_at), e.enrolled_on]))
        if start <= recruited_on <= end:
            people[program]["recruited"].add(e.participant_id)
        if e.status in ENROLLED and e.enrolled_on and start <= e.enrolled_on <= end:
            people[program]["admitted"].add(e.participant_id)
        if e.status in ENROLLED and start <= e.cohort.start_date <= end:
            people[program]["enrolled"].add(e.participant_id)
        if e.status == Enrollment.Status.COMPLETED and start <= e.end_date <= end:
            completed[program] += 1
    return {
        program: {
            "recruited": len(people[program]["recruited"]),
            "admitted": len(people[program]["admitted"]),
            "enrolled": len(people[program]["enrolled"]),
            "completed": completed[program],
        }
        for program in set(people) | set(completed)
    }


def test_last_quarters_funder_report_agrees_with_the_demo_rosters(seeded):
    last = Quarter.of(timezone.localdate()).previous()
    data = funder_report_data(last)
    training = _table(data, "training")
    expected = _from_the_rosters(last)
    shown = {
        key: {column: row[column] for column in ("recruited", "admitted", "enrolled", "completed")}
        for key, row in training.items()
        if key != "total"
    }
    nonzero = {key: figures for key, figures in expected.items() if any(figures.values())}
    assert shown == nonzero
    total = training["total"]
    assert total["recruited"] and total["enrolled"] and total["completed"], total


def test_last_quarters_placements_agree_with_the_placement_rows(seeded):
    last = Quarter.of(timezone.localdate()).previous()
    placements = _table(funder_report_data(last), "placements")
    expected = defaultdict(lambda: defaultdict(int))
    rows = Placement.objects.filter(start_date__range=(last.start, last.end))
    for placement in rows:
        programs = {
            str(e.cohort.program_id)
            for e in placement.participant.enrollments.select_related("cohort")
            if e.status in ENROLLED
        }
        for program in programs:
            expected[program][placement.kind] += 1
        if programs:
            expected["total"][placement.kind] += 1
    for key, kinds in expected.items():
        assert {kind: placements[key][kind] for kind in kinds} == dict(kinds), key
    assert sum(expected["total"].values()) > 0, "the demo has hires last quarter"


def test_the_six_month_table_of_last_quarter_is_filled(seeded):
    last = Quarter.of(timezone.localdate()).previous()
    follow_up = _table(funder_report_data(last), "follow_up")["total"]
    assert follow_up["due"] > 0
    assert follow_up["not_recorded"] < follow_up["due"], "some six-month statuses are known"


def test_every_quarter_of_the_past_year_has_training_in_its_report(seeded):
    quarter = Quarter.of(timezone.localdate())
    for _ in range(4):
        quarter = quarter.previous()
        total = _table(funder_report_data(quarter), "training")["total"]
        assert total["recruited"] and total["enrolled"], (str(quarter), total)


def test_no_demo_step_is_dated_before_the_one_it_follows(seeded):
    today = timezone.localdate()
    for e in Enrollment.objects.select_related("cohort"):
        if e.enrolled_on and e.origin != Enrollment.Origin.IMPORT:
            assert _local_day(e.applied_at) <= e.enrolled_on <= min(e.cohort.start_date, today)
        if e.end_date:
            assert e.cohort.start_date <= e.end_date <= today
        if e.status == Enrollment.Status.COMPLETED:
            for placement in e.participant.placements.all():
                assert e.end_date <= placement.start_date, "hired after completing"


def test_the_demo_has_the_draft_and_the_open_opportunity_without_a_deadline_the_readme_promises(seeded):
    draft = Opportunity.objects.get(state=Opportunity.State.DRAFT)
    assert draft.employer.name == "UKG" and draft.created_by.email == "employer@demo.test"
    assert Opportunity.objects.filter(state=Opportunity.State.OPEN, deadline=None).exists()
    assert Opportunity.objects.filter(state=Opportunity.State.CLOSED).count() == 1
