"""The good-job standard: each test at its edge, versions by start date, explicit re-judging."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from placements import services as placement_services
from placements.models import GoodJobStandard, Placement
from placements.selectors import near_miss_q
from tests import factories
from tests.placements.placement_factories import DEFAULT_FROM, default_standard, placement_judged

INTERNSHIPS = ["sprint_internship", "micro_internship", "internship"]


@pytest.fixture(autouse=True)
def _standard(db):
    default_standard()


def new_version(effective_from: date, *, wage: str = "25.00", hours: int = 35, **fields) -> GoodJobStandard:
    return placement_services.good_job_standard_create(
        by=None,
        effective_from=effective_from,
        min_hourly_wage=Decimal(wage),
        min_hours_per_week=hours,
        health_benefits_required=fields.get("health", True),
        advancement_required=fields.get("advancement", True),
        source=fields.get("source", "BLS OEWS, Miami metro, May 2024."),
    )


# --- Each test at its edge ---------------------------------------------------------------


def test_the_default_standard_is_documented_with_its_source():
    standard = GoodJobStandard.objects.get(effective_from=DEFAULT_FROM)
    assert (standard.min_hourly_wage, standard.min_hours_per_week) == (Decimal("20.00"), 35)
    assert standard.health_benefits_required and standard.advancement_required
    assert standard.source.strip()


def test_a_wage_exactly_at_the_threshold_is_a_good_job():
    job = placement_judged(hourly_wage=Decimal("20.00"))
    assert (job.is_good_job, job.failed_tests) == (True, [])
    assert job.standard.effective_from == DEFAULT_FROM
    assert job.judged_at is not None


def test_a_wage_one_cent_below_the_threshold_fails_the_wage_test_only():
    job = placement_judged(hourly_wage=Decimal("19.99"))
    assert (job.is_good_job, job.failed_tests) == (False, ["wage"])
    assert job.failed_test_labels == ["Wage below the minimum"]


def test_hours_at_the_minimum_pass_and_half_an_hour_fewer_fail():
    assert placement_judged(hours_per_week=Decimal("35")).is_good_job
    assert placement_judged(hours_per_week=Decimal("34.5")).failed_tests == ["hours"]


def test_no_health_benefits_fails_the_health_test():
    assert placement_judged(benefit_health=False).failed_tests == ["health"]


def test_other_benefits_do_not_replace_health_benefits():
    job = placement_judged(benefit_health=False, benefit_dental_vision=True, benefit_retirement=True)
    assert job.failed_tests == ["health"]


@pytest.mark.parametrize("path", ["", "   ", "\n\t"])
def test_an_empty_or_blank_path_to_advance_fails_the_advancement_test(path):
    assert placement_judged(advancement_path=path).failed_tests == ["advancement"]


@pytest.mark.parametrize("kind", INTERNSHIPS)
def test_an_internship_is_never_a_good_job_even_when_it_meets_every_other_test(kind):
    job = placement_judged(kind=kind, hourly_wage=Decimal("40.00"), hours_per_week=Decimal("40"))
    assert (job.is_good_job, job.failed_tests) == (False, ["kind"])
    assert job.failed_test_labels == ["Not a job (internships cannot be good jobs)"]


@pytest.mark.parametrize("kind", ["full_time", "part_time", "apprenticeship"])
def test_full_time_part_time_and_apprenticeship_placements_can_be_good_jobs(kind):
    assert placement_judged(kind=kind).is_good_job


def test_every_failed_test_is_listed_together_so_near_misses_show():
    job = placement_judged(
        kind="internship",
        hourly_wage=Decimal("15.00"),
        hours_per_week=Decimal("20"),
        benefit_health=False,
        advancement_path="",
    )
    assert job.failed_tests == ["kind", "wage", "hours", "health", "advancement"]


def test_a_version_that_does_not_require_health_or_advancement_does_not_test_them():
    new_version(date(2023, 1, 1), wage="20.00", health=False, advancement=False)
    job = placement_judged(start_date=date(2023, 6, 1), benefit_health=False, advancement_path="")
    assert job.is_good_job


def test_a_placement_before_any_standard_is_judged_as_having_none():
    job = placement_judged(start_date=DEFAULT_FROM - timedelta(days=1))
    assert (job.is_good_job, job.standard, job.failed_tests) == (False, None, ["no_standard"])


# --- Versions: chosen by start date; a new one changes nothing until staff re-judge ------


def test_the_version_in_force_on_the_start_date_is_used():
    raised = new_version(date(2025, 1, 1), wage="25.00")
    before = placement_judged(start_date=date(2024, 12, 31), hourly_wage=Decimal("22.00"))
    on_the_day = placement_judged(start_date=date(2025, 1, 1), hourly_wage=Decimal("22.00"))
    assert (before.standard.effective_from, before.is_good_job) == (DEFAULT_FROM, True)
    assert (on_the_day.standard, on_the_day.failed_tests) == (raised, ["wage"])


def test_a_new_version_does_not_change_existing_judgements_until_staff_re_judge():
    job = placement_judged(start_date=date(2025, 6, 1), hourly_wage=Decimal("22.00"))
    judged_at = job.judged_at
    raised = new_version(date(2025, 1, 1), wage="25.00")
    job.refresh_from_db()
    assert (job.is_good_job, job.standard.effective_from, job.judged_at) == (True, DEFAULT_FROM, judged_at)

    assert placement_services.placements_rejudge() == {"changed": 1, "unchanged": 0}
    job.refresh_from_db()
    assert (job.is_good_job, job.standard, job.failed_tests) == (False, raised, ["wage"])


def test_re_judging_changes_exactly_the_affected_placements_and_counts_them():
    affected = placement_judged(start_date=date(2025, 6, 1), hourly_wage=Decimal("22.00"))
    new_standard_same_result = placement_judged(start_date=date(2025, 6, 1), hourly_wage=Decimal("30.00"))
    before_the_version = placement_judged(start_date=date(2024, 6, 1), hourly_wage=Decimal("22.00"))
    already_failing = placement_judged(start_date=date(2024, 6, 1), hourly_wage=Decimal("15.00"))
    raised = new_version(date(2025, 1, 1), wage="25.00")

    assert placement_services.placements_rejudge() == {"changed": 2, "unchanged": 2}
    for job in (affected, new_standard_same_result, before_the_version, already_failing):
        job.refresh_from_db()
    assert (affected.is_good_job, affected.failed_tests, affected.standard) == (False, ["wage"], raised)
    assert (new_standard_same_result.is_good_job, new_standard_same_result.standard) == (True, raised)
    assert before_the_version.is_good_job and before_the_version.standard.effective_from == DEFAULT_FROM
    assert already_failing.failed_tests == ["wage"]
    assert placement_services.placements_rejudge() == {"changed": 0, "unchanged": 4}


def test_a_version_needs_a_source_and_a_date_of_its_own():
    with pytest.raises(ValidationError) as error:
        new_version(date(2025, 1, 1), source="   ")
    assert "source" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        new_version(DEFAULT_FROM)
    assert error.value.message_dict["effective_from"] == ["A version already starts on this date."]


# --- The standard's page: grant staff only -----------------------------------------------


STANDARD_URL = reverse("placements:standard")
REJUDGE_URL = reverse("placements:standard_rejudge")


@pytest.mark.parametrize("role", ["participant", "navigator", "provider", "employer"])
def test_only_grant_staff_reach_the_standard_pages(client, user_of_role, role):
    client.force_login(user_of_role[role])
    assert client.get(STANDARD_URL).status_code == 403
    assert client.post(STANDARD_URL, {"source": "x"}).status_code == 403
    assert client.post(REJUDGE_URL).status_code == 403
    assert GoodJobStandard.objects.count() == 1


def test_staff_see_the_versions_newest_first_with_their_sources(client, grant_staff):
    new_version(date(2025, 1, 1), source="BLS OEWS, Miami metro, May 2024.")
    client.force_login(grant_staff)
    response = client.get(STANDARD_URL)
    assert response.status_code == 200
    versions = list(response.context["versions"])
    assert [v.effective_from for v in versions] == [date(2025, 1, 1), DEFAULT_FROM]
    assert "BLS OEWS, Miami metro, May 2024." in response.content.decode()


def test_staff_add_a_version_and_judgements_stay_until_they_re_judge(client, grant_staff):
    job = placement_judged(start_date=date(2025, 6, 1), hourly_wage=Decimal("22.00"))
    client.force_login(grant_staff)
    response = client.post(
        STANDARD_URL,
        {
            "effective_from": "2025-01-01",
            "min_hourly_wage": "25.00",
            "min_hours_per_week": "35",
            "health_benefits_required": "on",
            "advancement_required": "on",
            "source": "BLS OEWS, Miami metro, May 2024: median hourly wage.",
        },
        follow=True,
    )
    version = GoodJobStandard.objects.get(effective_from=date(2025, 1, 1))
    assert version.created_by == grant_staff
    assert "keep their judgement until you re-judge" in response.content.decode()
    job.refresh_from_db()
    assert job.is_good_job and job.standard.effective_from == DEFAULT_FROM

    response = client.post(REJUDGE_URL, follow=True)
    assert "1 changed, 0 unchanged" in response.content.decode()
    job.refresh_from_db()
    assert (job.is_good_job, job.standard) == (False, version)


def test_a_version_without_a_source_is_refused_on_the_form(client, grant_staff):
    client.force_login(grant_staff)
    response = client.post(
        STANDARD_URL,
        {
            "effective_from": "2025-01-01",
            "min_hourly_wage": "25.00",
            "min_hours_per_week": "35",
            "source": "",
        },
    )
    assert response.status_code == 200
    assert "source" in response.context["form"].errors
    assert GoodJobStandard.objects.count() == 1


def test_a_second_version_on_the_same_date_is_refused_on_the_form(client, grant_staff):
    client.force_login(grant_staff)
    response = client.post(
        STANDARD_URL,
        {
            "effective_from": "2022-01-01",
            "min_hourly_wage": "25.00",
            "min_hours_per_week": "35",
            "source": "x",
        },
    )
    assert response.context["form"].errors["effective_from"] == ["A version already starts on this date."]


def test_re_judging_is_a_post_only_action(client, grant_staff):
    client.force_login(grant_staff)
    assert client.get(REJUDGE_URL).status_code == 405


def test_the_standard_page_lists_near_misses_only(client, grant_staff):
    near = placement_judged(title="Almost There", hourly_wage=Decimal("19.99"))
    placement_judged(title="Far Off", hourly_wage=Decimal("12.00"), benefit_health=False)
    placement_judged(title="Made It")
    client.force_login(grant_staff)
    response = client.get(STANDARD_URL)
    assert [p.pk for p in response.context["near_misses"]] == [near.pk]
    assert response.context["near_miss_count"] == 1
    page = response.content.decode()
    assert "Almost There" in page and "Far Off" not in page and "Made It" not in page


def test_near_misses_are_found_on_every_kind_of_single_failure():
    employer = factories.EmployerFactory()
    singles = {
        "kind": placement_judged(employer=employer, kind="internship"),
        "wage": placement_judged(employer=employer, hourly_wage=Decimal("19.99")),
        "hours": placement_judged(employer=employer, hours_per_week=Decimal("30")),
        "health": placement_judged(employer=employer, benefit_health=False),
        "advancement": placement_judged(employer=employer, advancement_path=""),
    }
    placement_judged(employer=employer, hourly_wage=Decimal("10.00"), benefit_health=False)  # two failures
    placement_judged(employer=employer)  # none
    placement_judged(employer=employer, start_date=date(2021, 1, 1))  # no standard: not a near miss
    found = set(Placement.objects.filter(near_miss_q()).values_list("pk", flat=True))
    assert found == {p.pk for p in singles.values()}
