"""Tasks of programs: the daily round of six-month follow-ups that came due."""

from celery import shared_task

from programs import services


@shared_task
def follow_ups_due_notify() -> int:
    """Daily: each follow-up that came due is announced to the person's navigator, once."""
    return services.follow_ups_due_notify()
