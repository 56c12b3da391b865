"""The periodic jobs without Celery beat: ``manage.py run_periodic``, which ``make demo`` starts
beside the web server.

In production Celery beat (django-celery-beat's database scheduler) queues the jobs of
``CELERY_BEAT_SCHEDULE`` for the worker. The demo has neither beat nor a worker (tasks run
inline), so ``PeriodicJobs`` runs the same entries in its own process: every job once at start
(so the demo's retention checks that are due get their reminders at once), then each when its
schedule (seconds or a crontab) says it is due again. A job that fails is logged and retried at
its next time; the others go on.
"""

from __future__ import annotations

import logging
from datetime import datetime

from celery.schedules import maybe_schedule
from django.conf import settings
from django.utils.module_loading import import_string

from mtw_portal.celery import app

logger = logging.getLogger(__name__)


class PeriodicJobs:
    """The entries of a beat schedule (by default ``settings.CELERY_BEAT_SCHEDULE``), each run
    in this process by ``tick()`` when it is due."""

    def __init__(self, entries: dict | None = None):
        entries = settings.CELERY_BEAT_SCHEDULE if entries is None else entries
        self.entries = {
            name: (entry["task"], maybe_schedule(entry["schedule"], app=app), entry.get("args", ()))
            for name, entry in entries.items()
        }
        self.last_run: dict[str, datetime] = {}

    def due(self) -> list[str]:
        """The entries due now: those never run, and those whose schedule says so."""
        return [
            name
            for name, (_task, schedule, _args) in self.entries.items()
            if name not in self.last_run or schedule.is_due(self.last_run[name]).is_due
        ]

    def tick(self) -> dict[str, object]:
        """Run every entry that is due, in this process; returns each one's result (or the
        exception it raised)."""
        results: dict[str, object] = {}
        for name in self.due():
            task_name, schedule, args = self.entries[name]
            self.last_run[name] = schedule.now()
            try:
                results[name] = import_string(task_name).apply(args=args, throw=True).get()
                logger.info("periodic job %s ran: %s", name, results[name])
            except Exception as error:
                logger.exception("periodic job %s failed", name)
                results[name] = error
        return results

    def seconds_to_next(self) -> float:
        """How long until the next entry is due (at most a minute, for a crontab's sake)."""
        waits = [
            schedule.is_due(self.last_run[name]).next
            for name, (_task, schedule, _args) in self.entries.items()
            if name in self.last_run
        ]
        return max(1.0, min([60.0, *waits]))
