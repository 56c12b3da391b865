"""The audit trail's pages: grant staff search and export it; a participant sees who saw them."""

from __future__ import annotations

import csv

from auditlog.models import LogEntry
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from mtw_portal import access
from mtw_portal.accounts.models import Role
from mtw_portal.audit import selectors
from mtw_portal.audit.forms import AuditFilterForm
from mtw_portal.audit.models import ReadKind
from mtw_portal.audit.services import record_view

PAGE_SIZE = 50
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _filters(request) -> tuple[AuditFilterForm, dict | None]:
    """The form and the selector's filters, or None when what was typed matches nobody."""
    form = AuditFilterForm(request.GET or None)
    if not form.is_bound:
        return form, {}
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    filters = {"date_from": data["date_from"], "date_to": data["date_to"], "kind": data["kind"]}
    for name, resolve, error in (
        ("participant", selectors.participant_id_from, _("No participant has this number or email.")),
        ("user", selectors.user_id_from, _("No user has this number or email.")),
    ):
        if data[name]:
            filters[f"{name}_id"] = resolve(data[name])
            if filters[f"{name}_id"] is None:
                form.add_error(name, error)
                return form, None
    return form, filters


def _without_kind(filters: dict) -> dict:
    return {key: value for key, value in filters.items() if key != "kind"}


def _page(request, items):
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


@access.role_required(Role.STAFF)
def reads(request):
    form, filters = _filters(request)
    events = selectors.read_event_list(**filters) if filters is not None else None
    page = _page(request, events) if events is not None else None
    return render(
        request,
        "audit/reads.html",
        {"form": form, "page": page, "tab": "reads"},
    )


@access.role_required(Role.STAFF)
def changes(request):
    form, filters = _filters(request)
    entries = selectors.change_list(**_without_kind(filters)) if filters is not None else None
    page = _page(request, entries) if entries is not None else None
    if page is not None:
        shown = selectors.participant_ids_in(LogEntry.objects.filter(pk__in=[e.pk for e in page]))
        record_view(request, kind=ReadKind.AUDIT, participants=[*shown, filters.get("participant_id")])
    return render(
        request,
        "audit/changes.html",
        {"form": form, "page": page, "tab": "changes"},
    )


class _Echo:
    def write(self, value):
        return value


def _safe(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv_response(name: str, header: list, rows) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    lines = (writer.writerow([_safe(v) for v in row]) for row in rows)
    response = StreamingHttpResponse(
        (line for part in (["\ufeff" + writer.writerow(header)], lines) for line in part),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}-{timezone.localdate():%Y-%m-%d}.csv"'
    return response


@access.role_required(Role.STAFF)
def reads_csv(request):
    form, filters = _filters(request)
    events = selectors.read_event_list(**filters) if filters is not None else []
    record_view(request, kind=ReadKind.AUDIT, participants=[(filters or {}).get("participant_id")])
    header = ["when", "user_id", "user_email", "role", "organization", "ip", "what", "page", "path"]
    header.append("participant_ids")
    rows = (
        [
            timezone.localtime(e.at).isoformat(),
            e.user_id,
            e.user.email if e.user else "",
            e.role,
            e.organization,
            e.ip,
            e.kind,
            e.url_name,
            e.path,
            e.participant_ids.strip(","),
        ]
        for e in (events.iterator(chunk_size=2000) if events else [])
    )
    return _csv_response("mtw-read-trail", header, rows)


@access.role_required(Role.STAFF)
def changes_csv(request):
    form, filters = _filters(request)
    entries = selectors.change_list(**_without_kind(filters)) if filters is not None else []
    shown = selectors.participant_ids_in(entries) if filters is not None else set()
    record_view(request, kind=ReadKind.AUDIT, participants=[*shown, (filters or {}).get("participant_id")])
    header = ["when", "user_id", "user_email", "ip", "action", "record", "record_id", "changes"]
    rows = (
        [
            timezone.localtime(e.timestamp).isoformat(),
            e.actor_id,
            e.actor.email if e.actor else "",
            e.remote_addr,
            e.get_action_display(),
            f"{e.content_type.app_label}.{e.content_type.model}",
            e.object_pk,
            e.changes_str,
        ]
        for e in (entries.iterator(chunk_size=2000) if entries else [])
    )
    return _csv_response("mtw-change-history", header, rows)


@access.role_required(Role.PARTICIPANT)
def record_viewers(request):
    participant = access.own_participant(request.user)
    events = selectors.record_viewers(participant_id=participant.pk, exclude_user_id=request.user.pk)
    return render(request, "audit/record_viewers.html", {"page": _page(request, events)})
