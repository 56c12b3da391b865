"""Every event tells the right people, once, in their language; nobody else hears of it."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import formats, timezone, translation

from employers import services as employer_services
from mtw_portal.accounts.selectors import user_language
from mtw_portal.notifications.models import Kind, Notification
from participants import services as participant_services
from participants.models import BudgetLine, Navigator, SupportItem
from placements import services as placement_services
from programs import services as program_services
from tests import factories
from tests.notifications.conftest import items, mails_to
from tests.placements.placement_factories import default_standard, placement_judged

TODAY = timezone.localdate()


def assert_told_once(user, kind):
    """One inbox item of ``kind`` and one email, written in the user's language."""
    [notification] = items(user, kind)
    assert notification.language == user_language(user)
    [message] = mails_to(user)
    assert message.subject.endswith(notification.subject)
    assert notification.body in message.body
    assert notification.emailed_at is not None or Notification.objects.get(pk=notification.pk).emailed_at
    return notification, message


@pytest.fixture
def spanish_participant(participant):
    participant.language = "es"
    participant.save(update_fields=["language"])
    return participant


# --- Participants ----------------------------------------------------------------------------


def test_a_job_application_tells_the_applicant_and_the_employer_only(
    committed, applicant, opportunity, employer_member, other_employer_member, navigator
):
    with committed():
        application = employer_services.application_create(participant=applicant, opportunity=opportunity)
    assert_told_once(applicant.user, Kind.JOB_APPLICATION_RECEIVED)
    item, _message = assert_told_once(employer_member, Kind.JOB_APPLICANT_NEW)
    assert item.about == applicant.user
    assert f"/employers/opportunities/{opportunity.pk}/applicants/" in item.url
    assert items(other_employer_member) == [] and mails_to(other_employer_member) == []
    assert items(navigator) == []
    assert application.pk


@pytest.mark.parametrize("to_state", ["interviewing", "offered", "declined"])
def test_an_employer_moving_an_application_tells_the_applicant(
    committed, application, employer_member, to_state
):
    with committed():
        employer_services.application_move(
            application=application,
            by=employer_member,
            to_state=to_state,
            reason="We chose someone with more experience." if to_state == "declined" else "",
        )
    notification, _message = assert_told_once(application.participant.user, Kind.JOB_APPLICATION_MOVED)
    assert notification.key == f"job_application:{application.pk}:{to_state}"


def test_a_hire_tells_the_applicant(committed, application, employer_member):
    default_standard()
    employer_services.application_move(application=application, by=employer_member, to_state="offered")
    with committed():
        placement_services.application_hire(
            application=application,
            by=employer_member,
            start_date=TODAY,
            title="Developer",
            hourly_wage=Decimal("25.00"),
            hours_per_week=Decimal("40"),
            benefit_health=True,
            advancement_path="Developer II after a year.",
        )
    assert_told_once(application.participant.user, Kind.JOB_HIRED)


def test_a_hire_made_in_english_tells_a_creole_applicant_the_start_date_in_creole(
    committed, application, employer_member
):
    """The start date is written out when the notification is, in the applicant's language: not
    in the language of the employer's request."""
    default_standard()
    person = application.participant.user
    person.language = "ht"
    person.save(update_fields=["language"])
    employer_services.application_move(application=application, by=employer_member, to_state="offered")
    start = date(2027, 1, 11)
    with committed(), translation.override("en"):
        placement_services.application_hire(
            application=application,
            by=employer_member,
            start_date=start,
            title="Developer",
            hourly_wage=Decimal("25.00"),
            hours_per_week=Decimal("40"),
            benefit_health=True,
            advancement_path="Developer II after a year.",
        )
    notification, message = assert_told_once(person, Kind.JOB_HIRED)
    with translation.override("ht"):
        in_creole = formats.date_format(start, "DATE_FORMAT")
    assert "janvye" in in_creole
    assert in_creole in notification.body and in_creole in message.body
    assert "Jan" not in notification.body


@pytest.fixture
def program_cohort(brainstation):
    program = factories.program(provider=brainstation)
    return factories.cohort(program=program, start_date=TODAY + timedelta(days=20))


def test_applying_to_a_program_tells_its_provider_only(
    committed, participant, oic, program_cohort, provider_member, other_provider_member
):
    record = factories.participant_record(participant, organization=oic)
    with committed():
        program_services.enrollment_apply(participant=record, cohort=program_cohort)
    notification, _message = assert_told_once(provider_member, Kind.PROGRAM_APPLICATION_NEW)
    assert notification.about == participant
    assert items(other_provider_member) == [] and mails_to(other_provider_member) == []
    assert items(participant) == []


