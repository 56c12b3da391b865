"""The outcomes roll-up: every figure against a data set full of traps, the debounce, idempotence."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone
from django.utils.module_loading import import_string

from mtw_portal.core.models import GrantSettings
from outcomes import services as outcome_services
from outcomes.models import OutcomeSnapshot
from programs import services as program_services
from programs.models import Provider
from tests import factories

pytestmark = pytest.mark.django_db

ZEROS = {"enrolled": 0, "trained": 0, "placed_good_jobs": 0}


def rollup_json(*args) -> dict:
    out = StringIO()
    call_command("rollup_outcomes", *args, stdout=out)
    return json.loads(out.getvalue())


def test_the_command_prints_exactly_the_figures_the_definitions_give(data_set):
    by_provider = {code: dict(ZEROS) for code in Provider.objects.values_list("code", flat=True)}
    by_provider["brainstation"] = {"enrolled": 3, "trained": 1, "placed_good_jobs": 2}  # A B F; A; A F
    by_provider["4geeks"] = {"enrolled": 2, "trained": 1, "placed_good_jobs": 1}  # C F; F; F

    assert rollup_json() == {
        "as_of": timezone.localdate().isoformat(),
        "targets": {"trained": 1000, "placed_good_jobs": 500},
        "grant_end_date": None,
        "enrolled": 4,  # A B C F
        "active": 2,  # B F
        "trained": 2,  # A F
        "credentials_earned": 1,  # A
        "internships": 1,  # B
        "apprenticeships": 1,  # F
        "employed_full_time": 2,  # A G (D's job starts later)
        "employed_part_time": 1,  # C
        "placed_good_jobs": 3,  # A F G, not C at $19.99
        "retained_180_days": 1,  # A
        "median_hourly_wage": "22.50",  # 19.99 20.00 | 25.00 30.00
        "wraparound": {"participants_served": 2, "services": 3, "amount_usd": "450.00"},
        "by_provider": by_provider,
    }


def test_an_empty_portal_gives_zeros_and_no_median(db):
    figures = rollup_json()
    assert figures["enrolled"] == figures["placed_good_jobs"] == 0
    assert figures["median_hourly_wage"] is None
    assert figures["wraparound"] == {"participants_served": 0, "services": 0, "amount_usd": "0.00"}


def test_targets_and_end_date_come_from_the_grant_settings(db, grant_staff):
    grant = outcome_services.grant_settings()
    grant.target_trained, grant.grant_end_date = 1200, timezone.localdate() + timedelta(days=400)
    grant.save()
    figures = rollup_json()
    assert figures["targets"] == {"trained": 1200, "placed_good_jobs": 500}
    assert figures["grant_end_date"] == grant.grant_end_date.isoformat()


def test_running_twice_keeps_one_row_per_day_with_the_same_figures(data_set):
    first = rollup_json()
    assert rollup_json() == first
    snapshot = OutcomeSnapshot.objects.get()
    assert snapshot.run_count == 2
    assert snapshot.data == first


def test_each_day_keeps_its_own_snapshot(data_set):
    yesterday = timezone.localdate() - timedelta(days=1)
    assert rollup_json("--as-of", yesterday.isoformat())["as_of"] == yesterday.isoformat()
    rollup_json()
    assert list(OutcomeSnapshot.objects.values_list("as_of", flat=True)) == [
        timezone.localdate(),
        yesterday,
    ]


def test_a_bad_date_is_refused(db):
    with pytest.raises(CommandError, match="not a date"):
        call_command("rollup_outcomes", "--as-of", "2026-13-01", stdout=StringIO())
    assert not OutcomeSnapshot.objects.exists()


def test_the_roll_up_runs_nightly_through_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["nightly-outcomes-rollup"]
    assert import_string(entry["task"]).name == entry["task"]
    assert entry["schedule"].hour == {2} and entry["schedule"].minute == {30}


# --- Debounce ---------------------------------------------------------------------------------------


def test_changes_in_one_transaction_request_one_roll_up(
    brainstation, provider_member, django_capture_on_commit_callbacks
):
    cohort = factories.cohort(program=factories.program(provider=brainstation))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for _ in range(5):
            program_services.enrollment_create(
                participant=factories.participant_record(), cohort=cohort, by=provider_member
            )
    assert len(callbacks) == 1
    assert OutcomeSnapshot.objects.get().data["enrolled"] == 5


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_committed_changes_causes_one_roll_up(brainstation, provider_member, settings):
    settings.MTW_ROLLUP_DEBOUNCE_SECONDS = 60
    cohort = factories.cohort(program=factories.program(provider=brainstation))
    before = timezone.now()
    for _ in range(5):  # five transactions, each committed: each asks for a roll-up
        program_services.enrollment_create(
            participant=factories.participant_record(), cohort=cohort, by=provider_member
        )
    # Inline mode runs the queued roll-up at once (a worker would run it 60 s later).
    assert OutcomeSnapshot.objects.get().run_count == 1
    pending = GrantSettings.objects.get().rollup_pending_until
    assert before + timedelta(seconds=60) <= pending <= timezone.now() + timedelta(seconds=60)
    assert outcome_services.outcomes_rollup_request() is False

    # Once the queued run is due, the next change queues another.
    GrantSettings.objects.update(rollup_pending_until=timezone.now() - timedelta(seconds=1))
    assert outcome_services.outcomes_rollup_request() is True
    snapshot = OutcomeSnapshot.objects.get()
    assert (snapshot.run_count, snapshot.data["enrolled"]) == (2, 5)


def test_a_change_that_rolls_back_requests_nothing(
    brainstation, provider_member, django_capture_on_commit_callbacks
):
    from django.db import transaction

    cohort = factories.cohort(program=factories.program(provider=brainstation))
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        program_services.enrollment_create(
            participant=factories.participant_record(), cohort=cohort, by=provider_member
        )
        transaction.set_rollback(True)
    assert callbacks == []
    assert not OutcomeSnapshot.objects.exists()
