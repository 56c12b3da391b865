"""Reads of the reports app: the funder's quarterly reports, submitted or draft."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils import timezone

from mtw_portal.core.paging import OpenPage
from mtw_portal.core.tables import Quarter
from outcomes.stored import report_scope, stored_tables
from programs.models import Enrollment
from reports.models import FunderReport
from reports.quarterly import ParticipantRows, period_end, tables_from_data


def funder_report_get(*, quarter):
    """The submitted report of ``quarter`` (a ``tables.Quarter``), or None while it is a draft."""
    return (
        FunderReport.objects.select_related("submitted_by")
        .filter(year=quarter.year, quarter=quarter.number)
        .first()
    )


def funder_report_quarters(*, today=None, count: int = 8) -> list[dict]:
    """The quarters to list, newest first: the current one and the ``count - 1`` before it, and any
    other submitted; each with its submitted report (None for a draft) and whether it has ended."""
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


def funder_report_draft(*, quarter):
    """``quarter``'s draft as the last roll-up stored it (``outcomes.stored``), or None when none
    is stored (before the first roll-up, or a quarter outside the report list): one query."""
    return stored_tables(report_scope(quarter))


def _with_participants(data: dict, rows) -> dict:
    return {
        **data,
        "tables": [
            {**table, "rows": rows} if table["key"] == "participants" else table
            for table in data.get("tables", [])
        ],
    }


def funder_report_tables_for(*, quarter):
    """``quarter``'s report as downloaded: (the submitted report or None, its tables). A submitted
    report comes from what was stored at submission; a draft from what the last roll-up stored,
    with the whole participant list read now (one query; empty tables when nothing is stored)."""
    report = funder_report_get(quarter=quarter)
    if report is not None:
        return report, tables_from_data(report.data)
    draft = funder_report_draft(quarter=quarter)
    if draft is None:
        return None, []
    return None, tables_from_data(draft_with_participants(quarter, draft))


def draft_with_participants(quarter, draft) -> dict:
    """The stored ``draft``'s data with the whole participant list, read now: what the downloads
    hold, and what a submission freezes (one query)."""
    until = period_end(quarter, timezone.localdate())
    rows = list(ParticipantRows(quarter)[:]) if until >= quarter.start else []
    return _with_participants(draft.data, rows)


def funder_report_page(*, quarter, page, per_page: int):
    """``quarter``'s report for its page: (the submitted report or None, its tables, the page of
    the participant list shown, the stored draft or None). The participant table holds that page's
    rows only. A draft's tables are the last roll-up's; its participant list is read now with
    LIMIT and OFFSET (one row more than the page, ``OpenPage``), never counted whole, so the
    page's cost does not grow with the number of people."""
    report = funder_report_get(quarter=quarter)
    if report is not None:
        data = report.data
        listed = next((t for t in data.get("tables", []) if t["key"] == "participants"), None)
        shown = Paginator(listed["rows"] if listed else [], per_page).get_page(page)
        return report, tables_from_data(_with_participants(data, list(shown.object_list))), shown, None
    draft = funder_report_draft(quarter=quarter)
    if draft is None:
        return None, [], None, None
    shown = OpenPage(ParticipantRows(quarter), page, per_page)
    return None, tables_from_data(_with_participants(draft.data, shown.object_list)), shown, draft


def report_participant_ids(tables) -> list[int]:
    """The participants named in a report's participant list (its rows are keyed by enrollment),
    for the read trail: one query per 10,000 rows."""
    listed = [row for table in tables if table.key == "participants" for row in table.rows]
    keys = [int(row.key) for row in listed if str(row.key).isdigit()]
    ids: set[int] = set()
    for start in range(0, len(keys), 10_000):
        chunk = keys[start : start + 10_000]
        ids.update(Enrollment.objects.filter(pk__in=chunk).values_list("participant_id", flat=True))
    return sorted(ids)