def test_admission_and_refusal_tell_the_participant_in_their_language(
    committed, spanish_participant, oic, program_cohort, provider_member
):
    record = factories.participant_record(spanish_participant, organization=oic)
    enrollment = program_services.enrollment_apply(participant=record, cohort=program_cohort)
    with committed():
        program_services.enrollment_enroll(enrollment=enrollment, by=provider_member)
    notification, _message = assert_told_once(spanish_participant, Kind.PROGRAM_ADMITTED)
    assert notification.language == "es"

    other = factories.participant_record(organization=oic)
    refused = program_services.enrollment_apply(participant=other, cohort=program_cohort)
    with committed():
        program_services.enrollment_not_admit(
            enrollment=refused, by=provider_member, note="The class is full; the next one starts in May."
        )
    _notification, message = assert_told_once(other.user, Kind.PROGRAM_NOT_ADMITTED)
    assert "The class is full; the next one starts in May." in message.body


def test_a_direct_enrollment_tells_the_participant(committed, participant, oic, program_cohort, navigator):
    record = factories.participant_record(participant, organization=oic)
    with committed():
        program_services.enrollment_create(participant=record, cohort=program_cohort, by=navigator)
    assert_told_once(participant, Kind.PROGRAM_ENROLLED)


def test_a_provider_enrollment_waiting_for_confirmation_sends_no_enrollment_notice(
    participant, oic, program_cohort, provider_member
):
    record = factories.participant_record(participant, organization=oic)
    program_services.enrollment_create(participant=record, cohort=program_cohort, by=provider_member)
    assert items(participant, Kind.PROGRAM_ENROLLED) == []


# --- Support ---------------------------------------------------------------------------------


@pytest.fixture
def caseload(participant, oic, navigator):
    record = factories.participant_record(participant, organization=oic)
    record.navigator = Navigator.objects.get(user=navigator)
    record.save()
    return record


def test_a_support_request_tells_the_persons_navigator_only(
    committed, caseload, navigator, other_navigator, oic
):
    colleague = factories.navigator_user(organization=oic)
    with committed():
        participant_services.support_request_create(participant=caseload, type="bus_fare", details="Bus")
    assert_told_once(navigator, Kind.SUPPORT_REQUEST_NEW)
    assert items(colleague) == [] and items(other_navigator) == []


def test_a_support_request_from_someone_without_navigator_tells_their_organizations_navigators(
    committed, participant, oic, navigator, other_navigator
):
    record = factories.participant_record(participant, organization=oic)
    with committed():
        participant_services.support_request_create(participant=record, type="daycare", details="Daycare")
    assert_told_once(navigator, Kind.SUPPORT_REQUEST_NEW)
    assert items(other_navigator) == []


def _log(caseload, by, amount, request=None):
    return participant_services.support_item_log(
        participant=caseload,
        by=by,
        type="bus_fare",
        amount=Decimal(amount),
        given_on=TODAY,
        budget_line=BudgetLine.objects.get(code="transportation"),
        request=request,
    )


def test_support_above_the_threshold_asks_another_navigator_and_tells_the_participant_only_once_decided(
    committed, settings, caseload, navigator, other_navigator, oic, participant
):
    settings.MTW_SUPPORT_APPROVAL_THRESHOLD = 100
    colleague = factories.navigator_user(organization=oic)
    with committed():
        item = _log(caseload, navigator, "250")
    assert item.state == SupportItem.State.AWAITING_APPROVAL
    assert_told_once(colleague, Kind.SUPPORT_APPROVAL_WAITING)
    assert items(navigator) == []  # not the person who logged it
    assert items(other_navigator) == []
    assert items(participant) == []  # nothing approved yet

    with committed():
        participant_services.support_item_decide(item=item, by=colleague, approve=True)
    assert_told_once(participant, Kind.SUPPORT_APPROVED)


def test_support_rejected_by_the_second_person_tells_the_participant(
    committed, settings, caseload, navigator, oic, participant
):
    settings.MTW_SUPPORT_APPROVAL_THRESHOLD = 100
    colleague = factories.navigator_user(organization=oic)
    item = _log(caseload, navigator, "250")
    with committed():
        participant_services.support_item_decide(
            item=item, by=colleague, approve=False, note="Over this month's budget."
        )
    assert_told_once(participant, Kind.SUPPORT_DECLINED)


