"""The funder's draft reports, computed by the roll-up and stored with its figures
(``outcomes.stored``): the page of a draft reads them, never counting over all participants.

The drafts stored are those of every quarter the report list shows (``funder_report_quarters``:
the current quarter and the seven before it) that is not submitted: the current and the previous
quarter always (unless submitted), and any older quarter of the list still waiting. A quarter
outside the list is not stored; its page says so (its address is not linked from anywhere).
"""

from __future__ import annotations

from datetime import date

from django.utils import translation

from mtw_portal.core.tables import Quarter
from reports.models import FunderReport
from reports.quarterly import ParticipantRows, corrections_rows, funder_report_data
from reports.selectors import funder_report_quarters

DRAFT_QUARTERS = 8  # as many as the report list shows


def draft_quarters(today: date) -> list[Quarter]:
    return [
        item["quarter"]
        for item in funder_report_quarters(today=today, count=DRAFT_QUARTERS)
        if item["report"] is None and item["quarter"].start <= today
    ]


def drafts_data(today: date) -> dict[Quarter, dict]:
    """{quarter: its draft's data (``funder_report_data`` without the participant rows) with the
    participant list's length as ``participants_count``}. The corrections of each submitted report
    are computed once and shared by the drafts after it."""
    submitted = list(FunderReport.objects.order_by("year", "quarter"))
    with translation.override("en"):
        corrections = {(r.year, r.quarter): corrections_rows([r], today=today) for r in submitted}
    out = {}
    for quarter in draft_quarters(today):
        data = funder_report_data(quarter, today=today, submitted=[], participants=False)
        rows = [
            row
            for report in submitted
            if Quarter(report.year, report.quarter) < quarter
            for row in corrections[(report.year, report.quarter)]
        ]
        data["tables"] = [
            {**table, "rows": rows} if table["key"] == "corrections" else table for table in data["tables"]
        ]
        data["participants_count"] = ParticipantRows(quarter, today=today).count()
        out[quarter] = data
    return out
