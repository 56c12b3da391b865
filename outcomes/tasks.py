"""The roll-up task: nightly (beat) and soon after changes (debounced)."""

from celery import shared_task

from outcomes import services


@shared_task
def outcomes_rollup() -> str:
    """Nightly (beat) and soon after changes (debounced): store today's outcome snapshot."""
    return services.outcomes_rollup().as_of.isoformat()