def test_an_approved_request_and_a_declined_one_tell_the_participant(
    committed, caseload, navigator, participant
):
    approved = participant_services.support_request_create(
        participant=caseload, type="bus_fare", details="Bus"
    )
    declined = participant_services.support_request_create(
        participant=caseload, type="daycare", details="Care"
    )
    with committed():
        participant_services.support_request_approve(
            support_request=approved,
            by=navigator,
            amount=Decimal("20"),
            given_on=TODAY,
            budget_line=BudgetLine.objects.get(code="transportation"),
        )
        participant_services.support_request_decline(
            support_request=declined, by=navigator, note="Not covered."
        )
    assert len(items(participant, Kind.SUPPORT_APPROVED)) == 1
    [refusal] = items(participant, Kind.SUPPORT_DECLINED)
    assert "Not covered." in refusal.body
    assert len(mails_to(participant)) == 2


# --- Navigators: the queue, follow-ups ------------------------------------------------------


def test_a_finished_intake_puts_the_person_in_the_queue_of_their_organizations_navigators(
    committed, participant, oic, navigator, other_navigator
):
    record = participant_services.participant_ensure(user=participant)
    with committed():
        participant_services.participant_intake_save(
            participant=record,
            first_name="Ana",
            last_name="Pérez",
            zip_code="33127",
            organization=oic,
        )
    notification, _message = assert_told_once(navigator, Kind.QUEUE_NEW_PERSON)
    assert "Ana Pérez" in notification.subject
    assert items(other_navigator) == []
    with committed():  # a correction later: no second notice
        participant_services.participant_intake_save(
            participant=record, first_name="Ana", last_name="Pérez", zip_code="33128", organization=oic
        )
    assert len(items(navigator)) == 1


def test_a_due_follow_up_tells_the_persons_navigator_once(
    committed, caseload, navigator, other_navigator, program_cohort
):
    enrollment = factories.enrollment(
        participant=caseload, cohort=program_cohort, status="completed", end_date=TODAY - timedelta(days=190)
    )
    with committed():
        assert program_services.follow_ups_due_notify() == 1
    with committed():
        assert program_services.follow_ups_due_notify() == 0
    notification, _message = assert_told_once(navigator, Kind.FOLLOW_UP_DUE)
    assert notification.key == f"follow_up:{enrollment.pk}"
    assert items(other_navigator) == []


def test_a_follow_up_already_recorded_or_not_yet_due_is_not_announced(caseload, navigator, program_cohort):
    recorded = factories.enrollment(
        participant=caseload, cohort=program_cohort, status="completed", end_date=TODAY - timedelta(days=190)
    )
    program_services.completion_follow_up_record(enrollment=recorded, status="looking", by=navigator)
    later = factories.program(provider=program_cohort.program.provider, name="Data")
    factories.enrollment(
        participant=caseload,
        cohort=factories.cohort(program=later),
        status="completed",
        end_date=TODAY - timedelta(days=100),
    )
    assert program_services.follow_ups_due_notify() == 0
    assert items(navigator) == []


# --- Employers: retention checks; grant staff: account requests ------------------------------


def test_a_retention_reminder_puts_one_item_in_each_members_inbox_beside_its_email(
    caseload, employer, employer_member, other_employer_member
):
    default_standard()
    job = placement_judged(participant=caseload, employer=employer, start_date=TODAY - timedelta(days=100))
    check = job.retention_checks.get(days=90)
    assert placement_services.retention_reminder_send(check_id=check.pk) is True
    [item] = items(employer_member, Kind.RETENTION_CHECK_DUE)
    assert item.emailed_at is not None  # the reminder was its email
    assert len(mails_to(employer_member)) == 1
    assert items(other_employer_member) == []


def test_an_employer_account_request_tells_grant_staff(committed, grant_staff, navigator):
    with committed():
        employer_services.employer_account_request_create(
            organization_name="Acme Labs", first_name="Rosa", last_name="Diaz", email="rosa@acme.test"
        )
    notification, _message = assert_told_once(grant_staff, Kind.EMPLOYER_REQUEST_NEW)
    assert "Acme Labs" in notification.subject
    assert items(navigator) == []


def test_a_due_follow_up_asks_the_person_to_check_in_once(committed, caseload, participant, program_cohort):
    enrollment = factories.enrollment(
        participant=caseload, cohort=program_cohort, status="completed", end_date=TODAY - timedelta(days=190)
    )
    with committed():
        program_services.follow_ups_due_notify()
    with committed():
        program_services.follow_ups_due_notify()
    notification, message = assert_told_once(participant, Kind.CHECK_IN_DUE)
    assert notification.key == f"check_in:{enrollment.pk}"
    assert program_cohort.program.name in message.subject
