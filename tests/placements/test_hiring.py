"""Hiring: an offered applicant is hired, which records a placement judged against the standard."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from employers import services
from placements import selectors as placement_selectors
from placements import services as placement_services
from placements.models import Placement, RetentionCheck

START = timezone.localdate


def _offer(application, by):
    return services.application_move(application=application, by=by, to_state="offered")


def _hire(application, by, **fields):
    terms = {
        "title": application.opportunity.title,
        "hourly_wage": Decimal("25.00"),
        "hours_per_week": Decimal("40"),
        "benefit_health": True,
        "advancement_path": "Developer II after a year.",
        **fields,
    }
    return placement_services.application_hire(application=application, by=by, start_date=START(), **terms)


def test_hiring_a_full_time_job_records_a_good_job(application, employer_member):
    _offer(application, employer_member)
    placement = _hire(application, employer_member)
    application.refresh_from_db()
    assert application.state == "hired" and application.decided_by == employer_member
    assert placement.source == Placement.Source.HIRE
    assert placement.application == application
    assert placement.kind == "full_time"
    assert placement.participant == application.participant
    assert placement.employer == application.opportunity.employer
    assert placement.recorded_by == employer_member
    assert placement.is_good_job is True and placement.failed_tests == []
    assert placement.standard is not None
    checks = RetentionCheck.objects.filter(placement=placement).order_by("days")
    assert [(c.days, c.due_on) for c in checks] == [
        (90, START() + timedelta(days=90)),
        (180, START() + timedelta(days=180)),
    ]


def test_hiring_an_intern_is_not_a_good_job_and_has_no_retention_checks(
    employer, employer_member, applicant, make_opportunity
):
    internship = make_opportunity(employer, kind="internship", title="Summer intern")
    application = services.application_create(participant=applicant, opportunity=internship)
    _offer(application, employer_member)
    placement = _hire(application, employer_member)
    assert placement.kind == "internship"
    assert placement.is_good_job is False and "kind" in placement.failed_tests
    assert not RetentionCheck.objects.filter(placement=placement).exists()


def test_a_low_wage_job_fails_the_wage_test(application, employer_member):
    _offer(application, employer_member)
    placement = _hire(application, employer_member, hourly_wage=Decimal("15.00"), benefit_health=False)
    assert placement.is_good_job is False
    assert placement.failed_tests == ["wage", "health"]
    assert placement.failed_test_labels == ["Wage below the minimum", "No health benefits"]


def test_only_an_offered_applicant_can_be_hired(application, employer_member):
    with pytest.raises(ValidationError):
        _hire(application, employer_member)
    assert not Placement.objects.exists()


def test_a_hire_needs_an_hourly_wage(application, employer_member):
    _offer(application, employer_member)
    with pytest.raises(ValidationError) as exc_info:
        _hire(application, employer_member, hourly_wage=None)
    assert "hourly_wage" in exc_info.value.message_dict
    application.refresh_from_db()
    assert application.state == "offered" and not Placement.objects.exists()


def test_another_employer_cannot_hire(application, employer_member, other_employer_member):
    _offer(application, employer_member)
    with pytest.raises(PermissionDenied):
        _hire(application, other_employer_member)


def test_a_hired_application_is_final(application, employer_member, participant):
    _offer(application, employer_member)
    _hire(application, employer_member)
    with pytest.raises(ValidationError):
        services.application_move(
            application=application, by=employer_member, to_state="declined", reason="Position filled."
        )
    with pytest.raises(ValidationError):
        services.application_withdraw(application=application, by=participant)


def test_the_hire_form_is_prefilled_from_the_opportunity(application):
    initial = placement_selectors.application_hire_initial(application=application)
    assert initial["title"] == "Junior Developer"
    assert initial["hourly_wage"] == Decimal("25.00")
    assert initial["hours_per_week"] == 40
    assert initial["benefit_health"] is True and initial["benefit_dental_vision"] is False
    assert initial["advancement_path"].startswith("Developer II")
    assert initial["start_date"] == START()


def test_a_micro_internship_hire_is_prefilled_with_its_effective_rate(employer, applicant, make_opportunity):
    micro = make_opportunity(
        employer,
        kind="micro_internship",
        hourly_wage=None,
        fixed_fee=Decimal("300"),
        estimated_hours=12,
        hours_per_week=None,
    )
    application = services.application_create(participant=applicant, opportunity=micro)
    assert placement_selectors.application_hire_initial(application=application)["hourly_wage"] == Decimal(
        "25.00"
    )


def test_the_employer_hires_through_the_form_and_sees_the_judgement(client, employer_member, application):
    _offer(application, employer_member)
    client.force_login(employer_member)
    url = reverse("placements:application_hire", args=[application.pk])
    form = client.get(url).context["form"]
    assert form.initial["hourly_wage"] == Decimal("25.00")
    response = client.post(
        url,
        {
            "title": "Junior Developer",
            "start_date": START().isoformat(),
            "hourly_wage": "25.00",
            "hours_per_week": "40",
            "benefit_health": "on",
            "advancement_path": "Developer II after a year.",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == url
    page = response.content.decode()
    assert "is hired" in page and "Good job" in page
    placement = Placement.objects.get()
    assert placement.application == application and placement.is_good_job


def test_the_hire_page_lists_the_failed_tests(client, employer_member, application):
    _offer(application, employer_member)
    _hire(application, employer_member, hours_per_week=Decimal("20"), advancement_path="")
    client.force_login(employer_member)
    page = client.get(reverse("placements:application_hire", args=[application.pk])).content.decode()
    assert "Not a good job" in page
    assert "Too few hours per week" in page and "No path to advance" in page
    applicants_page = client.get(reverse("employers:applicants", args=[application.opportunity_id]))
    assert "Too few hours per week" in applicants_page.content.decode()


def test_the_hire_form_shows_the_services_errors(client, employer_member, application):
    _offer(application, employer_member)
    client.force_login(employer_member)
    response = client.post(
        reverse("placements:application_hire", args=[application.pk]),
        {
            "title": "Junior Developer",
            "start_date": (START() + timedelta(days=400)).isoformat(),
            "hourly_wage": "25.00",
            "hours_per_week": "40",
        },
    )
    assert response.status_code == 200
    assert "start_date" in response.context["form"].errors
    assert not Placement.objects.exists()


def test_the_hire_page_sends_back_an_applicant_not_yet_offered(client, employer_member, application):
    client.force_login(employer_member)
    response = client.get(reverse("placements:application_hire", args=[application.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("employers:applicants", args=[application.opportunity_id])
