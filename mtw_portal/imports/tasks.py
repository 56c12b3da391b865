"""The nightly purge of old import files (beat)."""

from celery import shared_task

from mtw_portal.imports import services


@shared_task
def import_batches_purge() -> int:
    """Nightly (beat): delete the import files, rows and previews older than MTW_IMPORT_RETENTION_DAYS."""
    return services.import_batches_purge()
