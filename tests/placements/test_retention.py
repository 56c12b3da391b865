"""Retention checks: the 90/180-day schedule, idempotent reminders, the employer's one-click link,
and the navigators' page of checks due."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mtw_portal.notifications import services as notification_services
from outcomes.services import outcomes_rollup_request
from placements import services as placement_services
from placements import tasks
from placements.models import RetentionCheck
from tests import factories
from tests.placements.placement_factories import default_standard, person, placement_judged
from tests.services import require_postgres

TODAY = timezone.localdate()
CHECKS_URL = reverse("placements:retention_checks")


@pytest.fixture(autouse=True)
def _standard(db):
    default_standard()


@pytest.fixture
def worker(participant, oic, navigator):
    """The ``participant``'s record, in the ``navigator``'s caseload at OIC."""
    from participants.models import Navigator

    record = factories.participant_record(participant, organization=oic)
    record.navigator = Navigator.objects.get(user=navigator)
    record.save()
    return record


@pytest.fixture
def job(worker, employer, employer_member):
    """A job that started 100 days ago: its 90-day check is due, its 180-day check is not."""
    return placement_judged(
        participant=worker,
        employer=employer,
        title="Junior Developer",
        start_date=TODAY - timedelta(days=100),
    )


def due_check(job_) -> RetentionCheck:
    return job_.retention_checks.get(days=90)


def confirm_url(check: RetentionCheck) -> str:
    return reverse("placements:retention_confirm", args=[placement_services.retention_link_token(check)])


# --- The schedule --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["full_time", "part_time", "apprenticeship"])
def test_a_job_gets_checks_90_and_180_days_after_its_start(kind):
    job_ = placement_judged(kind=kind)
    due = dict(job_.retention_checks.values_list("days", "due_on"))
    assert due == {90: job_.start_date + timedelta(days=90), 180: job_.start_date + timedelta(days=180)}
    assert all(job_.retention_checks.values_list("link_nonce", flat=True))


@pytest.mark.parametrize("kind", ["sprint_internship", "micro_internship", "internship"])
def test_an_internship_gets_no_retention_checks(kind):
    assert not placement_judged(kind=kind).retention_checks.exists()


def test_saving_a_placement_again_schedules_no_second_set_of_checks():
    job_ = placement_judged()
    placement_services.placement_save(
        participant=job_.participant,
        employer=job_.employer,
        kind=job_.kind,
        start_date=job_.start_date,
        source=job_.source,
        placement=job_,
        title="Senior title",
    )
    assert job_.retention_checks.count() == 2


def test_a_changed_start_date_moves_the_open_checks_but_not_recorded_ones(job):
    placement_services.retention_check_record(
        check=due_check(job), outcome="employed", evidence="self_reported"
    )
    recorded_due_on = due_check(job).due_on
    new_start = job.start_date + timedelta(days=10)
    placement_services.placement_save(
        participant=job.participant,
        employer=job.employer,
        kind=job.kind,
        start_date=new_start,
        source=job.source,
        placement=job,
    )
    assert due_check(job).due_on == recorded_due_on
    assert job.retention_checks.get(days=180).due_on == new_start + timedelta(days=180)


def test_a_job_corrected_to_an_internship_loses_its_open_checks(job):
    placement_services.placement_save(
        participant=job.participant,
        employer=job.employer,
        kind="internship",
        start_date=job.start_date,
        source=job.source,
        placement=job,
    )
    assert not job.retention_checks.exists()


def test_nothing_is_queued_when_a_placement_is_saved_the_beat_sends_what_comes_due(
    django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        placement_judged(start_date=TODAY - timedelta(days=100))
    # Only the outcomes roll-up is requested (README, "Outcomes"): no reminder goes.
    assert callbacks == [outcomes_rollup_request] and mailoutbox == []
    beat = settings.CELERY_BEAT_SCHEDULE["send-due-retention-reminders"]
    assert beat["task"] == "placements.tasks.retention_reminders_send_due"


# --- Reminders: each due check once -------------------------------------------------------


def test_a_due_check_gets_one_reminder_to_the_employer_and_the_navigator(
    job, employer_member, navigator, mailoutbox
):
    assert tasks.retention_reminders_send_due.delay().get() == 1
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert set(message.to) == {employer_member.email, navigator.email}
    assert "90-day check" in message.subject
    assert "Junior Developer" in message.body
    assert "/employers/retention/confirm/" in message.body
    assert due_check(job).reminder_sent_at is not None


def test_running_the_task_twice_sends_nothing_more(job, mailoutbox):
    assert placement_services.retention_reminders_send_due() == 1
    assert placement_services.retention_reminders_send_due() == 0
    assert tasks.retention_reminders_send_due.delay().get() == 0
    assert tasks.retention_reminder_send.delay(due_check(job).pk).get() is False
    assert len(mailoutbox) == 1


def test_a_check_not_yet_due_is_not_sent(job, mailoutbox):
    placement_services.retention_reminders_send_due()
    assert [m.subject for m in mailoutbox if "180-day" in m.subject] == []
    later = job.retention_checks.get(days=180)
    assert later.reminder_sent_at is None
    assert placement_services.retention_reminder_send(check_id=later.pk) is False


def test_a_check_already_answered_is_not_sent(job, mailoutbox):
    placement_services.retention_check_record(
        check=due_check(job), outcome="employed", evidence="self_reported"
    )
    assert placement_services.retention_reminders_send_due() == 0
    assert mailoutbox == []


def test_a_failed_send_is_released_so_the_next_run_sends_it(job, mailoutbox):
    with mock.patch("placements.services.send_mail", side_effect=OSError("smtp down")):
        assert placement_services.retention_reminders_send_due() == 0
    assert due_check(job).reminder_sent_at is None
    assert due_check(job).reminder_attempts == 1
    assert placement_services.retention_reminders_send_due() == 1
    assert len(mailoutbox) == 1


def test_the_link_in_the_reminder_works(client, job, mailoutbox):
    placement_services.retention_reminders_send_due()
    url = next(line for line in mailoutbox[0].body.splitlines() if "/retention/confirm/" in line)
    response = client.get(url.removeprefix(settings.MTW_BASE_URL.rstrip("/")))
    assert response.status_code == 200
    assert "Junior Developer" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_moment_send_each_reminder_once(employer, employer_member, oic):
    require_postgres()
    default_standard()
    for _ in range(3):
        placement_judged(participant=person(oic), employer=employer, start_date=TODAY - timedelta(days=100))
    mail.outbox = []
    barrier = threading.Barrier(2)
    sent = []

    def run():
        try:
            barrier.wait(timeout=10)
            sent.append(placement_services.retention_reminders_send_due())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(sent) in ([0, 3], [1, 2])  # however the runs interleave, each check is claimed once
    assert sum(sent) == 3
    assert len(mail.outbox) == 3
    assert all(message.to == [employer_member.email] for message in mail.outbox)
    assert RetentionCheck.objects.filter(reminder_sent_at__isnull=False).count() == 3


# --- The employer's one-click link --------------------------------------------------------


def test_the_link_shows_only_the_name_the_title_and_the_employer(client, job, worker, employer):
    response = client.get(confirm_url(due_check(job)))
    page = response.content.decode()
    assert response.status_code == 200
    assert worker.user.display_name in page and "Junior Developer" in page and employer.name in page
    assert set(response.context["outcomes"]) == set(RetentionCheck.Outcome.choices)
    assert worker.user.email not in page
    assert "20.00" not in page and "Developer II" not in page  # no pay, no details of the job
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_link_works_once(client, job):
    check = due_check(job)
    url = confirm_url(check)
    response = client.post(url, {"outcome": "employed"})
    assert response.status_code == 200
    assert "Your answer is recorded" in response.content.decode()
    check.refresh_from_db()
    assert (check.outcome, check.evidence, check.recorded_by) == ("employed", "employer_confirmed", None)
    assert check.link_used_at is not None

    again = client.post(url, {"outcome": "not_employed"})
    assert again.status_code == 410
    assert "already used" in again.content.decode()
    assert client.get(url).status_code == 410
    check.refresh_from_db()
    assert check.outcome == "employed"


def test_the_link_refuses_once_a_navigator_has_recorded_the_outcome(client, job):
    check = due_check(job)
    url = confirm_url(check)
    placement_services.retention_check_record(check=check, outcome="no_contact", evidence="self_reported")
    assert client.post(url, {"outcome": "employed"}).status_code == 410
    check.refresh_from_db()
    assert check.outcome == "no_contact"


def test_an_unknown_outcome_is_refused_and_the_link_still_works(client, job):
    url = confirm_url(due_check(job))
    assert client.post(url, {"outcome": "promoted"}).status_code == 400
    assert client.post(url, {"outcome": "not_employed"}).status_code == 200


def _token_made_days_ago(check: RetentionCheck, days: float) -> str:
    with mock.patch("django.core.signing.time.time", return_value=time.time() - days * 86400):
        return placement_services.retention_link_token(check)


def test_an_expired_link_is_refused_with_an_explanation(client, job):
    check = due_check(job)
    token = _token_made_days_ago(check, settings.MTW_RETENTION_LINK_DAYS + 0.01)
    response = client.get(reverse("placements:retention_confirm", args=[token]))
    assert response.status_code == 404
    assert "has expired" in response.content.decode()
    assert (
        client.post(
            reverse("placements:retention_confirm", args=[token]), {"outcome": "employed"}
        ).status_code
        == 404
    )
    check.refresh_from_db()
    assert check.outcome == ""


def test_a_link_just_within_its_days_still_works(client, job):
    token = _token_made_days_ago(due_check(job), settings.MTW_RETENTION_LINK_DAYS - 0.01)
    assert client.get(reverse("placements:retention_confirm", args=[token])).status_code == 200


def test_a_tampered_or_forged_link_is_refused(client, job):
    check = due_check(job)
    token = placement_services.retention_link_token(check)

    def flip(index: int) -> str:
        return token[:index] + ("A" if token[index] != "A" else "B") + token[index + 1 :]

    # the signature, the payload (which names the check and its nonce), and no token at all
    for bad in (flip(len(token) - 2), flip(5), "sample"):
        response = client.post(reverse("placements:retention_confirm", args=[bad]), {"outcome": "employed"})
        assert response.status_code == 404, bad
    check.refresh_from_db()
    assert check.outcome == ""


def test_a_link_of_a_check_whose_nonce_changed_is_refused(client, job):
    check = due_check(job)
    url = confirm_url(check)
    RetentionCheck.objects.filter(pk=check.pk).update(link_nonce="another")
    assert client.get(url).status_code == 404


def test_a_token_signed_with_another_salt_is_refused(client, job):
    from django.core import signing

    check = due_check(job)
    forged = signing.dumps({"c": check.pk, "n": check.link_nonce}, compress=True)
    assert client.get(reverse("placements:retention_confirm", args=[forged])).status_code == 404


# --- The navigators' page ----------------------------------------------------------------


def test_navigators_see_the_checks_due_for_their_organization_only(client, navigator, job, united_way):
    elsewhere = placement_judged(
        participant=person(united_way), title="Elsewhere Analyst", start_date=TODAY - timedelta(days=100)
    )
    client.force_login(navigator)
    response = client.get(CHECKS_URL)
    assert [c.pk for c in response.context["due"]] == [due_check(job).pk]
    assert "Elsewhere Analyst" not in response.content.decode()
    assert due_check(elsewhere).outcome == ""


def test_overdue_checks_are_counted_and_marked(client, navigator, worker):
    overdue = placement_judged(
        participant=worker, title="Overdue Job", start_date=TODAY - timedelta(days=105)
    )
    just_due = placement_judged(
        participant=worker, title="Just Due Job", start_date=TODAY - timedelta(days=90)
    )
    client.force_login(navigator)
    response = client.get(CHECKS_URL)
    assert response.context["counts"] == {"due": 2, "overdue": 1}
    assert [c.pk for c in response.context["due"]] == [due_check(overdue).pk, due_check(just_due).pk]
    assert response.content.decode().count(">Overdue<") == 1


def test_upcoming_checks_within_30_days_are_listed_apart(client, navigator, worker):
    soon = placement_judged(participant=worker, start_date=TODAY - timedelta(days=70))  # due in 20 days
    placement_judged(
        participant=worker, start_date=TODAY - timedelta(days=40), employer=soon.employer
    )  # in 50
    client.force_login(navigator)
    response = client.get(CHECKS_URL)
    assert [c.pk for c in response.context["upcoming"]] == [due_check(soon).pk]
    assert list(response.context["due"]) == []


def test_a_navigator_can_keep_to_their_own_caseload(client, navigator, job, oic):
    colleagues = placement_judged(participant=person(oic), start_date=TODAY - timedelta(days=100))
    client.force_login(navigator)
    everyone = {c.pk for c in client.get(CHECKS_URL).context["due"]}
    mine = {c.pk for c in client.get(CHECKS_URL, {"mine": "1"}).context["due"]}
    assert everyone == {due_check(job).pk, due_check(colleagues).pk}
    assert mine == {due_check(job).pk}


def test_grant_staff_see_every_due_check(client, grant_staff, job, united_way):
    elsewhere = placement_judged(participant=person(united_way), start_date=TODAY - timedelta(days=100))
    client.force_login(grant_staff)
    assert {c.pk for c in client.get(CHECKS_URL).context["due"]} == {
        due_check(job).pk,
        due_check(elsewhere).pk,
    }


@pytest.mark.parametrize("role", ["participant", "provider"])
def test_other_roles_cannot_open_the_checks(client, user_of_role, role):
    client.force_login(user_of_role[role])
    assert client.get(CHECKS_URL).status_code == 403


def test_a_navigator_records_an_outcome_with_its_evidence(client, navigator, job):
    check = due_check(job)
    client.force_login(navigator)
    response = client.post(
        reverse("placements:retention_record", args=[check.pk]),
        {"outcome": "not_employed", "evidence": "document", "note": "Pay stub ends in May."},
    )
    assert response.status_code == 302 and response["Location"] == CHECKS_URL
    check.refresh_from_db()
    assert (check.outcome, check.evidence, check.note, check.recorded_by) == (
        "not_employed",
        "document",
        "Pay stub ends in May.",
        navigator,
    )
    assert list(client.get(CHECKS_URL).context["due"]) == []


def test_recording_returns_to_the_page_it_came_from_but_never_off_site(client, navigator, job):
    client.force_login(navigator)
    url = reverse("placements:retention_record", args=[due_check(job).pk])
    data = {"outcome": "employed", "evidence": "self_reported"}
    back = reverse("placements:placement_detail", args=[job.pk])
    assert client.post(url, {**data, "next": back})["Location"] == back
    assert client.post(url, {**data, "next": "https://evil.example/"})["Location"] == CHECKS_URL


def test_a_check_far_from_due_cannot_be_recorded(client, navigator, job):
    later = job.retention_checks.get(days=180)
    client.force_login(navigator)
    response = client.post(
        reverse("placements:retention_record", args=[later.pk]),
        {"outcome": "employed", "evidence": "self_reported"},
        follow=True,
    )
    assert "not due yet" in response.content.decode()
    later.refresh_from_db()
    assert later.outcome == ""


def test_other_navigators_and_other_employers_cannot_record(
    client, other_navigator, other_employer_member, provider_member, job
):
    url = reverse("placements:retention_record", args=[due_check(job).pk])
    data = {"outcome": "employed", "evidence": "self_reported"}
    client.force_login(other_navigator)
    assert client.post(url, data).status_code == 404
    client.force_login(other_employer_member)
    assert client.post(url, data).status_code == 404
    client.force_login(provider_member)
    assert client.post(url, data).status_code == 403
    assert due_check(job).outcome == ""


# --- The employer answers in the portal ----------------------------------------------------


def test_an_employer_sees_only_its_own_placements_checks(client, employer_member, job, other_employer):
    elsewhere = placement_judged(
        participant=job.participant,
        employer=other_employer,
        title="Other Company Job",
        start_date=TODAY - timedelta(days=100),
    )
    client.force_login(employer_member)
    response = client.get(CHECKS_URL)
    assert response.status_code == 200
    assert [c.pk for c in response.context["due"]] == [due_check(job).pk]
    page = response.content.decode()
    assert "Other Company Job" not in page
    assert reverse("placements:retention_record", args=[due_check(job).pk]) in page
    assert reverse("placements:retention_record", args=[due_check(elsewhere).pk]) not in page
    assert "navigator:" not in page  # an employer never sees the person's navigator


def test_an_employer_records_its_own_check_as_employer_confirmed(client, employer_member, job):
    check = due_check(job)
    client.force_login(employer_member)
    response = client.post(
        reverse("placements:retention_record", args=[check.pk]),
        {"outcome": "employed", "evidence": "self_reported", "note": "ignored"},
    )
    assert response.status_code == 302 and response["Location"] == CHECKS_URL
    check.refresh_from_db()
    assert (check.outcome, check.evidence, check.note, check.recorded_by) == (
        "employed",
        "employer_confirmed",
        "",
        employer_member,
    )
    # The emailed link is then used up.
    assert client.get(confirm_url(check)).status_code == 410


def test_an_employer_cannot_record_another_companys_check(client, other_employer_member, job):
    """A member of another employer cannot see the check (404), let alone answer it."""
    client.force_login(other_employer_member)
    url = reverse("placements:retention_record", args=[due_check(job).pk])
    assert client.post(url, {"outcome": "not_employed"}).status_code == 404
    assert due_check(job).outcome == ""


def test_the_record_rule_refuses_an_employer_whose_company_did_not_make_the_placement(
    other_employer_member, employer_member, job
):
    from mtw_portal import access

    check = due_check(job)
    assert access.can_record_retention_check(employer_member, check)
    assert not access.can_record_retention_check(other_employer_member, check)


def test_an_employer_without_the_outcome_is_told_to_choose_it(client, employer_member, job):
    client.force_login(employer_member)
    url = reverse("placements:retention_record", args=[due_check(job).pk])
    response = client.post(url, {}, follow=True)
    assert "Choose the outcome." in response.content.decode()
    assert due_check(job).outcome == ""


def test_an_employer_cannot_overwrite_a_check_already_answered(client, employer_member, navigator, job):
    """Like the emailed link, the portal answers a check once: a navigator's outcome (with its
    evidence) is not replaced by the employer's."""
    check = due_check(job)
    placement_services.retention_check_record(
        check=check, outcome="employed", evidence="document", by=navigator
    )
    client.force_login(employer_member)
    url = reverse("placements:retention_record", args=[check.pk])
    client.post(url, {"outcome": "not_employed"})
    check.refresh_from_db()
    assert (check.outcome, check.evidence, check.recorded_by) == ("employed", "document", navigator)


