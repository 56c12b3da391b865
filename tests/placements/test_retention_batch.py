"""The nightly reminder job isolates a failing reminder: logged by id, skipped, retried a bounded
number of times, and never blocking the reminders after it."""

from __future__ import annotations

import logging
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.mail import send_mail as django_send_mail
from django.utils import timezone

from placements import services as placement_services
from placements.models import RetentionCheck
from tests import factories
from tests.placements.placement_factories import default_standard, person, placement_judged

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _standard(db):
    default_standard()


@pytest.fixture
def two_due_checks(employer, employer_member):
    """Two due 90-day checks: Old Hire's (due first) and New Hire's (due a week later)."""
    old = placement_judged(
        participant=person(first_name="Old", last_name="Hire"),
        employer=employer,
        start_date=TODAY - timedelta(days=107),
    )
    new = placement_judged(
        participant=person(first_name="New", last_name="Hire"),
        employer=employer,
        start_date=TODAY - timedelta(days=100),
    )
    return old.retention_checks.get(days=90), new.retention_checks.get(days=90)


def _fails_for(name: str):
    """send_mail, failing like a refused SMTP recipient for messages about ``name``."""

    def send(*, subject, **kwargs):
        if name in subject:
            raise OSError("550 mailbox unavailable")
        return django_send_mail(subject=subject, **kwargs)

    return send


def test_a_name_with_a_line_break_stored_long_ago_still_gets_its_reminder_and_the_next_one_too(
    two_due_checks, mailoutbox
):
    old, new = two_due_checks
    get_user_model().objects.filter(pk=old.placement.participant.user_id).update(first_name="Old\nX-Bcc: x")
    assert placement_services.retention_reminders_send_due() == 2
    assert len(mailoutbox) == 2
    assert "\n" not in mailoutbox[0].subject
    assert RetentionCheck.objects.filter(reminder_sent_at=None, days=90).count() == 0


def test_a_reminder_whose_send_fails_is_skipped_and_the_later_ones_are_sent(two_due_checks, mailoutbox):
    old, new = two_due_checks
    with mock.patch("placements.services.send_mail", side_effect=_fails_for("Old Hire")):
        assert placement_services.retention_reminders_send_due() == 1
    assert [m.subject for m in mailoutbox if "New Hire" in m.subject]
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.reminder_sent_at, old.reminder_attempts) == (None, 1)
    assert new.reminder_sent_at is not None


def test_a_reminder_that_keeps_failing_is_tried_three_times_then_left(two_due_checks, mailoutbox):
    old, _new = two_due_checks
    calls = []

    def send(**kwargs):
        calls.append(kwargs["subject"])
        return _fails_for("Old Hire")(**kwargs)

    with mock.patch("placements.services.send_mail", side_effect=send):
        for _run in range(5):
            placement_services.retention_reminders_send_due()
    assert (
        len([s for s in calls if "Old Hire" in s]) == placement_services.RETENTION_REMINDER_MAX_ATTEMPTS == 3
    )
    old.refresh_from_db()
    assert old.reminder_sent_at is None and old.reminder_attempts == 3
    assert placement_services.retention_reminder_send(check_id=old.pk) is False


def test_a_failed_reminder_is_logged_with_its_id_and_no_name(two_due_checks, caplog):
    old, _new = two_due_checks
    with (
        mock.patch("placements.services.send_mail", side_effect=_fails_for("Old Hire")),
        caplog.at_level(logging.ERROR, logger="mtw_portal.batch"),
    ):
        placement_services.retention_reminders_send_due()
    assert [r.getMessage() for r in caplog.records] == [
        f"retention reminder {old.pk} failed (OSError); skipped in this run"
    ]
    assert "Hire" not in caplog.text and "550" not in caplog.text


def test_an_invitation_that_fails_to_send_does_not_stop_the_others(db, mailoutbox):
    from mtw_portal.accounts import services as account_services
    from mtw_portal.accounts.models import Invitation

    first = factories.participant_user(email="first@example.org")
    second = factories.participant_user(email="second@example.org")
    for user in (first, second):
        Invitation.objects.create(user=user, expires_at=timezone.now() + timedelta(days=7))

    def send(*, recipient_list, **kwargs):
        if recipient_list == ["first@example.org"]:
            raise OSError("550 mailbox unavailable")
        return django_send_mail(recipient_list=recipient_list, **kwargs)

    with mock.patch("mtw_portal.accounts.services.send_mail", side_effect=send):
        assert account_services.invitations_send_pending() == 1
    assert [m.to for m in mailoutbox] == [["second@example.org"]]
    assert Invitation.objects.get(user=first).sent_at is None


def test_no_reminder_is_sent_about_a_deactivated_participant(two_due_checks, mailoutbox, grant_staff):
    from participants.services import participant_deactivate

    old, new = two_due_checks
    participant_deactivate(participant=old.placement.participant, by=grant_staff, reason="Asked to leave")

    assert placement_services.retention_reminders_send_due() == 1
    assert len(mailoutbox) == 1
    assert "New" in mailoutbox[0].subject
    old.refresh_from_db()
    assert old.reminder_sent_at is None
