"""Writes of the imports app: import batches (files uploaded for import through the web)."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mtw_portal.imports.importers import (
    ImportFileError,
    ImportResult,
    RowError,
    Sheet,
    importer_for,
    max_bytes,
    plan_record,
    read_table,
    result_from_plan,
)
from mtw_portal.imports.models import ImportBatch

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
            result = _importer(batch, actor=user).apply(Sheet.from_record(rows))
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
