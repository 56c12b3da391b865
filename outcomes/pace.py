"""The grant dashboard's arithmetic: progress and pace against a target, the funnel, the history.

Pure functions of the stored snapshots (``OutcomeSnapshot.data``); nothing here reads the database.
A "month" is 30.44 days (365.25 / 12).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _

DAYS_PER_MONTH = 30.44
PACE_WINDOW_MONTHS = 6

# The snapshot keys shown as the funnel's steps, in order (see the README, "Outcomes").
FUNNEL_STEPS = [
    ("enrolled", _("Enrolled")),
    ("trained", _("Trained (completed training)")),
    ("credentials_earned", _("Earned a credential")),
    ("internships", _("Internship")),
    ("apprenticeships", _("Apprenticeship")),
    ("employed_full_time", _("Employed full time")),
    ("employed_part_time", _("Employed part time")),
    ("placed_good_jobs", _("Placed in a good job")),
    ("retained_180_days", _("Retained 180 days")),
]

# The two targets: (snapshot key, GrantSettings field).
TARGETS = [
    ("trained", "target_trained"),
    ("placed_good_jobs", "target_placed_good_jobs"),
]


def _months(start: date, end: date) -> float:
    return (end - start).days / DAYS_PER_MONTH


def pace(
    history: list[tuple[date, int]], *, current: int, target: int, today: date, end: date | None
) -> dict:
    """Progress and pace of one figure against its target.

    ``history``: (date, count) pairs, any order. The rate is the average monthly gain over the
    last up-to-6 months of it (the window ends at the latest snapshot): first vs last snapshot in
    the window, over the months between them. ``None`` with fewer than two snapshots there (or
    both on one day). With an end date still ahead: ``months_left``, ``projected`` (the count at
    the end at that rate, ``None`` without a rate) and ``needed`` (the monthly gain still needed:
    ``0`` once the target is met). No end date, or one already passed: those three are ``None``.
    """
    met = current >= target
    percent = round(100 * current / target, 1) if target else 100.0
    rate = None
    points = sorted(history)
    if points:
        window_start = points[-1][0] - timedelta(days=round(PACE_WINDOW_MONTHS * DAYS_PER_MONTH))
        window = [point for point in points if point[0] >= window_start]
        (first_day, first), (last_day, last) = window[0], window[-1]
        if last_day > first_day:
            rate = (last - first) / _months(first_day, last_day)
    months_left = projected = needed = None
    if end is not None and end > today:
        months_left = _months(today, end)
        if rate is not None:
            projected = max(0, round(current + rate * months_left))
        needed = 0.0 if met else round((target - current) / months_left, 1)
    elif met:
        needed = 0.0
    return {
        "current": current,
        "target": target,
        "percent": percent,
        "bar_percent": min(percent, 100.0),
        "met": met,
        "rate": None if rate is None else round(rate, 1),
        "months_left": None if months_left is None else round(months_left, 1),
        "projected": projected,
        "needed": needed,
        "on_track": None if projected is None else (met or projected >= target),
    }


def funnel(data: dict) -> list[dict]:
    """The funnel's steps from a snapshot's figures, each with its share of those enrolled."""
    enrolled = data.get("enrolled") or 0
    steps = []
    for key, label in FUNNEL_STEPS:
        count = data.get(key) or 0
        share = round(100 * count / enrolled, 1) if enrolled else 0.0
        steps.append(
            {"key": key, "label": label, "count": count, "percent": share, "bar_percent": min(share, 100.0)}
        )
    return steps