def test_an_employer_neither_sees_nor_answers_the_checks_of_a_deactivated_person(
    client, employer_member, grant_staff, job
):
    """Partners lose a deactivated person altogether (their reminder is not sent either)."""
    from participants import services as participant_services

    check = due_check(job)
    participant_services.participant_deactivate(participant=job.participant, by=grant_staff, reason="Left")
    client.force_login(employer_member)
    page = client.get(CHECKS_URL).content.decode()
    assert job.participant.user.display_name not in page
    url = reverse("placements:retention_record", args=[check.pk])
    assert client.post(url, {"outcome": "not_employed"}).status_code == 404
    assert due_check(job).outcome == ""


def test_the_employer_home_links_to_its_checks_due(client, employer_member, job):
    client.force_login(employer_member)
    page = client.get(reverse("employers:home")).content.decode()
    assert CHECKS_URL in page and "Retention checks: 1 is due." in page


def test_the_checks_page_takes_the_same_queries_however_many_checks(client, navigator, worker):
    client.force_login(navigator)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(CHECKS_URL).status_code == 200
        return len(captured)

    placement_judged(participant=worker, start_date=TODAY - timedelta(days=100))
    placement_judged(participant=worker, start_date=TODAY - timedelta(days=80))
    few = queries()
    for i in range(10):
        placement_judged(participant=worker, start_date=TODAY - timedelta(days=95 + i))
        placement_judged(participant=worker, start_date=TODAY - timedelta(days=75 + i))
    assert queries() == few


