"""Writes of the core app: import batches (files uploaded for import through the web)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mtw_portal.core.imports import ImportResult, importer_for, max_bytes
from mtw_portal.core.models import ImportBatch


class BatchAlreadyApplied(Exception):
    """The batch was imported before: a second confirmation writes nothing."""


def import_batch_create(
    *, kind: str, uploaded_by, scope_provider, filename: str, content: bytes
) -> ImportBatch:
    if len(content) > max_bytes():
        raise ValidationError(
            {"file": _("The file is larger than %(mb)s MB.") % {"mb": settings.MTW_IMPORT_MAX_MB}}
        )
    batch = ImportBatch(
        kind=kind,
        uploaded_by=uploaded_by,
        scope_provider=scope_provider,
        filename=filename[-255:],
        content=content,
    )
    batch.full_clean(exclude=["content"])
    batch.save()
    return batch


def _importer(batch: ImportBatch, *, actor):
    return importer_for(batch.kind, actor=actor, scope_provider=batch.scope_provider)


def import_batch_plan(*, batch: ImportBatch, user) -> ImportResult:
    """What confirming the batch would do now, against the database as it is (no writes)."""
    return _importer(batch, actor=user).run(bytes(batch.content), apply=False)


def import_batch_apply(*, batch: ImportBatch, user) -> ImportResult:
    """Import the batch, all or nothing, at most once (raises BatchAlreadyApplied the second time).

    The batch is claimed and the rows are planned again and written in one transaction: if
    any row is bad now (the data changed since the preview), nothing is written and the
    batch stays unapplied.
    """
    with transaction.atomic():
        claimed = ImportBatch.objects.filter(pk=batch.pk, applied_at=None).update(applied_at=timezone.now())
        if not claimed:
            raise BatchAlreadyApplied
        result = _importer(batch, actor=user).run(bytes(batch.content), apply=True)
        if result.errors:
            transaction.set_rollback(True)
            return result
        ImportBatch.objects.filter(pk=batch.pk).update(result=result.to_record())
    batch.refresh_from_db()
    return result
