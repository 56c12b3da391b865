"""The six-month follow-up after a completion: when it is due."""

from __future__ import annotations

import calendar
from datetime import date

FOLLOW_UP_MONTHS = 6


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months, the day cut to the month's length."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def follow_up_due(end_date: date) -> date:
    """The six-month date of a completion that ended on ``end_date``."""
    return add_months(end_date, FOLLOW_UP_MONTHS)


def follow_up_due_cutoff(today: date) -> date:
    """The latest end date whose follow-up is due by ``today``: ``follow_up_due(end) <= today``
    exactly when ``end <= follow_up_due_cutoff(today)`` (so a query can filter on the end date).

    On the last day of a month every end date of the month six months back is due (a follow-up
    due on the 31st of a 30-day month falls on the 30th)."""
    cutoff = add_months(today, -FOLLOW_UP_MONTHS)
    if today.day == calendar.monthrange(today.year, today.month)[1]:
        cutoff = cutoff.replace(day=calendar.monthrange(cutoff.year, cutoff.month)[1])
    return cutoff
