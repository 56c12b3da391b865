"""Pages of the funder's quarterly report: the quarters, one quarter's tables, its downloads, and
submitting it (after which it is frozen). Grant staff only; the figures come from
``reports.quarterly`` through the selectors, the submission from the services."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mtw_portal import access
from mtw_portal.accounts.models import Role
from mtw_portal.audit.services import ReadKind, record_view
from mtw_portal.core.tables import Quarter, table_response, workbook_response
from outcomes.stored import rollup_pending_until
from reports import selectors, services, wioa
from reports.quarterly import TABLE_KEYS, shown

PARTICIPANTS_PER_PAGE = 50


def _quarter(text: str) -> Quarter:
    quarter = Quarter.parse(text)
    if quarter is None or str(quarter) != text:
        raise Http404
    return quarter


def _filename(quarter: Quarter, suffix: str = "") -> str:
    return f"funder-report-{quarter}{suffix}"


@access.role_required(Role.STAFF)
def report_list(request):
    return render(request, "reports/list.html", {"quarters": selectors.funder_report_quarters()})


@access.role_required(Role.STAFF)
def report_detail(request, quarter: str):
    quarter = _quarter(quarter)
    report, tables, page, draft = selectors.funder_report_page(
        quarter=quarter, page=request.GET.get("page"), per_page=PARTICIPANTS_PER_PAGE
    )
    record_view(request, kind=ReadKind.LIST, participants=selectors.report_participant_ids(tables))
    return render(
        request,
        "reports/detail.html",
        {
            "quarter": quarter,
            "report": report,
            "tables": [shown(table, page=page if table.key == "participants" else None) for table in tables],
            "ended": quarter.end < timezone.localdate(),
            "stored": draft,
            "computed_at": draft.computed_at if draft else None,
            "pending_until": rollup_pending_until() if report is None else None,
            "participants_count": draft.data.get("participants_count") if draft else None,
            # Submitting freezes this draft: only one stored after the quarter ended can be.
            "submittable": bool(draft and draft.data.get("period_end") == quarter.end.isoformat()),
            "draft_stamp": services.draft_stamp(draft) if draft else "",
        },
    )


@access.role_required(Role.STAFF)
@require_POST
def report_submit(request, quarter: str):
    quarter = _quarter(quarter)
    try:
        services.funder_report_submit(
            quarter=quarter,
            by=request.user,
            shown=request.POST.get("shown", ""),
            confirm_pending=request.POST.get("confirm_pending") == "yes",
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("The report for %(quarter)s is submitted and frozen.") % {"quarter": quarter.label}
        )
    return redirect("reports:funder_report", quarter=str(quarter))


@access.role_required(Role.STAFF)
def report_xlsx(request, quarter: str):
    quarter = _quarter(quarter)
    _report, tables = selectors.funder_report_tables_for(quarter=quarter)
    if not tables:
        raise Http404  # a draft no roll-up has stored yet: its page says so
    record_view(request, kind=ReadKind.REPORT, participants=selectors.report_participant_ids(tables))
    return workbook_response(tables, _filename(quarter))


@access.role_required(Role.STAFF)
def report_csv(request, quarter: str, table: str):
    quarter = _quarter(quarter)
    if table not in TABLE_KEYS:
        raise Http404
    _report, tables = selectors.funder_report_tables_for(quarter=quarter)
    for candidate in [t for t in tables if t.key == table]:
        record_view(request, kind=ReadKind.REPORT, participants=selectors.report_participant_ids([candidate]))
        return table_response(candidate, "csv", _filename(quarter, f"-{table.replace('_', '-')}"))
    raise Http404


# The WIOA extract for the local workforce board (reports.wioa): the page lists who is in it and
# who is left out and why, a page of the left-out at a time; the download is the file of the valid
# rows. Without the special project code (PIRL 105) every row fails: the page then says only that,
# and builds nothing (it would otherwise name, and log as read, everyone who shares with the board).
# The page still builds the whole extract to know who is left out (every row is checked in Python).


def _wioa_extract(request) -> wioa.Extract:
    return wioa.wioa_extract(access.participants_shared_with_workforce_board(request.user))


@access.role_required(Role.STAFF)
def wioa_extract_page(request):
    context = {"elements": wioa.ELEMENTS}
    if not settings.MTW_WIOA_SPECIAL_PROJECT_ID:
        return render(request, "reports/wioa.html", {**context, "missing_setting": True})
    extract = _wioa_extract(request)
    invalid = extract.invalid_records
    # Django's paginator, not core.paging's: the list is in memory, counting it costs nothing (and
    # CappedPaginator's count takes any object with a ``count`` method for a queryset, lists too).
    page = Paginator(invalid, PARTICIPANTS_PER_PAGE).get_page(request.GET.get("page"))
    record_view(request, kind=ReadKind.LIST, participants=[r.participant.pk for r in page.object_list])
    return render(
        request,
        "reports/wioa.html",
        {
            **context,
            "as_of": extract.as_of,
            "total": len(extract.records),
            "valid_count": len(extract.records) - len(invalid),
            "invalid_count": len(invalid),
            "page": page,
        },
    )


@access.role_required(Role.STAFF)
def wioa_extract_csv(request):
    if not settings.MTW_WIOA_SPECIAL_PROJECT_ID:  # every row would fail: nothing to build
        messages.error(request, _("No record passes the checks: there is no file to download yet."))
        return redirect("reports:wioa_extract")
    extract = _wioa_extract(request)
    valid = extract.valid_records
    if not valid:
        messages.error(request, _("No record passes the checks: there is no file to download yet."))
        return redirect("reports:wioa_extract")
    record_view(request, kind=ReadKind.EXPORT, participants=[r.participant.pk for r in valid])
    response = HttpResponse(extract.csv_text(), content_type="text/csv; charset=utf-8")
    filename = f"wioa-pirl-{extract.special_project_id}-{extract.as_of:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
