"""Placements: the list, recording and correcting one, its page, and who sees what."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from employers.models import Employer
from placements.models import Placement, RetentionCheck
from tests import factories
from tests.placements.placement_factories import default_standard, person, placement_judged

LIST_URL = reverse("placements:placements")
NEW_URL = reverse("placements:placement_new")


@pytest.fixture(autouse=True)
def _standard(db):
    default_standard()


@pytest.fixture
def worker(participant, oic):
    """The ``participant`` fixture's record, with OIC (the ``navigator``'s organization)."""
    return factories.participant_record(participant, organization=oic)


@pytest.fixture
def job(worker, employer):
    return placement_judged(participant=worker, employer=employer, title="Junior Developer")


@pytest.fixture
def other_job(united_way, other_employer):
    return placement_judged(
        participant=person(united_way), employer=other_employer, title="Help Desk Analyst"
    )


def form_data(**overrides) -> dict:
    data = {
        "new_employer": "Brightline Trains",
        "kind": "full_time",
        "title": "Network Technician",
        "start_date": "2025-03-03",
        "end_date": "",
        "hourly_wage": "24.50",
        "hours_per_week": "40",
        "benefit_health": "on",
        "benefit_retirement": "on",
        "advancement_path": "Technician I to II after a year.",
        "in_field_of_training": "on",
    }
    return {k: v for k, v in {**data, **overrides}.items() if v is not None}


def detail_url(placement_: Placement) -> str:
    return reverse("placements:placement_detail", args=[placement_.pk])


def edit_url(placement_: Placement) -> str:
    return reverse("placements:placement_edit", args=[placement_.pk])


# --- The list -----------------------------------------------------------------------------


def test_a_navigator_sees_their_organizations_placements_only(client, navigator, job, other_job):
    client.force_login(navigator)
    response = client.get(LIST_URL)
    assert [p.pk for p in response.context["page"]] == [job.pk]
    assert "Help Desk Analyst" not in response.content.decode()


def test_grant_staff_see_every_placement(client, grant_staff, job, other_job):
    client.force_login(grant_staff)
    assert {p.pk for p in client.get(LIST_URL).context["page"]} == {job.pk, other_job.pk}


@pytest.mark.parametrize("role", ["participant", "provider", "employer"])
def test_other_roles_cannot_open_the_list_or_record(client, user_of_role, role):
    client.force_login(user_of_role[role])
    assert client.get(LIST_URL).status_code == 403
    assert client.get(NEW_URL).status_code == 403


def test_the_list_filters_good_jobs_near_misses_kind_and_employer(
    client, grant_staff, employer, other_employer
):
    good = placement_judged(employer=employer)
    near = placement_judged(employer=employer, hourly_wage=Decimal("19.99"))
    far = placement_judged(employer=other_employer, hourly_wage=Decimal("10.00"), benefit_health=False)
    intern = placement_judged(employer=other_employer, kind="internship")
    client.force_login(grant_staff)

    def found(**params) -> set[int]:
        return {p.pk for p in client.get(LIST_URL, params).context["page"]}

    assert found() == {good.pk, near.pk, far.pk, intern.pk}
    assert found(good="yes") == {good.pk}
    assert found(good="no") == {near.pk, far.pk, intern.pk}
    assert found(near_miss="on") == {near.pk, intern.pk}
    assert found(kind="internship") == {intern.pk}
    assert found(employer=other_employer.pk) == {far.pk, intern.pk}
    assert found(good="no", employer=employer.pk) == {near.pk}


def test_the_list_is_paginated_by_25(client, grant_staff, employer):
    worker_ = person()
    for i in range(27):
        placement_judged(
            participant=worker_, employer=employer, start_date=date(2024, 1, 1) + timedelta(days=i)
        )
    client.force_login(grant_staff)
    assert len(client.get(LIST_URL).context["page"].object_list) == 25
    assert len(client.get(LIST_URL, {"page": 2}).context["page"].object_list) == 2


@pytest.mark.parametrize("role", ["navigator", "staff"])
def test_the_list_takes_the_same_queries_however_many_placements(client, user_of_role, oic, role):
    client.force_login(user_of_role[role])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST_URL).status_code == 200
        return len(captured)

    for _ in range(2):
        placement_judged(participant=person(oic))
    few = queries()
    for _ in range(20):
        placement_judged(participant=person(oic))
    assert queries() == few


# --- Recording and correcting --------------------------------------------------------------


def test_a_navigator_records_a_placement_from_the_participants_page(client, navigator, worker):
    client.force_login(navigator)
    url = f"{NEW_URL}?participant={worker.pk}"
    assert client.get(url).status_code == 200
    response = client.post(url, form_data())
    job = Placement.objects.get()
    assert response.status_code == 302 and response["Location"] == detail_url(job)
    assert (job.participant, job.source, job.recorded_by) == (worker, "navigator", navigator)
    assert job.employer.name == "Brightline Trains"
    assert (job.hourly_wage, job.hours_per_week) == (Decimal("24.50"), Decimal("40"))
    assert job.benefit_health and job.benefit_retirement and job.in_field_of_training
    assert job.is_good_job and job.standard is not None
    assert list(job.retention_checks.values_list("days", flat=True)) == [90, 180]


def test_a_typed_employer_name_reuses_an_existing_employer_in_any_case(client, navigator, worker, employer):
    client.force_login(navigator)
    client.post(f"{NEW_URL}?participant={worker.pk}", form_data(new_employer=f"  {employer.name.upper()} "))
    assert Placement.objects.get().employer == employer
    assert Employer.objects.count() == 1


def test_an_employer_is_chosen_from_the_list_or_typed_not_both_nor_neither(
    client, navigator, worker, employer
):
    client.force_login(navigator)
    url = f"{NEW_URL}?participant={worker.pk}"
    both = client.post(url, form_data(employer=employer.pk))
    assert "new_employer" in both.context["form"].errors
    neither = client.post(url, form_data(new_employer=""))
    assert "employer" in neither.context["form"].errors
    chosen = client.post(url, form_data(employer=employer.pk, new_employer=""))
    assert chosen.status_code == 302
    assert Placement.objects.get().employer == employer


def test_a_navigator_chooses_the_participant_by_email_within_their_organization(
    client, navigator, worker, united_way
):
    outsider = person(united_way, email="someone.else@example.org")
    client.force_login(navigator)
    refused = client.post(NEW_URL, form_data(participant_email=outsider.user.email))
    assert "participant_email" in refused.context["form"].errors
    assert client.post(NEW_URL, form_data(participant_email=worker.user.email.upper())).status_code == 302
    assert Placement.objects.get().participant == worker


def test_a_navigator_cannot_record_for_another_organizations_participant(client, navigator, united_way):
    outsider = person(united_way)
    client.force_login(navigator)
    assert client.get(f"{NEW_URL}?participant={outsider.pk}").status_code == 404
    assert client.post(f"{NEW_URL}?participant={outsider.pk}", form_data()).status_code == 404
    assert client.get(f"{NEW_URL}?participant=abc").status_code == 404
    assert not Placement.objects.exists()


def test_grant_staff_record_for_anyone(client, grant_staff, united_way):
    someone = person(united_way)
    client.force_login(grant_staff)
    assert client.post(f"{NEW_URL}?participant={someone.pk}", form_data()).status_code == 302
    assert Placement.objects.get().recorded_by == grant_staff


def test_the_same_placement_twice_is_refused(client, navigator, worker):
    client.force_login(navigator)
    url = f"{NEW_URL}?participant={worker.pk}"
    client.post(url, form_data())
    again = client.post(url, form_data(new_employer="brightline trains"))
    assert "start_date" in again.context["form"].errors
    assert Placement.objects.count() == 1


def test_a_start_date_more_than_a_year_away_is_refused(client, navigator, worker):
    client.force_login(navigator)
    later = (timezone.localdate() + timedelta(days=400)).isoformat()
    response = client.post(f"{NEW_URL}?participant={worker.pk}", form_data(start_date=later))
    assert response.context["form"].errors["start_date"] == ["The start date is more than a year away."]


def test_a_navigator_corrects_a_placement_which_is_judged_again_and_keeps_its_source(client, navigator, job):
    Placement.objects.filter(pk=job.pk).update(source="hire")
    client.force_login(navigator)
    assert client.get(edit_url(job)).status_code == 200
    response = client.post(
        edit_url(job), form_data(employer=job.employer_id, new_employer="", hourly_wage="19.00")
    )
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.hourly_wage, job.is_good_job, job.failed_tests) == (Decimal("19.00"), False, ["wage"])
    assert job.source == "hire"
    assert (job.title, job.start_date) == ("Network Technician", date(2025, 3, 3))


def test_correcting_a_start_date_moves_the_open_retention_checks(client, navigator, job):
    client.force_login(navigator)
    client.post(edit_url(job), form_data(employer=job.employer_id, new_employer="", start_date="2025-03-03"))
    due = dict(RetentionCheck.objects.filter(placement=job).values_list("days", "due_on"))
    assert due == {90: date(2025, 3, 3) + timedelta(days=90), 180: date(2025, 3, 3) + timedelta(days=180)}


def test_only_navigators_of_the_organization_and_staff_correct_a_placement(
    client, other_navigator, employer_member, participant, grant_staff, job
):
    client.force_login(other_navigator)
    assert client.get(edit_url(job)).status_code == 404
    for user in (employer_member, participant):
        client.force_login(user)
        assert client.get(edit_url(job)).status_code == 403
    client.force_login(grant_staff)
    assert client.get(edit_url(job)).status_code == 200


# --- The placement's page ------------------------------------------------------------------


def test_the_page_shows_the_judgement_its_standard_version_and_failed_tests(client, navigator, worker):
    near = placement_judged(participant=worker, hourly_wage=Decimal("19.99"), benefit_health=False)
    client.force_login(navigator)
    response = client.get(detail_url(near))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Wage below the minimum" in page and "No health benefits" in page
    assert "Judged against the standard in force from" in page
    assert "$20.00 an hour and 35 hours a week" in page


def test_the_page_shows_the_retention_checks_and_their_outcomes(client, navigator, worker):
    job = placement_judged(participant=worker, start_date=timezone.localdate() - timedelta(days=95))
    check = job.retention_checks.get(days=90)
    RetentionCheck.objects.filter(pk=check.pk).update(
        outcome="employed", evidence="self_reported", note="Called: all good."
    )
    client.force_login(navigator)
    page = client.get(detail_url(job)).content.decode()
    assert "90-day check" in page and "180-day check" in page
    assert "Still employed" in page and "Self-reported" in page and "Called: all good." in page


def test_a_navigator_of_another_organization_gets_404(client, other_navigator, job):
    client.force_login(other_navigator)
    assert client.get(detail_url(job)).status_code == 404


def test_grant_staff_see_any_placement(client, grant_staff, job):
    client.force_login(grant_staff)
    assert client.get(detail_url(job)).status_code == 200


def test_an_employer_sees_their_own_placements_only_and_no_navigator_notes(
    client, employer_member, other_employer_member, worker, job
):
    check = job.retention_checks.get(days=90)
    RetentionCheck.objects.filter(pk=check.pk).update(
        outcome="employed", evidence="self_reported", note="Private navigator note."
    )
    client.force_login(employer_member)
    response = client.get(detail_url(job))
    assert response.status_code == 200
    assert "Private navigator note." not in response.content.decode()
    client.force_login(other_employer_member)
    assert client.get(detail_url(job)).status_code == 404


def test_a_participant_sees_their_own_placements_only(client, participant, other_participant, job, other_job):
    client.force_login(participant)
    assert client.get(detail_url(job)).status_code == 200
    assert client.get(detail_url(other_job)).status_code == 404
    client.force_login(other_participant)
    assert client.get(detail_url(job)).status_code == 404


def test_provider_staff_get_403(client, provider_member, job):
    client.force_login(provider_member)
    assert client.get(detail_url(job)).status_code == 403


# --- The participant's record and home -----------------------------------------------------


def test_the_participant_record_lists_their_placements_for_their_navigator(client, navigator, worker, job):
    client.force_login(navigator)
    page = client.get(reverse("participants:detail", args=[worker.pk])).content.decode()
    assert "Jobs and internships" in page and "Junior Developer" in page
    assert f"{NEW_URL}?participant={worker.pk}" in page


def test_provider_staff_do_not_see_placements_on_the_participant_record(
    client, provider_member, brainstation, worker, job
):
    cohort = factories.cohort(program=factories.program(provider=brainstation))
    factories.enrollment(participant=worker, cohort=cohort)
    client.force_login(provider_member)
    response = client.get(reverse("participants:detail", args=[worker.pk]))
    assert response.status_code == 200
    assert "Junior Developer" not in response.content.decode()


def test_the_participant_home_lists_my_jobs_and_internships(client, participant, worker, job):
    client.force_login(participant)
    page = client.get(reverse("participants:home")).content.decode()
    assert "My jobs and internships" in page and "Junior Developer" in page
    assert detail_url(job) in page
