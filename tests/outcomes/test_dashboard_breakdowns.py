"""Who is being left behind: small-number suppression, the breakdowns' counts, rates and gaps."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from outcomes.breakdowns import equity_breakdown, equity_breakdowns, zip_breakdown
from tests import factories
from tests.placements.placement_factories import placement_judged


@pytest.fixture
def a_cohort(db):
    return factories.cohort(program=factories.program(provider=factories.provider("mdc")))


def _people(cohort, n, *, trained=0, good_jobs=0, status="active", **answers):
    """``n`` people enrolled in ``cohort`` with ``answers``: the first ``trained`` completed, the first
    ``good_jobs`` placed in a good job."""
    people = []
    for i in range(n):
        record = factories.participant_record()
        for field, value in answers.items():
            setattr(record, field, value)
        record.save()
        factories.enrollment(participant=record, cohort=cohort, status="completed" if i < trained else status)
        if i < good_jobs:
            placement_judged(participant=record)
        people.append(record)
    return people


def _by_key(breakdown):
    return {row["key"]: row for row in breakdown["rows"]}


def test_exact_counts_rates_and_gaps(a_cohort):
    _people(a_cohort, 10, trained=6, good_jobs=6, ethnicity="hispanic")
    _people(a_cohort, 8, trained=5, good_jobs=2, ethnicity="not_hispanic")
    _people(a_cohort, 5, trained=5, good_jobs=5, ethnicity="prefer_not")
    _people(a_cohort, 7, trained=5, good_jobs=7, ethnicity="")
    # Not counted: applied only, or not admitted.
    _people(a_cohort, 3, status="applied", ethnicity="hispanic")
    _people(a_cohort, 2, status="not_admitted", ethnicity="not_hispanic")

    breakdown = equity_breakdown("ethnicity")
    rows = _by_key(breakdown)
    assert [row["key"] for row in breakdown["rows"]] == ["hispanic", "not_hispanic", "prefer_not", ""]
    hispanic, not_hispanic = rows["hispanic"], rows["not_hispanic"]
    assert (hispanic["enrolled"], hispanic["trained"], hispanic["good_job"]) == (10, 6, 6)
    assert hispanic["completion_rate"] == 60.0
    assert hispanic["completion_gap"] == -10.0  # 60 - 21/30
    assert hispanic["good_job_rate"] == 60.0  # of those enrolled
    assert hispanic["good_job_gap"] == -6.7  # 60 - 20/30
    assert (not_hispanic["enrolled"], not_hispanic["trained"]) == (8, 5)
    assert not_hispanic["completion_rate"] == 62.5
    assert not_hispanic["completion_gap"] == -7.5
    assert not_hispanic["good_job"] is None  # 2: fewer than 5
    assert not_hispanic["good_job_rate"] is None
    assert not_hispanic["good_job_gap"] is None
    # Its complement, taken from the bottom up: "Not answered" (7), or 20 - 6 - 5 would give the 2 back.
    assert rows[""]["good_job"] is None
    assert rows[""]["good_job_rate"] is None
    assert rows[""]["good_job_gap"] is None
    assert rows[""]["completion_rate"] == 71.4
    assert rows["prefer_not"]["good_job"] == 5
    assert rows["prefer_not"]["good_job_gap"] == 33.3  # 100 - 20/30
    overall = breakdown["overall"]
    assert (overall["enrolled"], overall["trained"], overall["good_job"]) == (30, 21, 20)
    assert overall["completion_rate"] == 70.0
    assert overall["good_job_rate"] == 66.7
    assert overall["completion_gap"] == 0.0


def test_small_counts_hide_their_rates_and_a_complement(a_cohort):
    # 6 enrolled, 3 trained, 1 good job: the 3 and the 1 would be given back by their rates.
    _people(a_cohort, 6, trained=3, good_jobs=1, ethnicity="hispanic")
    _people(a_cohort, 4, trained=4, ethnicity="not_hispanic")
    _people(a_cohort, 7, trained=5, good_jobs=5, ethnicity="prefer_not")
    _people(a_cohort, 5, trained=5, good_jobs=5, ethnicity="")
    rows = _by_key(equity_breakdown("ethnicity"))
    assert rows["hispanic"]["enrolled"] == 6
    assert rows["hispanic"]["trained"] is None
    assert rows["hispanic"]["completion_rate"] is None
    assert rows["hispanic"]["good_job_rate"] is None
    # 4 enrolled: nothing shown, not even the 100% completion.
    assert rows["not_hispanic"]["enrolled"] is None
    assert rows["not_hispanic"]["completion_rate"] is None
    assert rows["not_hispanic"]["completion_gap"] is None
    # The 4 alone would be 22 - 6 - 7 - 5: the complement, "Not answered" (5), is hidden too.
    assert rows[""]["enrolled"] is None
    assert rows["prefer_not"]["enrolled"] == 7


def test_zeros_are_hidden_with_a_complement(a_cohort):
    _people(a_cohort, 9, ethnicity="hispanic")
    _people(a_cohort, 6, ethnicity="not_hispanic")
    rows = _by_key(equity_breakdown("ethnicity"))
    # "prefer not" and "not answered" have nobody: hidden, and 15 - 9 would tell that they have
    # nobody, so the next from the bottom, the 6, is hidden too.
    assert [rows[k]["enrolled"] for k in ("hispanic", "not_hispanic", "prefer_not", "")] == [
        9,
        None,
        None,
        None,
    ]


def test_blank_and_prefer_not_answers(a_cohort):
    _people(a_cohort, 5, race="black")
    _people(a_cohort, 5, race="")
    _people(a_cohort, 6, race="prefer_not")
    breakdown = equity_breakdown("race")
    rows = _by_key(breakdown)
    assert breakdown["overall"]["enrolled"] == 16
    assert rows["black"]["enrolled"] == 5
    assert rows[""]["label"] == "Not answered"
    assert rows[""]["enrolled"] is None  # the complement of the empty groups (the last row)
    assert rows["prefer_not"]["enrolled"] == 6
    assert str(rows["prefer_not"]["label"]) == "Prefer not to say"


def test_one_person_counts_once_whatever_their_enrollments(a_cohort):
    other = factories.cohort(program=factories.program(provider=factories.provider("fiu"), name="Data"))
    people = _people(a_cohort, 5, trained=5, gender="woman")
    for person in people:
        factories.enrollment(participant=person, cohort=other, status="completed")
        placement_judged(participant=person)
        placement_judged(participant=person, title="Second job")
    row = equity_breakdown("gender")["overall"]
    assert (row["enrolled"], row["trained"], row["good_job"]) == (5, 5, 5)


def test_zip_codes_top_ten_then_the_others_combined(a_cohort):
    # ZIP 33100 .. 33111: 33100 has 16 people, 33101 has 15, ... 33111 has 5.
    for i in range(12):
        _people(a_cohort, 16 - i, zip_code=f"331{i:02d}")
    _people(a_cohort, 2, zip_code="")
    breakdown = zip_breakdown()
    keys = [row["key"] for row in breakdown["rows"]]
    assert keys == [f"331{i:02d}" for i in range(10)] + ["other", ""]
    rows = _by_key(breakdown)
    assert rows["33100"]["enrolled"] == 16
    assert rows["33109"]["enrolled"] == 7
    assert str(rows["other"]["label"]) == "Other ZIP codes"
    assert rows[""]["enrolled"] is None  # 2
    assert rows["other"]["enrolled"] is None  # 6 + 5: the 2's complement, next from the bottom
    assert breakdown["overall"]["enrolled"] == sum(range(5, 17)) + 2


def test_fewer_than_ten_zip_codes_have_no_other_row(a_cohort):
    _people(a_cohort, 5, zip_code="33127")
    keys = [row["key"] for row in zip_breakdown()["rows"]]
    assert keys == ["33127", ""]


def test_a_zip_code_with_fewer_than_five_people_has_no_row_of_its_own(a_cohort):
    # Its name alone would say that someone enrolled lives there.
    _people(a_cohort, 9, zip_code="33127")
    _people(a_cohort, 6, zip_code="33142")
    _people(a_cohort, 4, zip_code="33150")
    _people(a_cohort, 1, zip_code="33161")
    _people(a_cohort, 5, zip_code="")
    breakdown = zip_breakdown()
    rows = _by_key(breakdown)
    assert list(rows) == ["33127", "33142", "other", ""]
    assert rows["other"]["enrolled"] == 5  # 4 + 1
    assert rows["33142"]["enrolled"] == 6


@pytest.mark.parametrize("people", [6, 30])
def test_query_count_does_not_grow_with_people(a_cohort, django_assert_max_num_queries, people):
    _people(a_cohort, people, trained=people // 2, good_jobs=2, ethnicity="hispanic", zip_code="33127")
    with django_assert_max_num_queries(6):  # one per breakdown
        breakdowns = equity_breakdowns()
    assert len(breakdowns) == 6


def test_the_dashboard_hides_small_counts_and_their_complements(client, grant_staff, a_cohort):
    _people(a_cohort, 3, ethnicity="hispanic")
    _people(a_cohort, 7, trained=6, ethnicity="not_hispanic")
    _people(a_cohort, 6, trained=5, ethnicity="prefer_not")
    _people(a_cohort, 8, trained=5, ethnicity="")
    call_command("rollup_outcomes", stdout=None)
    client.force_login(grant_staff)
    content = client.get(reverse("outcomes:dashboard")).content.decode()
    assert "Who is being left behind" in content
    assert 'data-table="equity-ethnicity"' in content
    assert 'data-table="equity-zip_code"' in content
    hispanic = content.split('data-group="hispanic"')[1].split("</tr>")[0]
    assert 'data-field="enrolled">hidden</td>' in hispanic
    assert "<a " not in hispanic.split("</th>")[1]  # a hidden count opens no list: its length would tell
    not_hispanic = content.split('data-group="not_hispanic"')[1].split("</tr>")[0]
    people = '<a href="/staff/dashboard/people/?measure=enrolled&amp;field=ethnicity'
    assert f'data-field="enrolled">{people}' in not_hispanic
    assert 'value=not_hispanic">7</a></td>' in not_hispanic
    assert 'data-field="completion_rate">85.7%</td>' in not_hispanic
    assert 'data-field="completion_gap">+19.0</td>' in not_hispanic  # 85.7 - 66.7
    # The 3's complement ("Not answered", the last row) is hidden and opens nothing either.
    ethnicity = content.split('data-table="equity-ethnicity"')[1]
    not_answered = ethnicity.split('data-group=""')[1].split("</tr>")[0]
    assert 'data-field="enrolled">hidden</td>' in not_answered
    assert "field=ethnicity&amp;value=&" not in not_answered


def test_the_demographics_read_together_give_each_field_read_alone(a_cohort):
    """The dashboard reads the five demographics in one grouped query; each must equal its own."""
    _people(a_cohort, 7, trained=5, good_jobs=2, ethnicity="hispanic", race="black", gender="woman")
    _people(a_cohort, 6, trained=6, good_jobs=5, ethnicity="hispanic", race="white", gender="man")
    _people(a_cohort, 5, trained=1, ethnicity="not_hispanic", race="black", gender="woman", veteran="yes")
    _people(a_cohort, 9, trained=4, good_jobs=4, disability="no")
    together = {b["field"]: b for b in equity_breakdowns()}
    for field in ("ethnicity", "race", "gender", "veteran", "disability"):
        assert together[field] == equity_breakdown(field), field
    assert together["ethnicity"]["overall"]["enrolled"] == 27


def test_a_hidden_count_opens_no_list_even_by_its_address(client, grant_staff, a_cohort):
    _people(a_cohort, 3, ethnicity="hispanic", zip_code="33150")
    _people(a_cohort, 7, trained=6, ethnicity="not_hispanic", zip_code="33127")
    _people(a_cohort, 6, trained=5, ethnicity="prefer_not", zip_code="33127")
    _people(a_cohort, 8, trained=5, ethnicity="", zip_code="33127")
    _people(a_cohort, 5, ethnicity="not_hispanic", zip_code="33142")  # the ZIP table's complement
    call_command("rollup_outcomes", stdout=None)
    client.force_login(grant_staff)

    def status(**params):
        return client.get(reverse("outcomes:people"), params).status_code

    assert status(measure="enrolled", field="ethnicity", value="not_hispanic") == 200
    assert status(measure="enrolled", field="ethnicity", value="hispanic") == 404  # 3
    assert status(measure="enrolled", field="ethnicity", value="") == 404  # its complement
    assert status(measure="enrolled", field="ethnicity", value="prefer_not") == 200
    assert status(measure="trained", field="ethnicity", value="hispanic") == 404  # 0
    # A figure no table shows, and a ZIP code without a row of its own.
    assert status(measure="credentials_earned", field="ethnicity", value="not_hispanic") == 404
    assert status(measure="enrolled", field="zip_code", value="33150") == 404
    assert status(measure="enrolled", field="zip_code", value="other") == 404
    assert status(measure="enrolled", field="zip_code", value="33142") == 404
    assert status(measure="enrolled", field="zip_code", value="33127") == 200
