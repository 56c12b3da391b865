"""The enrollment lifecycle: applications, seats, statuses, completion with credentials, withdrawal."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from programs import services
from programs.models import Credential, Enrollment, EnrollmentEvent
from tests import factories

TODAY = timezone.localdate


@pytest.fixture
def bootcamp(brainstation):
    return factories.program(provider=brainstation)


@pytest.fixture
def cohort(bootcamp):
    return factories.cohort(program=bootcamp, seats=2)


@pytest.fixture
def upcoming(bootcamp):
    """A cohort that starts in two weeks: it takes applications (``cohort`` has already started)."""
    return factories.cohort(program=bootcamp, start_date=TODAY() + timedelta(days=14), seats=2)


@pytest.fixture
def person(participant):
    return factories.participant_record(participant)


def test_a_participant_applies_after_intake(person, upcoming):
    enrollment = services.enrollment_apply(participant=person, cohort=upcoming)
    assert enrollment.status == "applied"
    assert EnrollmentEvent.objects.get(enrollment=enrollment).to_status == "applied"


def test_applying_needs_a_completed_profile(participant, cohort):
    record = factories.participant_record(participant, intake=False)
    with pytest.raises(ValidationError, match="Complete your profile"):
        services.enrollment_apply(participant=record, cohort=cohort)


def test_applying_twice_to_one_cohort_is_refused(person, upcoming):
    services.enrollment_apply(participant=person, cohort=upcoming)
    with pytest.raises(ValidationError, match="already applied"):
        services.enrollment_apply(participant=person, cohort=upcoming)


def test_a_cohort_that_has_started_takes_no_applications(person, cohort):
    with pytest.raises(ValidationError, match="already started"):
        services.enrollment_apply(participant=person, cohort=cohort)
    assert not person.enrollments.exists()


def test_a_cohort_takes_applications_on_its_start_date(person, bootcamp):
    today = factories.cohort(program=bootcamp, start_date=TODAY())
    assert services.enrollment_apply(participant=person, cohort=today).status == "applied"


def test_an_ended_cohort_takes_no_applications(person, bootcamp):
    past = factories.cohort(
        program=bootcamp, start_date=TODAY() - timedelta(days=200), end_date=TODAY() - timedelta(days=1)
    )
    with pytest.raises(ValidationError, match="ended"):
        services.enrollment_apply(participant=person, cohort=past)


def test_a_cohort_never_takes_more_than_its_seats(cohort, provider_member):
    people = [factories.participant_record() for _ in range(3)]
    services.enrollment_create(participant=people[0], cohort=cohort, by=provider_member)
    services.enrollment_create(participant=people[1], cohort=cohort, by=provider_member)
    with pytest.raises(ValidationError, match="full"):
        services.enrollment_create(participant=people[2], cohort=cohort, by=provider_member)
    assert cohort.enrollments.count() == 2


def test_accepting_an_application_into_a_full_cohort_is_refused(cohort, provider_member):
    for _ in range(2):
        factories.enrollment(participant=factories.participant_record(), cohort=cohort, status="active")
    application = factories.enrollment(
        participant=factories.participant_record(), cohort=cohort, status="applied"
    )
    with pytest.raises(ValidationError, match="full"):
        services.enrollment_enroll(enrollment=application, by=provider_member)
    application.refresh_from_db()
    assert application.status == "applied"


def test_a_withdrawal_frees_its_seat(cohort, provider_member):
    first = factories.enrollment(participant=factories.participant_record(), cohort=cohort, status="active")
    factories.enrollment(participant=factories.participant_record(), cohort=cohort, status="active")
    services.enrollment_withdraw(enrollment=first, by=provider_member, reason="new_job", end_date=TODAY())
    services.enrollment_create(participant=factories.participant_record(), cohort=cohort, by=provider_member)


@pytest.mark.parametrize(
    ("start", "action"),
    [
        ("applied", "complete"),
        ("applied", "activate"),
        ("completed", "withdraw"),
        ("withdrawn", "activate"),
        ("not_admitted", "enroll"),
        ("completed", "enroll"),
    ],
)
def test_impossible_status_changes_are_refused(cohort, provider_member, start, action):
    enrollment = factories.enrollment(participant=factories.participant_record(), cohort=cohort, status=start)
    calls = {
        "complete": lambda: services.enrollment_complete(
            enrollment=enrollment, by=provider_member, end_date=TODAY()
        ),
        "activate": lambda: services.enrollment_activate(enrollment=enrollment, by=provider_member),
        "withdraw": lambda: services.enrollment_withdraw(
            enrollment=enrollment, by=provider_member, reason="other", end_date=TODAY(), note="x"
        ),
        "enroll": lambda: services.enrollment_enroll(enrollment=enrollment, by=provider_member),
    }
    with pytest.raises(ValidationError, match="cannot become"):
        calls[action]()
    enrollment.refresh_from_db()
    assert enrollment.status == start


def test_completion_records_the_date_and_the_credential(cohort, provider_member):
    enrollment = factories.enrollment(
        participant=factories.participant_record(), cohort=cohort, status="active"
    )
    services.enrollment_complete(
        enrollment=enrollment,
        by=provider_member,
        end_date=TODAY(),
        credential_type="bootcamp_certificate",
        credential_name="Software Engineering Certificate",
    )
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.end_date) == ("completed", TODAY())
    credential = Credential.objects.get(enrollment=enrollment)
    assert (credential.issuer, credential.awarded_on) == ("BrainStation", TODAY())
    assert credential.participant_id == enrollment.participant_id


def test_completion_without_a_credential_is_fine(cohort, provider_member):
    enrollment = factories.enrollment(participant=factories.participant_record(), cohort=cohort)
    services.enrollment_complete(enrollment=enrollment, by=provider_member, end_date=TODAY())
    assert not Credential.objects.exists()


def test_an_unknown_credential_type_is_refused_and_nothing_is_saved(cohort, provider_member):
    enrollment = factories.enrollment(
        participant=factories.participant_record(), cohort=cohort, status="active"
    )
    with pytest.raises(ValidationError):
        services.enrollment_complete(
            enrollment=enrollment,
            by=provider_member,
            end_date=TODAY(),
            credential_type="phd",
            credential_name="PhD",
        )
    enrollment.refresh_from_db()
    assert enrollment.status == "active"


@pytest.mark.parametrize(("days", "message"), [(1, "future"), (-400, "before the cohort started")])
def test_completion_dates_must_be_real(cohort, provider_member, days, message):
    enrollment = factories.enrollment(
        participant=factories.participant_record(), cohort=cohort, status="active"
    )
    with pytest.raises(ValidationError, match=message):
        services.enrollment_complete(
            enrollment=enrollment, by=provider_member, end_date=TODAY() + timedelta(days=days)
        )


@pytest.mark.parametrize(
    "reason",
    [value for value, _ in Enrollment._meta.get_field("withdrawal_reason").choices if value != "other"],
)
def test_every_listed_withdrawal_reason_is_accepted(cohort, provider_member, reason):
    enrollment = factories.enrollment(
        participant=factories.participant_record(), cohort=cohort, status="active"
    )
    services.enrollment_withdraw(enrollment=enrollment, by=provider_member, reason=reason, end_date=TODAY())
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.withdrawal_reason) == ("withdrawn", reason)


def test_a_withdrawal_reason_outside_the_list_is_refused(cohort, provider_member):
    enrollment = factories.enrollment(
        participant=factories.participant_record(), cohort=cohort, status="active"
    )
    with pytest.raises(ValidationError, match="from the list"):
        services.enrollment_withdraw(
            enrollment=enrollment, by=provider_member, reason="bored", end_date=TODAY()
        )


def test_other_as_a_withdrawal_reason_needs_a_note(cohort, provider_member):
    enrollment = factories.enrollment(
        participant=factories.participant_record(), cohort=cohort, status="active"
    )
    with pytest.raises(ValidationError, match="other reason"):
        services.enrollment_withdraw(
            enrollment=enrollment, by=provider_member, reason="other", end_date=TODAY()
        )


def test_the_database_refuses_a_withdrawal_without_a_reason(cohort):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Enrollment.objects.create(
            participant=factories.participant_record(), cohort=cohort, status="withdrawn", end_date=TODAY()
        )


def test_one_person_can_hold_several_enrollments_over_time(person, bootcamp, provider_member):
    first = factories.cohort(
        program=bootcamp, start_date=TODAY() - timedelta(days=300), end_date=TODAY() - timedelta(days=200)
    )
    second = factories.cohort(program=bootcamp)
    factories.enrollment(participant=person, cohort=first, status="withdrawn")
    services.enrollment_create(participant=person, cohort=second, by=provider_member)
    assert person.enrollments.count() == 2


def test_every_status_change_is_recorded_with_who_made_it(upcoming, provider_member, person):
    enrollment = services.enrollment_apply(participant=person, cohort=upcoming)
    services.enrollment_enroll(enrollment=enrollment, by=provider_member)
    services.enrollment_activate(enrollment=enrollment, by=provider_member)
    events = list(enrollment.events.values_list("from_status", "to_status", "actor"))
    assert events == [
        ("", "applied", person.user_id),
        ("applied", "enrolled", provider_member.pk),
        ("enrolled", "active", provider_member.pk),
    ]
