"""Reads of the core app: the latest outcome snapshot and their history."""

from __future__ import annotations

from mtw_portal.core.models import OutcomeSnapshot


def outcome_snapshot_latest() -> OutcomeSnapshot | None:
    return OutcomeSnapshot.objects.order_by("-as_of").first()


def outcome_snapshot_history(limit: int = 400) -> list[OutcomeSnapshot]:
    """The latest ``limit`` snapshots, oldest first."""
    return list(OutcomeSnapshot.objects.order_by("-as_of")[:limit])[::-1]


# --- Funder reports ---


def funder_report_get(*, quarter):
    """The submitted report of ``quarter`` (a ``tables.Quarter``), or None while it is a draft."""
    from mtw_portal.core.models import FunderReport

    return (
        FunderReport.objects.select_related("submitted_by")
        .filter(year=quarter.year, quarter=quarter.number)
        .first()
    )


def funder_report_quarters(*, today=None, count: int = 8) -> list[dict]:
    """The quarters to list, newest first: the current one and the ``count - 1`` before it, and any
    other submitted; each with its submitted report (None for a draft) and whether it has ended."""
    from django.utils import timezone

    from mtw_portal.core.models import FunderReport
    from mtw_portal.core.tables import Quarter

    today = today or timezone.localdate()
    quarters = [Quarter.of(today)]
    while len(quarters) < count:
        quarters.append(quarters[-1].previous())
    reports = {
        Quarter(r.year, r.quarter): r
        for r in FunderReport.objects.select_related("submitted_by").defer("data")
    }
    return [
        {"quarter": q, "report": reports.get(q), "ended": q.end < today}
        for q in sorted(set(quarters) | set(reports), reverse=True)
    ]


def funder_report_tables_for(*, quarter):
    """``quarter``'s report as shown: (the submitted report or None, its tables). A submitted report
    comes from what was stored; a draft is computed now."""
    from mtw_portal.core.reports import funder_report_tables, tables_from_data

    report = funder_report_get(quarter=quarter)
    if report is not None:
        return report, tables_from_data(report.data)
    return None, funder_report_tables(quarter)