def test_the_placement_page_offers_to_record_only_checks_within_two_weeks_of_due(client, navigator, job):
    client.force_login(navigator)
    response = client.get(reverse("placements:placement_detail", args=[job.pk]))
    offered = [c.days for c in response.context["checks"] if getattr(c, "record_form", None)]
    assert offered == [90]
    assert reverse("placements:retention_record", args=[due_check(job).pk]) in response.content.decode()


def test_the_link_page_is_in_the_read_trail_with_no_user(client, job):
    from mtw_portal.audit.models import ReadEvent

    assert client.get(confirm_url(due_check(job))).status_code == 200
    event = ReadEvent.objects.get()
    assert (event.user_id, event.role, event.participant_ids) == (None, "", f",{job.participant_id},")
    assert event.url_name == "placements:retention_confirm"
    client.force_login(job.participant.user)
    viewers = client.get(reverse("audit:record_viewers")).content.decode()
    assert "Your employer, through the link in a job-retention email" in viewers


def test_a_member_who_turned_the_retention_email_off_gets_no_reminder(
    job, employer_member, navigator, mailoutbox
):
    notification_services.preferences_save(
        user=employer_member, choices={"retention_check_due": {"email": False, "sms": False}}
    )
    assert placement_services.retention_reminders_send_due() == 1
    assert [set(message.to) for message in mailoutbox] == [{navigator.email}]
