"""Queue Celery tasks without ever losing the write that asked for them.

Tasks are queued after the transaction commits. If the broker is down, the row that
asked for the task is already saved; the error is logged and the periodic sweep that
every such task has (see CELERY_BEAT_SCHEDULE) picks the work up later. The request
that made the change still succeeds.
"""

from __future__ import annotations

import logging

from celery.exceptions import Retry
from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def enqueue(task, *args, **kwargs) -> bool:
    """Queue ``task`` now. True when queued (or run, in inline mode); False when the broker is down."""
    return enqueue_later(task, None, *args, **kwargs)


def enqueue_later(task, countdown: float | None, *args, **kwargs) -> bool:
    """``enqueue``, to run ``countdown`` seconds from now (inline mode runs it at once)."""
    try:
        task.apply_async(args=args, kwargs=kwargs, countdown=countdown)
    except Retry as retry:
        # Inline mode (no broker) cannot wait to retry: the periodic sweep sends it later.
        logger.warning(
            "%s%r failed and will be retried by the periodic sweep: %s", task.name, args, retry.exc
        )
        return False
    except (OperationalError, ConnectionError, TimeoutError):
        logger.exception(
            "Could not queue %s%r: the broker is unreachable; the periodic sweep will retry.", task.name, args
        )
        return False
    return True


def enqueue_on_commit(task, *args, **kwargs) -> None:
    transaction.on_commit(lambda: enqueue(task, *args, **kwargs))
