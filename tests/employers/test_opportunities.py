"""Opportunities: the pay rules, opening and closing, and the public board."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from employers import selectors, services
from employers.models import Opportunity
from tests.employers.conftest import opportunity_fields

TODAY = timezone.localdate


def _save(employer, **fields):
    return services.opportunity_save(employer=employer, by=None, skills=[], **opportunity_fields(**fields))


def _errors(exc_info) -> set[str]:
    return set(exc_info.value.message_dict)


# --- Pay -------------------------------------------------------------------------------------


def test_a_micro_internship_fee_shows_its_effective_hourly_rate(client, employer, make_opportunity):
    micro = make_opportunity(
        employer,
        kind="micro_internship",
        hourly_wage=None,
        fixed_fee=Decimal("300"),
        estimated_hours=12,
        hours_per_week=None,
    )
    assert micro.effective_hourly_rate == Decimal("25.00")
    response = client.get(reverse("employers:opportunity_detail", args=[micro.pk]))
    assert "$300.00 for the project (about 12 hours): $25.00 an hour" in response.content.decode()


def test_an_hourly_wage_shows_as_money(client, employer, make_opportunity):
    job = make_opportunity(employer, hourly_wage=Decimal("1234.5"))
    response = client.get(reverse("employers:board"))
    assert "$1,234.50 an hour" in response.content.decode()
    assert job.effective_hourly_rate == Decimal("1234.50")


@pytest.mark.parametrize("kind", ["full_time", "internship", "micro_internship"])
def test_an_opportunity_without_pay_is_refused_even_as_a_draft(employer, kind):
    with pytest.raises(ValidationError) as exc_info:
        _save(employer, kind=kind, hourly_wage=None)
    assert "hourly_wage" in _errors(exc_info)
    assert not Opportunity.objects.exists()


def test_an_open_opportunity_cannot_lose_its_pay(employer, opportunity):
    with pytest.raises(ValidationError) as exc_info:
        services.opportunity_save(opportunity=opportunity, employer=employer, by=None, hourly_wage=None)
    assert "hourly_wage" in _errors(exc_info)
    opportunity.refresh_from_db()
    assert opportunity.hourly_wage == Decimal("25.00")


def test_a_fixed_fee_is_only_for_a_micro_internship(employer):
    with pytest.raises(ValidationError) as exc_info:
        _save(employer, kind="internship", hourly_wage=None, fixed_fee=Decimal("500"), estimated_hours=20)
    assert "fixed_fee" in _errors(exc_info)


def test_a_fixed_fee_needs_the_estimated_hours(employer):
    with pytest.raises(ValidationError) as exc_info:
        _save(employer, kind="micro_internship", hourly_wage=None, fixed_fee=Decimal("300"))
    assert "estimated_hours" in _errors(exc_info)


def test_a_micro_internship_pays_a_wage_or_a_fee_not_both(employer):
    with pytest.raises(ValidationError) as exc_info:
        _save(employer, kind="micro_internship", fixed_fee=Decimal("300"), estimated_hours=12)
    assert "fixed_fee" in _errors(exc_info)


@pytest.mark.parametrize("hours", [0, 81])
def test_hours_per_week_are_between_1_and_80(employer, hours):
    with pytest.raises(ValidationError) as exc_info:
        _save(employer, hours_per_week=hours)
    assert "hours_per_week" in _errors(exc_info)


def test_every_error_is_reported_at_once(employer):
    with pytest.raises(ValidationError) as exc_info:
        _save(employer, title="", hourly_wage=None, hours_per_week=90)
    assert {"title", "hourly_wage", "hours_per_week"} <= _errors(exc_info)


# --- Opening and closing ---------------------------------------------------------------------


def test_a_new_opportunity_is_a_draft_with_its_skills(employer):
    draft = services.opportunity_save(
        employer=employer, by=None, skills=["Python", " SQL ", "python"], **opportunity_fields()
    )
    assert draft.state == "draft" and draft.opened_at is None
    assert sorted(s.name.lower() for s in draft.skills.all()) == ["python", "sql"]


def test_opening_with_a_past_deadline_is_refused(employer):
    draft = _save(employer, deadline=TODAY() - timedelta(days=1))
    with pytest.raises(ValidationError) as exc_info:
        services.opportunity_set_state(opportunity=draft, by=None, action="open")
    assert "deadline" in _errors(exc_info)
    draft.refresh_from_db()
    assert draft.state == "draft"


def test_an_open_opportunity_cannot_be_given_a_past_deadline(employer, opportunity):
    with pytest.raises(ValidationError) as exc_info:
        services.opportunity_save(
            opportunity=opportunity, employer=employer, by=None, deadline=TODAY() - timedelta(days=1)
        )
    assert "deadline" in _errors(exc_info)


def test_opening_needs_a_location_or_remote_and_the_hours(employer):
    draft = _save(employer, location="", hours_per_week=None)
    with pytest.raises(ValidationError) as exc_info:
        services.opportunity_set_state(opportunity=draft, by=None, action="open")
    assert _errors(exc_info) == {"location", "hours_per_week"}
    services.opportunity_save(
        opportunity=draft, employer=employer, by=None, is_remote=True, hours_per_week=20
    )
    opened = services.opportunity_set_state(opportunity=draft, by=None, action="open")
    assert opened.state == "open" and opened.opened_at is not None


def test_close_then_reopen(opportunity):
    closed = services.opportunity_set_state(opportunity=opportunity, by=None, action="close")
    assert closed.state == "closed"
    with pytest.raises(ValidationError):
        services.opportunity_set_state(opportunity=closed, by=None, action="close")
    assert services.opportunity_set_state(opportunity=closed, by=None, action="reopen").state == "open"


def test_an_employer_posts_and_opens_an_opportunity(client, employer_member, employer):
    client.force_login(employer_member)
    form = {
        "kind": "internship",
        "title": "Data Intern",
        "description": "Clean and chart our sales data.",
        "skills": "Python, SQL",
        "location": "Wynwood",
        "hourly_wage": "21.50",
        "hours_per_week": "20",
        "advancement_path": "",
        "deadline": (TODAY() + timedelta(days=14)).isoformat(),
    }
    response = client.post(reverse("employers:opportunity_new"), form)
    posted = Opportunity.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "employers:opportunity_edit", args=[posted.pk]
    )
    assert posted.employer == employer and posted.state == "draft" and posted.created_by == employer_member
    client.post(reverse("employers:opportunity_state", args=[posted.pk]), {"action": "open"})
    posted.refresh_from_db()
    assert posted.state == "open"
    assert list(selectors.opportunity_board()) == [posted]


def test_the_form_shows_the_services_errors_on_their_fields(client, employer_member):
    client.force_login(employer_member)
    response = client.post(
        reverse("employers:opportunity_new"),
        {"kind": "full_time", "title": "Analyst", "description": "Reports.", "hours_per_week": "40"},
    )
    assert response.status_code == 200
    assert "hourly_wage" in response.context["form"].errors
    assert not Opportunity.objects.exists()


def test_opening_a_draft_with_gaps_names_them(client, employer_member, employer):
    draft = _save(employer, location="")
    client.force_login(employer_member)
    response = client.post(
        reverse("employers:opportunity_state", args=[draft.pk]), {"action": "open"}, follow=True
    )
    assert "Give the location, or mark the opportunity as remote." in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == "draft"


# --- The board -------------------------------------------------------------------------------


def test_the_board_shows_only_open_opportunities_whose_deadline_has_not_passed(
    client, employer, make_opportunity
):
    shown = make_opportunity(employer, title="Open with a deadline")
    no_deadline = make_opportunity(employer, title="Open, no deadline", deadline=None)
    today = make_opportunity(employer, title="Closes today", deadline=TODAY())
    make_opportunity(employer, state="draft", title="A draft")
    make_opportunity(employer, state="closed", title="Closed")
    past = make_opportunity(employer, title="Deadline passed")
    Opportunity.objects.filter(pk=past.pk).update(deadline=TODAY() - timedelta(days=1))

    response = client.get(reverse("employers:board"))
    listed = set(response.context["page"].object_list)
    assert listed == {shown, no_deadline, today}
    for hidden in (past, *Opportunity.objects.exclude(state="open")):
        assert client.get(reverse("employers:opportunity_detail", args=[hidden.pk])).status_code == 404


def test_the_board_filters(client, employer, other_employer, make_opportunity):
    python_job = make_opportunity(employer, title="Backend", skills=["Python"])
    remote_intern = make_opportunity(
        other_employer, kind="internship", title="Remote QA", location="", is_remote=True, hourly_wage=18
    )
    micro = make_opportunity(
        employer,
        kind="micro_internship",
        title="Logo sprint",
        hourly_wage=None,
        fixed_fee=300,
        estimated_hours=12,
        hours_per_week=None,
    )

    def board(**query):
        return set(client.get(reverse("employers:board"), query).context["page"].object_list)

    assert board() == {python_job, remote_intern, micro}
    assert board(kind="internship") == {remote_intern}
    assert board(remote="on") == {remote_intern}
    assert board(q="python") == {python_job}
    assert board(q="QA remote") == {remote_intern}
    assert board(employer=other_employer.pk) == {remote_intern}
    assert board(min_wage="22") == {python_job, micro}  # $300 for 12 hours is $25.00 an hour
    assert board(min_wage="25.01") == set()


def test_the_board_is_paginated_by_20(client, employer, make_opportunity):
    for n in range(21):
        make_opportunity(employer, title=f"Job {n}")
    page = client.get(reverse("employers:board")).context["page"]
    assert len(page.object_list) == 20 and page.paginator.num_pages == 2


def _opportunities_with_skills(employer, make_opportunity, count):
    for n in range(count):
        make_opportunity(employer, title=f"Job {n}", skills=[f"Skill {n}", "Git"])


def test_the_board_reads_opportunities_and_skills_in_two_queries(
    employer, make_opportunity, django_assert_max_num_queries
):
    _opportunities_with_skills(employer, make_opportunity, 25)
    with django_assert_max_num_queries(2):
        rows = [(o.employer.name, [s.name for s in o.skills.all()]) for o in selectors.opportunity_board()]
    assert len(rows) == 25


@pytest.mark.parametrize("count", [3, 25])
def test_the_board_page_takes_the_same_queries_for_3_or_25(
    client, employer, make_opportunity, django_assert_max_num_queries, count
):
    _opportunities_with_skills(employer, make_opportunity, count)
    with django_assert_max_num_queries(4):  # count, page, skills, employers for the filter
        response = client.get(reverse("employers:board"))
    assert response.status_code == 200


def test_the_board_page_query_count_does_not_grow(client, employer, make_opportunity):
    _opportunities_with_skills(employer, make_opportunity, 3)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("employers:board"))
    _opportunities_with_skills(employer, make_opportunity, 22)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("employers:board"))
    assert len(many) == len(few)


def test_the_detail_page_shows_benefits_path_and_deadline(client, employer, make_opportunity):
    job = make_opportunity(employer, benefit_dental_vision=True, deadline=TODAY() + timedelta(days=3))
    page = client.get(reverse("employers:opportunity_detail", args=[job.pk])).content.decode()
    assert "Health insurance, Dental and vision" in page
    assert "Developer II after a year" in page
    assert "Sign up to apply" in page


def test_a_participant_sees_an_apply_button(client, participant, opportunity):
    client.force_login(participant)
    page = client.get(reverse("employers:opportunity_detail", args=[opportunity.pk])).content.decode()
    assert reverse("employers:apply", args=[opportunity.pk]) in page
