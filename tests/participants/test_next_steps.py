"""The participant's next steps follow their real state (participants.selectors.next_steps)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from employers.models import Application, Employer, Opportunity
from participants.models import Participant
from participants.selectors import next_steps
from placements.models import Placement
from programs.models import Cohort, Enrollment, Program, Provider
from tests import factories

TODAY = date(2026, 6, 15)
DONE = datetime(2026, 1, 5, tzinfo=UTC)

PROGRAM = Program(name="Data Analytics", provider=Provider(name="BrainStation"))
ACME = Employer(name="Acme Health")


def _person(*, intake=True, navigator=True) -> Participant:
    return Participant(intake_completed_at=DONE if intake else None, navigator_id=7 if navigator else None)


def _enrollment(status: str, *, starts: date) -> Enrollment:
    return Enrollment(status=status, cohort=Cohort(program=PROGRAM, start_date=starts))


def _application(state: str) -> Application:
    return Application(state=state, opportunity=Opportunity(title="Data Analyst", employer=ACME))


def _job(*, starts: date, ends: date | None = None, kind: str = "full_time") -> Placement:
    return Placement(kind=kind, employer=ACME, start_date=starts, end_date=ends)


def _steps(person=None, enrollments=(), applications=(), placements=()) -> list[str]:
    return next_steps(
        participant=person or _person(),
        enrollments=list(enrollments),
        applications=list(applications),
        placements=list(placements),
        today=TODAY,
    )


def test_a_new_participant_is_asked_to_complete_their_profile():
    assert _steps(_person(intake=False, navigator=False)) == [
        "Complete your profile so a navigator can help you."
    ]


def test_someone_without_a_navigator_is_told_one_will_contact_them():
    assert "A navigator will contact you soon." in _steps(_person(navigator=False))


def test_someone_with_no_training_is_invited_to_choose_a_program():
    assert _steps() == ["Choose a training program and apply to a cohort."]
    withdrawn = _enrollment("withdrawn", starts=TODAY - timedelta(days=90))
    assert "Choose a training program and apply to a cohort." in _steps(enrollments=[withdrawn])


def test_an_application_to_training_waits_for_the_provider():
    steps = _steps(enrollments=[_enrollment("applied", starts=TODAY + timedelta(days=20))])
    assert steps == ["Wait for BrainStation to answer your application to Data Analytics."]


def test_a_class_that_has_not_started_gives_its_start_date_not_keep_going():
    steps = _steps(enrollments=[_enrollment("enrolled", starts=date(2026, 7, 6))])
    assert len(steps) == 1 and steps[0].startswith("Your class in Data Analytics starts on ")
    assert "2026" in steps[0]
    assert not any("Keep going" in step for step in steps)


def test_a_class_that_has_started_says_keep_going():
    steps = _steps(enrollments=[_enrollment("active", starts=TODAY - timedelta(days=10))])
    assert steps == ["Keep going to class in Data Analytics. Ask your navigator if anything gets in the way."]


def test_after_completing_without_a_job_the_step_is_the_follow_up_and_the_job_board():
    steps = _steps(enrollments=[_enrollment("completed", starts=TODAY - timedelta(days=120))])
    assert len(steps) == 1 and "You completed your training" in steps[0] and "jobs" in steps[0]


def test_someone_hired_is_never_told_to_look_for_jobs():
    steps = _steps(
        enrollments=[_enrollment("completed", starts=TODAY - timedelta(days=120))],
        placements=[_job(starts=TODAY - timedelta(days=30))],
    )
    assert steps == ["You work at Acme Health. Tell your navigator if anything changes at work."]
    assert not any("jobs" in step or "Choose a training" in step for step in steps)


def test_a_job_that_starts_later_gives_its_start_date():
    steps = _steps(placements=[_job(starts=TODAY + timedelta(days=14))])
    assert steps[0].startswith("Your job at Acme Health starts on ")


def test_a_job_that_ended_no_longer_counts_as_working():
    ended = _job(starts=TODAY - timedelta(days=300), ends=TODAY - timedelta(days=30))
    steps = _steps(
        enrollments=[_enrollment("completed", starts=TODAY - timedelta(days=400))], placements=[ended]
    )
    assert any("You completed your training" in step for step in steps)


def test_an_internship_is_not_a_job_the_job_search_goes_on():
    internship = _job(starts=TODAY - timedelta(days=5), kind="internship")
    steps = _steps(
        enrollments=[_enrollment("completed", starts=TODAY - timedelta(days=120))], placements=[internship]
    )
    assert any("You completed your training" in step for step in steps)


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("applied", "Acme Health has your application for Data Analyst: wait for their answer."),
        ("interviewing", "Acme Health wants to interview you for Data Analyst: watch your email and phone."),
        ("offered", "Acme Health offered you Data Analyst: give them your answer."),
    ],
)
def test_each_open_job_application_says_its_status(state, expected):
    assert expected in _steps(applications=[_application(state)])


@pytest.mark.parametrize("state", ["declined", "withdrawn", "hired"])
def test_closed_job_applications_add_no_step(state):
    assert _steps(applications=[_application(state)]) == _steps()


def test_the_home_page_shows_the_start_date_of_a_class_not_yet_started(
    client, participant, brainstation, navigator
):
    record = factories.participant_record(participant)
    record.navigator = navigator.navigator
    record.save(update_fields=["navigator"])
    cohort = factories.cohort(
        program=factories.program(provider=brainstation, name="Cloud Support"),
        start_date=timezone.localdate() + timedelta(days=21),
    )
    factories.enrollment(participant=record, cohort=cohort, status="enrolled")
    client.force_login(participant)
    page = client.get(reverse("participants:home")).content.decode()
    assert "Your class in Cloud Support starts on" in page
    assert "Keep going to class" not in page
