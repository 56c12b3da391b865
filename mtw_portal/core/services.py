"""Writes of the core app: import batches (files uploaded for import through the web)."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from mtw_portal.core.imports import (
    ImportFileError,
    ImportResult,
    RowError,
    Table,
    importer_for,
    max_bytes,
    plan_record,
    read_table,
    result_from_plan,
)
from mtw_portal.core.models import FunderReport, ImportBatch
from mtw_portal.core.reports import funder_report_data

logger = logging.getLogger(__name__)


class BatchAlreadyApplied(Exception):
    """The batch was imported before: a second confirmation writes nothing."""


def _read_and_plan(*, kind: str, content: bytes, actor, scope_provider) -> tuple[dict | None, dict]:
    """The file read once: its rows (None when it cannot be read) and the plan its preview shows."""
    importer = importer_for(kind, actor=actor, scope_provider=scope_provider)
    try:
        table = read_table(content, importer.columns)
    except ImportFileError as exc:
        return None, plan_record(ImportResult(kind=importer.kind, errors=exc.errors))
    return table.to_record(), plan_record(importer.plan(table))


def import_batch_create(
    *, kind: str, uploaded_by, scope_provider, filename: str, content: bytes
) -> ImportBatch:
    """Keep an uploaded file, read it once and plan it: the preview shows the plan kept here."""
    if len(content) > max_bytes():
        raise ValidationError(
            {"file": _("The file is larger than %(mb)s MB.") % {"mb": settings.MTW_IMPORT_MAX_MB}}
        )
    rows, plan = _read_and_plan(kind=kind, content=content, actor=uploaded_by, scope_provider=scope_provider)
    batch = ImportBatch(
        kind=kind,
        uploaded_by=uploaded_by,
        scope_provider=scope_provider,
        filename=filename[-255:],
        content=content,
        rows=rows,
        plan=plan,
    )
    batch.full_clean(exclude=["content", "rows", "plan"])
    batch.save()
    return batch


def _file_deleted_error() -> RowError:
    return RowError(
        None,
        "file",
        _("the file was deleted %(days)s days after it was uploaded; upload it again")
        % {"days": settings.MTW_IMPORT_RETENTION_DAYS},
    )


def import_batch_plan(*, batch: ImportBatch, user) -> ImportResult:
    """The preview of the batch: the plan made when it was uploaded (the file is not read again).

    A batch kept from before plans were stored is read and planned once, here.
    """
    if batch.purged_at is not None:
        return ImportResult(kind=batch.kind, errors=[_file_deleted_error()])
    if not batch.plan:
        content = ImportBatch.objects.filter(pk=batch.pk).values_list("content", flat=True).get()
        rows, plan = _read_and_plan(
            kind=batch.kind,
            content=bytes(content),
            actor=batch.uploaded_by,
            scope_provider=batch.scope_provider,
        )
        ImportBatch.objects.filter(pk=batch.pk).update(rows=rows, plan=plan)
        batch.plan = plan
    return result_from_plan(batch.plan)


def import_batch_apply(*, batch: ImportBatch, user) -> ImportResult:
    """Import the batch, all or nothing, at most once (raises BatchAlreadyApplied the second time).

    The batch is claimed, and the rows kept at upload are planned again and written, in one
    transaction: if any row is bad now (the data changed since the preview), nothing is
    written and the batch stays unapplied.
    """
    with transaction.atomic():
        claimed = ImportBatch.objects.filter(pk=batch.pk, applied_at=None).update(applied_at=timezone.now())
        if not claimed:
            raise BatchAlreadyApplied
        rows, plan, purged_at = (
            ImportBatch.objects.filter(pk=batch.pk).values_list("rows", "plan", "purged_at").get()
        )
        if purged_at is not None:
            result = ImportResult(kind=batch.kind, errors=[_file_deleted_error()])
        elif rows is None and plan:  # the file could not be read: its problems were kept
            result = result_from_plan(plan)
        elif rows is None:  # a batch kept from before rows were stored
            content = ImportBatch.objects.filter(pk=batch.pk).values_list("content", flat=True).get()
            result = _importer(batch, actor=user).run(bytes(content), apply=True)
        else:
            result = _importer(batch, actor=user).apply(Table.from_record(rows))
        if result.errors:
            transaction.set_rollback(True)
            return result
        ImportBatch.objects.filter(pk=batch.pk).update(result=result.to_record())
    batch.refresh_from_db()
    return result


def _importer(batch: ImportBatch, *, actor):
    return importer_for(batch.kind, actor=actor, scope_provider=batch.scope_provider)


def import_batches_purge(*, now=None) -> int:
    """Delete the files, rows and plans of batches uploaded more than MTW_IMPORT_RETENTION_DAYS ago.

    The nightly job. Each batch is purged on its own: one that fails is logged and skipped,
    and the others are purged. Running it again purges nothing more. Returns how many it purged.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.MTW_IMPORT_RETENTION_DAYS)
    due = ImportBatch.objects.filter(created_at__lt=cutoff, purged_at=None).order_by("pk")
    purged = 0
    for pk in due.values_list("pk", flat=True):
        try:
            purged += import_batch_purge(batch_id=pk, now=now)
        except Exception:
            logger.exception("import batch %s could not be purged; skipped", pk)
    return purged


