from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone

from mtw_portal.core import services


@shared_task
def sessions_clear_expired() -> int:
    deleted, _by_model = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted




@shared_task
def import_batches_purge() -> int:
    """Nightly (beat): delete the import files, rows and previews older than MTW_IMPORT_RETENTION_DAYS."""
    return services.import_batches_purge()
