"""Tasks of participants: the nightly purge of receipts kept while a support form was corrected."""

from celery import shared_task

from participants import services


@shared_task
def pending_receipts_purge() -> int:
    """Nightly (beat): delete the kept receipts that expired, and their files."""
    return services.pending_receipts_purge()
