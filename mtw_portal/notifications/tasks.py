"""Tasks of notifications: one notification's email and text, the sweep, the daily digest."""

from smtplib import SMTPException

from celery import shared_task

from mtw_portal.notifications import services
from mtw_portal.notifications.sms import SMSError


@shared_task(autoretry_for=(SMTPException, OSError, SMSError), retry_backoff=60, max_retries=5)
def notification_deliver(notification_id: int) -> None:
    services.notification_deliver(notification_id=notification_id)


@shared_task
def notifications_send_pending() -> int:
    """Every few minutes: sends that were never queued, or failed, are tried again (each once)."""
    return services.notifications_send_pending()


@shared_task
def digests_send() -> int:
    """Daily: one email per person who chose the digest, listing what is new."""
    return services.digests_send()
