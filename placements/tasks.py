"""Tasks of placements: a retention check's reminder email, and the round of those due (every 6 hours)."""

from smtplib import SMTPException

from celery import shared_task

from placements import services


@shared_task(autoretry_for=(SMTPException, OSError), retry_backoff=60, max_retries=5)
def retention_reminder_send(check_id: int) -> bool:
    return services.retention_reminder_send(check_id=check_id)


@shared_task
def retention_reminders_send_due() -> int:
    """Every 6 hours (beat; `manage.py run_periodic` in the demo): every retention check that came
    due gets its reminder, once."""
    return services.retention_reminders_send_due()
