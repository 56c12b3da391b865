"""Writes of the outcomes app: the grant's settings and the roll-up of the figures (``outcomes.rollup``)."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from mtw_portal.core.changes import outcomes_changed
from mtw_portal.core.models import GrantSettings
from mtw_portal.core.queue import enqueue_later
from mtw_portal.core.services import GRANT_SETTINGS_PK, grant_settings
from outcomes import stored
from outcomes.models import OutcomeSnapshot
from outcomes.rollup import outcomes_compute
from outcomes.selectors import outcome_snapshot_history
from reports.drafts import drafts_data

# Any constant shared by every roll-up: the key of PostgreSQL's transaction-level advisory lock.
_ROLLUP_LOCK_KEY = 7_260_001


@contextmanager
def _rollup_serialized():
    """Serialize roll-ups, and make each one's reads a single snapshot of the data.

    PostgreSQL, called outside any transaction (the task, the command): a session advisory lock
    is taken first, in autocommit, then the roll-up's transaction starts with ``SET TRANSACTION
    ISOLATION LEVEL REPEATABLE READ`` (it must be its first statement): every query of the run
    (some twenty, over seconds) sees the same data, so the stored tables agree with each other
    even while others write. The lock is taken before that snapshot, so a second roll-up waiting
    for it reads what the first one committed (no serialization failure). The lock blocks no other
    writer (a row lock on the settings would hold up every write that requests a roll-up).

    Called inside a transaction (a caller's, a test's): its level is the caller's, and the lock is
    the transaction's (``pg_advisory_xact_lock``). SQLite allows one writing transaction at a time,
    and it reads consistently within it."""
    postgres = connection.vendor == "postgresql"
    if not postgres or connection.in_atomic_block:
        with transaction.atomic():
            if postgres:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ROLLUP_LOCK_KEY])
            yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [_ROLLUP_LOCK_KEY])
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_ROLLUP_LOCK_KEY])


def outcomes_rollup(*, as_of=None):
    """Compute the outcome figures and store them as the snapshot of ``as_of`` (today by default),
    and, for today's roll-up only, every table the dashboards and the funder's draft reports show
    (``outcomes.stored``). A roll-up of a past date (a backfill of the history) stores its snapshot
    alone: the pages keep showing today's figures.

    Idempotent: runs are serialized by a lock and each replaces the day's row (one per date, the
    history), so two at once store the same figures; a run killed midway wrote nothing, since the
    figures are computed and stored in one transaction.
    """

    today = timezone.localdate()
    as_of = as_of or today
    grant = grant_settings()
    with _rollup_serialized():
        started = timezone.now()  # the time of the figures: they are of the data as it was then
        data = outcomes_compute(
            as_of,
            targets={"trained": grant.target_trained, "placed_good_jobs": grant.target_placed_good_jobs},
            grant_end_date=grant.grant_end_date,
        )
        snapshot, created = OutcomeSnapshot.objects.get_or_create(
            as_of=as_of, defaults={"data": data, "computed_at": started}
        )
        if not created:
            OutcomeSnapshot.objects.filter(pk=snapshot.pk).update(
                data=data, computed_at=started, run_count=F("run_count") + 1
            )
            snapshot.refresh_from_db()
        if as_of != today:
            return snapshot
        scopes = stored.board_scopes(as_of, snapshots=outcome_snapshot_history(), grant=grant)
        for quarter, data in drafts_data(as_of).items():
            scopes[stored.report_scope(quarter)] = data
        stored.tables_store(snapshot, scopes)
    return snapshot


def outcomes_rollup_request() -> bool:
    """Queue a roll-up to run in MTW_ROLLUP_DEBOUNCE_SECONDS unless one is already pending: a burst
    of changes causes one roll-up. True when this call queued it.

    The pending mark (``GrantSettings.rollup_pending_until``, the time the queued run is due) is
    claimed by a conditional update, so of two callers at once only one queues. It is not cleared by
    the task: it lapses when the run is due, and any change after that queues the next run. If the
    broker is down the claim is released; the nightly run catches up anyway.
    """

    grant_settings()
    now = timezone.now()
    delay = settings.MTW_ROLLUP_DEBOUNCE_SECONDS
    due = now + timedelta(seconds=delay)
    claimed = (
        GrantSettings.objects.filter(pk=GRANT_SETTINGS_PK)
        .filter(Q(rollup_pending_until__isnull=True) | Q(rollup_pending_until__lte=now))
        .update(rollup_pending_until=due)
    )
    if not claimed:
        return False
    from outcomes.tasks import outcomes_rollup as outcomes_rollup_task  # task <-> service cycle

    if not enqueue_later(outcomes_rollup_task, delay):
        GrantSettings.objects.filter(pk=GRANT_SETTINGS_PK, rollup_pending_until=due).update(
            rollup_pending_until=None
        )
        return False
    return True


def rollup_on_commit(**_signal) -> None:
    """Receives ``core.changes.figures_changed``, sent by every write that changes the outcome
    figures: requests a roll-up once the write is committed (nothing if it rolls back; the claim
    then holds no lock inside the writer's transaction). Once per transaction: an import of 500
    rows asks once."""
    if any(callback[1] is outcomes_rollup_request for callback in connection.run_on_commit):
        return
    transaction.on_commit(outcomes_rollup_request)


@transaction.atomic
def grant_settings_update(*, by, target_trained: int, target_placed_good_jobs: int, grant_end_date):
    """Grant staff change the targets or the end date; the next roll-up reports against them."""
    row = GrantSettings.objects.select_for_update().get(pk=grant_settings().pk)
    if target_placed_good_jobs > target_trained:
        raise ValidationError(
            {
                "target_placed_good_jobs": _(
                    "People placed come from the people trained: at most the training target."
                )
            }
        )
    row.target_trained, row.target_placed_good_jobs = target_trained, target_placed_good_jobs
    row.grant_end_date, row.updated_by = grant_end_date, by
    row.full_clean()
    row.save(
        update_fields=[
            "target_trained",
            "target_placed_good_jobs",
            "grant_end_date",
            "updated_by",
            "updated_at",
        ]
    )
    outcomes_changed()  # core.changes: the receiver above requests the roll-up
    return row
