"""The grant dashboard (grant staff), a provider's own, their downloads, and the people behind a number."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mtw_portal import access
from mtw_portal.accounts.models import Role
from mtw_portal.audit.services import ReadKind, record_view
from mtw_portal.core.forms import apply_validation_error
from mtw_portal.core.tables import FORMATS, table_response, workbook_response
from outcomes import services
from outcomes.board import Board
from outcomes.drill import drill_is_shown, drill_parse, drill_people, drill_people_table, drill_url
from outcomes.forms import GrantTargetsForm
from outcomes.selectors import outcome_snapshot_history

PEOPLE_PER_PAGE = 50


def _staff_board() -> Board:
    return Board(
        as_of=timezone.localdate(), snapshots=outcome_snapshot_history(), grant=services.grant_settings()
    )


def _provider_board(user) -> Board:
    provider = access.provider_staff_for(user).provider
    return Board(as_of=timezone.localdate(), provider=provider, snapshots=outcome_snapshot_history())


def _render_board(request, board: Board, *, downloads: str, workbook: str, links: bool):
    tables = {table.key: table for table in board.tables()}
    if links:
        for table in tables.values():
            table.link(drill_url)
    charts = {key: board.chart(table) for key, table in tables.items()}

    def section(keys) -> list[tuple]:
        """(table, its chart's data or None) for the keys this board has, in order."""
        return [(tables[key], charts[key]) for key in keys if key in tables]

    latest = board.latest
    grant = board.grant
    today = board.as_of
    history = board.history_payload()
    return render(
        request,
        "outcomes/dashboard.html",
        {
            "board": board,
            "provider": board.provider,
            "snapshot": latest,
            "grant": grant,
            "end_passed": bool(grant and grant.grant_end_date and grant.grant_end_date <= today),
            "targets": board.pace(),
            "tables": tables,
            "funnel": tables["funnel"],
            "history": history,
            "training_tables": section(["providers", "programs", "quarters"]),
            "equity_tables": section([key for key in tables if key.startswith("equity-")]),
            "support_tables": section(["wraparound", "cost", "non_completion"]),
            "coalition_table": section(["coalition"]),
            "has_charts": bool(history["dates"]) or any(charts.values()),
            "downloads": downloads,
            "workbook": workbook,
        },
    )


@access.role_required(Role.STAFF)
def dashboard(request):
    return _render_board(
        request,
        _staff_board(),
        downloads=reverse("outcomes:dashboard") + "tables/",
        workbook=reverse("outcomes:dashboard_workbook"),
        links=True,
    )


@access.role_required(Role.PROVIDER)
def provider_dashboard(request):
    return _render_board(
        request,
        _provider_board(request.user),
        downloads=reverse("outcomes:provider_dashboard") + "tables/",
        workbook=reverse("outcomes:provider_dashboard_workbook"),
        links=False,
    )


def _download(board: Board, key: str, fmt: str, prefix: str):
    if fmt not in FORMATS:
        raise Http404
    table = board.table(key)
    if table is None:
        raise Http404
    return table_response(table, fmt, f"{prefix}-{key}-{board.as_of.isoformat()}")


@access.role_required(Role.STAFF)
def dashboard_table(request, key: str, fmt: str):
    return _download(_staff_board(), key, fmt, "mtw-dashboard")


@access.role_required(Role.PROVIDER)
def provider_dashboard_table(request, key: str, fmt: str):
    board = _provider_board(request.user)
    return _download(board, key, fmt, f"mtw-{board.provider.code.lower()}")


@access.role_required(Role.STAFF)
def dashboard_workbook(request):
    board = _staff_board()
    return workbook_response(board.tables(), f"mtw-dashboard-{board.as_of.isoformat()}")


@access.role_required(Role.PROVIDER)
def provider_dashboard_workbook(request):
    board = _provider_board(request.user)
    return workbook_response(board.tables(), f"mtw-{board.provider.code.lower()}-{board.as_of.isoformat()}")


def _drilled_people(request):
    """The drill of the request's parameters and its people (grant staff), or 404: malformed, or a
    number the dashboard hides (``drill_is_shown``), as for an unknown figure."""
    drill = drill_parse(request.GET)
    if drill is None:
        raise Http404
    as_of = timezone.localdate()
    if not drill_is_shown(drill, as_of=as_of):
        raise Http404
    people = (
        drill_people(drill, as_of=as_of, visible=access.participants_visible_to(request.user))
        .select_related("user", "organization", "navigator__user")
        .order_by("user__last_name", "user__first_name", "pk")
    )
    return drill, as_of, people


@access.role_required(Role.STAFF)
def people(request):
    """The participants behind a dashboard number: grant staff only (names are personal data)."""
    drill, as_of, people = _drilled_people(request)
    page = Paginator(people, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    record_view(request, kind=ReadKind.LIST, participants=page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "outcomes/people.html",
        {
            "drill": drill,
            "page": page,
            "total": page.paginator.count,
            "as_of": as_of,
            "query": query.urlencode(),
        },
    )


@access.role_required(Role.STAFF)
def people_download(request, fmt: str):
    """The whole list behind a number as CSV or XLSX: the same people as the page, under the same
    rules, and noted in the read trail as an export."""
    if fmt not in FORMATS:
        raise Http404
    drill, as_of, people = _drilled_people(request)  # a "page" is ignored: the file holds everyone
    people = list(people)
    record_view(request, kind=ReadKind.EXPORT, participants=people)
    filename = f"mtw-people-{drill.measure}-{as_of.isoformat()}"
    return table_response(drill_people_table(drill, people), fmt, filename)


@access.role_required(Role.STAFF)
def targets(request):

    current = services.grant_settings()
    form = GrantTargetsForm(
        request.POST or None,
        initial={
            "target_trained": current.target_trained,
            "target_placed_good_jobs": current.target_placed_good_jobs,
            "grant_end_date": current.grant_end_date,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.grant_settings_update(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Targets saved. The next roll-up reports against them."))
            return redirect("core:staff_home")
    return render(request, "outcomes/targets.html", {"form": form, "current": current})
