"""The participant's home shows their path from intake to a good job, read from their record."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from employers import services as employer_services
from employers.models import Application
from participants.progress import progress_line
from programs import services as program_services
from tests import factories
from tests.placements.placement_factories import placement_judged

pytestmark = pytest.mark.django_db


def opportunity(employer):
    return employer_services.opportunity_save(
        employer=employer,
        by=None,
        skills=[],
        kind="full_time",
        title="Junior Developer",
        description="Build and keep up our web apps.",
        location="Doral",
        hourly_wage=Decimal("25.00"),
        hours_per_week=40,
        benefit_health=True,
        advancement_path="Developer II after a year.",
        deadline=timezone.localdate() + timedelta(days=30),
    )


def states(line) -> dict:
    return {step["key"]: ("current" if step["current"] else "done" if step["done"] else "") for step in line}


def test_a_new_participant_is_at_the_first_step(participant):
    record = participant.participant
    line = progress_line(participant=record)
    assert [step["key"] for step in line] == [
        "intake",
        "enrolled",
        "trained",
        "credential",
        "applied",
        "hired",
        "good_job",
    ]
    assert states(line) == dict.fromkeys(states(line), "") | {"intake": "current"}


def test_an_applicant_to_training_is_not_yet_enrolled(participant, brainstation):
    record = factories.participant_record(participant)
    factories.enrollment(
        participant=record,
        cohort=factories.cohort(program=factories.program(provider=brainstation)),
        status="applied",
    )
    assert states(progress_line(participant=record))["enrolled"] == "current"


def test_each_step_is_read_from_the_record(participant, brainstation, employer, navigator):
    record = factories.participant_record(participant)
    cohort = factories.cohort(program=factories.program(provider=brainstation))
    enrollment = factories.enrollment(participant=record, cohort=cohort, status="active")
    assert states(progress_line(participant=record)) == {
        "intake": "done",
        "enrolled": "done",
        "trained": "current",
        "credential": "",
        "applied": "",
        "hired": "",
        "good_job": "",
    }
    enrollment.status = "completed"
    enrollment.end_date = timezone.localdate()
    enrollment.save()
    program_services.credential_record(
        enrollment=enrollment,
        type="bootcamp_certificate",
        name="Certificate",
        issuer="BrainStation",
        awarded_on=timezone.localdate(),
    )
    Application.objects.create(participant=record, opportunity=opportunity(employer))
    assert states(progress_line(participant=record))["hired"] == "current"
    placement_judged(participant=record, employer=employer, by=navigator)
    line = progress_line(participant=record)
    assert all(step["done"] for step in line)
    assert [step["key"] for step in line if step["current"]] == ["good_job"]  # reached: the last


def test_a_step_skipped_does_not_pull_the_line_back(participant, employer):
    """Hired without training: the next step is a good job, training stays not done."""
    record = factories.participant_record(participant)
    Application.objects.create(
        participant=record, opportunity=opportunity(employer), state=Application.State.HIRED
    )
    line = states(progress_line(participant=record))
    assert line["hired"] == "done" and line["good_job"] == "current"
    assert line["enrolled"] == line["trained"] == ""


def test_a_job_not_started_yet_does_not_count(participant, employer, navigator):
    record = factories.participant_record(participant)
    placement_judged(
        participant=record,
        employer=employer,
        by=navigator,
        start_date=timezone.localdate() + timedelta(days=10),
    )
    assert states(progress_line(participant=record))["hired"] == ""


def test_the_home_page_shows_the_line_with_the_current_step_marked(client, participant, brainstation):
    record = factories.participant_record(participant)
    factories.enrollment(
        participant=record,
        cohort=factories.cohort(program=factories.program(provider=brainstation)),
        status="enrolled",
    )
    client.force_login(participant)
    page = client.get(reverse("participants:home")).content.decode()
    line = page.split("data-progress-line")[1].split("</ol>")[0]
    assert len(re.findall(r"<li ", line)) == 7
    assert len(re.findall(r'aria-current="step"', line)) == 1
    current = re.search(r'<li[^>]*data-step="(\w+)"[^>]*aria-current="step"', line)
    assert current.group(1) == "trained"
    assert "(done)" in line and "(your next step)" in line and "(still ahead)" in line


def test_the_line_costs_one_query(participant, django_assert_num_queries):
    record = factories.participant_record(participant)
    with django_assert_num_queries(1):
        progress_line(participant=record)
