"""The grant dashboard (grant staff), a provider's own, their downloads, and the people behind a number."""

from __future__ import annotations

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from mtw_portal import access
from mtw_portal.accounts.models import Role
from mtw_portal.audit.services import ReadKind, record_view
from mtw_portal.core.forms import apply_validation_error
from mtw_portal.core.paging import OpenPage
from mtw_portal.core.tables import FORMATS, table_response, workbook_response
from outcomes import services, stored
from outcomes.board import Board
from outcomes.drill import drill_is_shown, drill_parse, drill_people, drill_people_table, drill_url
from outcomes.forms import GrantTargetsForm
from outcomes.suppression import SUPPRESS_BELOW

PEOPLE_PER_PAGE = 50


def _provider(user):
    return access.provider_staff_for(user).provider


# How long a rendered dashboard is kept: its key names the stored figures, so a roll-up moves it
# to a new key at once; this only bounds the space the old ones take.
BODY_SECONDS = 24 * 3600


def _dashboard_body(request, board: stored.StoredBoard, *, downloads: str, workbook: str, links: bool):
    """The figures of a dashboard as HTML, and whether it draws charts. Rendered once per stored
    roll-up, language, dashboard and day (the pace reads today's date), then read from the cache
    (Django's: the database in development, Redis in production): rendering some twenty tables
    costs more than all the page's queries."""
    row = board.row
    today = timezone.localdate()
    key = ":".join(
        [
            "mtw-dashboard-body",
            str(row.pk),
            str(row.computed_at.timestamp()),
            translation.get_language() or "",
            str(board.provider.pk) if board.provider else "staff",
            today.isoformat(),
        ]
    )
    cached = cache.get(key)
    if cached is not None:
        return cached
    tables = {table.key: table for table in board.tables()}
    if links:
        for table in tables.values():
            table.link(drill_url)
    charts = {key: Board.chart(table) for key, table in tables.items()}

    def section(keys) -> list[tuple]:
        """(table, its chart's data or None) for the keys this board has, in order."""
        return [(tables[key], charts[key]) for key in keys if key in tables]

    history = board.history_payload()
    grant = None if board.provider else services.grant_settings()
    has_charts = bool(history["dates"]) or any(charts.values())
    body = render_to_string(
        "outcomes/_dashboard_body.html",
        {
            "provider": board.provider,
            "grant": grant,
            "end_passed": bool(grant and grant.grant_end_date and grant.grant_end_date <= today),
            "targets": board.pace(),
            "tables": tables,
            "funnel": tables.get("funnel"),
            "history": history,
            "training_tables": section(["providers", "programs", "quarters"]),
            "equity_tables": section([key for key in tables if key.startswith("equity-")]),
            "support_tables": section(["wraparound", "cost", "non_completion"]),
            "coalition_table": section(["coalition"]),
            "downloads": downloads,
            "workbook": workbook,
        },
        request=request,
    )
    cache.set(key, (body, has_charts), BODY_SECONDS)
    return body, has_charts


def _render_board(request, board: stored.StoredBoard, **body_options):
    body, has_charts = _dashboard_body(request, board, **body_options) if board.row else ("", False)
    return render(
        request,
        "outcomes/dashboard.html",
        {
            "provider": board.provider,
            "stored": board.row,
            "computed_at": board.computed_at,
            "pending_until": stored.rollup_pending_until(),
            "body": mark_safe(body),  # noqa: S308 - our own template's output
            "has_charts": has_charts,
        },
    )


@access.role_required(Role.STAFF)
def dashboard(request):
    return _render_board(
        request,
        stored.stored_board(),
        downloads=reverse("outcomes:dashboard") + "tables/",
        workbook=reverse("outcomes:dashboard_workbook"),
        links=True,
    )


@access.role_required(Role.PROVIDER)
def provider_dashboard(request):
    return _render_board(
        request,
        stored.stored_board(_provider(request.user)),
        downloads=reverse("outcomes:provider_dashboard") + "tables/",
        workbook=reverse("outcomes:provider_dashboard_workbook"),
        links=False,
    )


def _download(board: stored.StoredBoard, key: str, fmt: str, prefix: str):
    """One stored table as a file: 404 for an unknown table, or before any roll-up stored it."""
    if fmt not in FORMATS:
        raise Http404
    table = board.table(key)
    if table is None:
        raise Http404
    return table_response(table, fmt, f"{prefix}-{key}-{board.as_of.isoformat()}")


def _workbook(board: stored.StoredBoard, prefix: str):
    if board.row is None:
        raise Http404  # nothing stored yet: the page says so
    return workbook_response(board.tables(), f"{prefix}-{board.as_of.isoformat()}")


@access.role_required(Role.STAFF)
def dashboard_table(request, key: str, fmt: str):
    return _download(stored.stored_board(), key, fmt, "mtw-dashboard")


@access.role_required(Role.PROVIDER)
def provider_dashboard_table(request, key: str, fmt: str):
    provider = _provider(request.user)
    return _download(stored.stored_board(provider), key, fmt, f"mtw-{provider.code.lower()}")


@access.role_required(Role.STAFF)
def dashboard_workbook(request):
    return _workbook(stored.stored_board(), "mtw-dashboard")


@access.role_required(Role.PROVIDER)
def provider_dashboard_workbook(request):
    provider = _provider(request.user)
    return _workbook(stored.stored_board(provider), f"mtw-{provider.code.lower()}")


def _drilled_people(request):
    """The drill of the request's parameters, the stored grant tables, and its people (grant
    staff), or 404: malformed, or a number the stored dashboard hides (``drill_is_shown``), as for
    an unknown figure. The people are in participant order (the primary key: an index).

    A group's list is also 404 when it now holds fewer than ``SUPPRESS_BELOW`` people: the figure
    was shown at the roll-up, but the list is of now, and a group that has since shrunk below the
    threshold would name the few people suppression hides (one query, counting at most
    ``SUPPRESS_BELOW`` rows)."""
    drill = drill_parse(request.GET)
    if drill is None:
        raise Http404
    grant = stored.stored_tables(stored.GRANT)
    tables = grant.data.get("tables", []) if grant else []
    if not drill_is_shown(drill, tables=tables):
        raise Http404
    as_of = timezone.localdate()
    people = (
        drill_people(drill, as_of=as_of, visible=access.participants_visible_to(request.user), tables=tables)
        .select_related("user", "organization", "navigator__user")
        .order_by("pk")
    )
    if drill.group is not None and people.order_by()[:SUPPRESS_BELOW].count() < SUPPRESS_BELOW:
        raise Http404
    return drill, grant, tables, as_of, people


@access.role_required(Role.STAFF)
def people(request):
    """The participants behind a dashboard number: grant staff only (names are personal data).
    The number is the stored one (with its time); the list is of now, a page at a time, never
    counted whole."""
    drill, grant, tables, as_of, people = _drilled_people(request)
    page = OpenPage(people, request.GET.get("page"), PEOPLE_PER_PAGE)
    record_view(request, kind=ReadKind.LIST, participants=page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    found, figure = stored.stored_cell(tables, {k: v for k, v in request.GET.items() if k != "page"})
    return render(
        request,
        "outcomes/people.html",
        {
            "drill": drill,
            "page": page,
            "figure": figure if found else None,
            "computed_at": grant.computed_at if grant and found else None,
            "figures_as_of": grant.snapshot.as_of if grant and found else None,
            "pending_until": stored.rollup_pending_until(),
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
    drill, _grant, _tables, as_of, people = _drilled_people(request)  # a "page" is ignored: everyone
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
