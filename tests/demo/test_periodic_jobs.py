"""The periodic jobs run in the demo without Celery beat (``manage.py run_periodic``, started by
``make demo``): a due retention check's reminder is emailed on the first tick, with no manual step."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from demo import seed as demo
from mtw_portal.core.periodic import PeriodicJobs
from placements.models import RetentionCheck
from tests import factories
from tests.placements.placement_factories import default_standard, placement_judged

RETENTION = {
    "send-due-retention-reminders": {
        "task": "placements.tasks.retention_reminders_send_due",
        "schedule": 6 * 3600.0,
    }
}


def test_the_first_tick_sends_a_due_retention_reminder_and_the_next_waits_for_its_time(
    db, participant, employer, employer_member, mailoutbox
):
    default_standard()
    placement_judged(
        participant=factories.participant_record(participant),
        employer=employer,
        title="Junior Developer",
        start_date=timezone.localdate() - timedelta(days=100),
    )
    jobs = PeriodicJobs(RETENTION)
    assert jobs.tick() == {"send-due-retention-reminders": 1}
    assert [m.to for m in mailoutbox] == [[employer_member.email]]
    assert "90-day check" in mailoutbox[0].subject
    assert jobs.tick() == {}, "not due again for six hours"
    assert jobs.seconds_to_next() == 60.0


def test_a_job_is_run_again_once_its_interval_has_passed(db):
    jobs = PeriodicJobs(RETENTION)
    jobs.tick()
    jobs.last_run["send-due-retention-reminders"] -= timedelta(hours=6, seconds=1)
    assert jobs.due() == ["send-due-retention-reminders"]


def test_a_failing_job_does_not_stop_the_others(db, mailoutbox):
    broken = {"task": "mtw_portal.imports.tasks.import_batches_purge", "schedule": 60.0, "args": (1,)}
    jobs = PeriodicJobs({"broken": broken, **RETENTION})
    results = jobs.tick()
    assert isinstance(results["broken"], Exception)
    assert results["send-due-retention-reminders"] == 0


def test_every_job_of_the_beat_schedule_runs_in_process(db):
    results = PeriodicJobs().tick()
    assert results.keys() == set(settings.CELERY_BEAT_SCHEDULE)
    assert {
        "send-due-retention-reminders",
        "nightly-outcomes-rollup",
        "daily-notification-digest",
    } <= results.keys()
    assert not [name for name, result in results.items() if isinstance(result, Exception)]


def test_after_the_demo_is_seeded_the_first_tick_emails_its_due_retention_reminders(db, mailoutbox):
    demo.seed(password="demo-test-pass")
    due = RetentionCheck.objects.filter(outcome="", due_on__lte=timezone.localdate(), reminder_sent_at=None)
    assert due.exists(), "the demo seeds retention checks that are due"
    assert not mailoutbox
    call_command("run_periodic", "--once", stdout=None)
    reminders = [m for m in mailoutbox if "check" in m.subject.lower()]
    assert len(reminders) == due.model.objects.exclude(reminder_sent_at=None).count() > 0
    assert not due.exists()