@transaction.atomic
def import_batch_purge(*, batch_id: int, now=None) -> bool:
    """Keep only the summary of a batch (kind, counts, uploader, dates, imported or not).

    False when it was purged before.
    """
    batch = (
        ImportBatch.objects.select_for_update()
        .filter(pk=batch_id, purged_at=None)
        .only("pk", "kind", "plan", "result")
        .first()
    )
    if batch is None:
        return False
    plan = {"kind": batch.kind, "counts": batch.plan["counts"]} if batch.plan else {}
    result = {key: batch.result[key] for key in ("kind", "applied", "counts") if key in batch.result}
    ImportBatch.objects.filter(pk=batch.pk).update(
        content=b"", rows=None, plan=plan, result=result, filename="", purged_at=now or timezone.now()
    )
    return True


# --- Outcomes: the grant's settings and the roll-up (figures in mtw_portal/core/outcomes.py) ----------

GRANT_SETTINGS_PK = 1
# Any constant shared by every roll-up: the key of PostgreSQL's transaction-level advisory lock.
_ROLLUP_LOCK_KEY = 7_260_001


def grant_settings():
    """The grant's settings row (created with the default targets the first time)."""
    from mtw_portal.core.models import GrantSettings

    return GrantSettings.objects.get_or_create(pk=GRANT_SETTINGS_PK)[0]


def _rollup_lock() -> None:
    """Serialize roll-ups until the transaction ends. PostgreSQL: an advisory lock, which blocks no
    other writer (a row lock on the settings would hold up every write that requests a roll-up).
    SQLite allows one writing transaction at a time anyway."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ROLLUP_LOCK_KEY])


def outcomes_rollup(*, as_of=None):
    """Compute the outcome figures and store them as the snapshot of ``as_of`` (today by default).

    Idempotent: runs are serialized by a lock and each replaces the day's row (one per date, the
    history), so two at once store the same figures; a run killed midway wrote nothing, since the
    figures are computed and stored in one transaction.
    """
    from django.db.models import F

    from mtw_portal.core.models import OutcomeSnapshot
    from mtw_portal.core.outcomes import outcomes_compute

    as_of = as_of or timezone.localdate()
    grant = grant_settings()
    with transaction.atomic():
        _rollup_lock()
        data = outcomes_compute(
            as_of,
            targets={"trained": grant.target_trained, "placed_good_jobs": grant.target_placed_good_jobs},
            grant_end_date=grant.grant_end_date,
        )
        snapshot, created = OutcomeSnapshot.objects.get_or_create(as_of=as_of, defaults={"data": data})
        if not created:
            OutcomeSnapshot.objects.filter(pk=snapshot.pk).update(
                data=data, computed_at=timezone.now(), run_count=F("run_count") + 1
            )
            snapshot.refresh_from_db()
    return snapshot


def outcomes_rollup_request() -> bool:
    """Queue a roll-up to run in MTW_ROLLUP_DEBOUNCE_SECONDS unless one is already pending: a burst
    of changes causes one roll-up. True when this call queued it.

    The pending mark (``GrantSettings.rollup_pending_until``, the time the queued run is due) is
    claimed by a conditional update, so of two callers at once only one queues. It is not cleared by
    the task: it lapses when the run is due, and any change after that queues the next run. If the
    broker is down the claim is released; the nightly run catches up anyway.
    """
    from datetime import timedelta

    from django.db.models import Q

    from mtw_portal.core.models import GrantSettings
    from mtw_portal.core.queue import enqueue_later
    from mtw_portal.core.tasks import outcomes_rollup as outcomes_rollup_task

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
    if not enqueue_later(outcomes_rollup_task, delay):
        GrantSettings.objects.filter(pk=GRANT_SETTINGS_PK, rollup_pending_until=due).update(
            rollup_pending_until=None
        )
        return False
    return True


def outcomes_changed() -> None:
    """Called by every write that changes the outcome figures: requests a roll-up once the write is
    committed (nothing if it rolls back; the claim then holds no lock inside the writer's transaction).
    Once per transaction: an import of 500 rows asks once."""
    from django.db import connection

    if any(callback[1] is outcomes_rollup_request for callback in connection.run_on_commit):
        return
    transaction.on_commit(outcomes_rollup_request)


@transaction.atomic
def grant_settings_update(*, by, target_trained: int, target_placed_good_jobs: int, grant_end_date):
    """Grant staff change the targets or the end date; the next roll-up reports against them."""
    from mtw_portal.core.models import GrantSettings

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
    outcomes_changed()
    return row


# --- Funder reports ---


def funder_report_submit(*, quarter, by):
    """Compute ``quarter``'s funder report and store it, frozen: it is never computed again.

    Only a quarter that has ended, and only once. The report's corrections (to reports submitted
    for earlier quarters) are frozen with it.
    """
    today = timezone.localdate()
    if quarter.end >= today:
        raise ValidationError(
            _("The quarter %(quarter)s has not ended yet: it can be submitted from %(date)s.")
            % {"quarter": quarter.label, "date": date_format(quarter.next().start, "DATE_FORMAT")}
        )
    if FunderReport.objects.filter(year=quarter.year, quarter=quarter.number).exists():
        raise _already_submitted(quarter)
    report = FunderReport(
        year=quarter.year,
        quarter=quarter.number,
        data=funder_report_data(quarter, today=today),
        submitted_by=by,
        submitted_at=timezone.now(),
    )
    report.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:  # submitted by someone else in the meantime
        raise _already_submitted(quarter) from None
    return report


def _already_submitted(quarter) -> ValidationError:
    return ValidationError(
        _("The report for %(quarter)s was already submitted; it cannot be changed.")
        % {"quarter": quarter.label}
    )
