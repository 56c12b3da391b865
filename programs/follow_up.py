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
