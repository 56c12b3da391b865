"""The figures computed once, by the roll-up, and read by every page (``OutcomeTables``).

The roll-up (``outcomes.services.outcomes_rollup``) builds every table of the grant dashboard and
of each provider's dashboard (``outcomes.board.Board``), and each draft of the funder's report
(``reports.drafts``), and stores them here in the transaction that stores its snapshot. The pages
and their downloads read those rows: one query, whatever the number of participants.

A table is stored in the report's shape (``reports.quarterly``: ``key``, ``columns`` of ``key``,
``kind``, ``label``, and ``rows``/``footer`` of ``key`` and ``values``), with what a dashboard adds:
its title, note and sheet, each column's text for a hidden value, and each row's ``drill`` (the
parameters of the people behind each cell). Text to translate is kept as its message
(``{"text": ...}``, with its named values for a ``Text``), so a stored table is shown in the
viewer's language; money and dates are tagged as the report tags them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from mtw_portal.core.models import GrantSettings
from mtw_portal.core.services import GRANT_SETTINGS_PK
from mtw_portal.core.tables import Column, Table, Text
from outcomes.board import Board
from outcomes.models import OutcomeSnapshot, OutcomeTables
from programs.models import Provider

GRANT = "grant"
# The shape of the stored data. Raise it whenever a table, a key or an encoding changes: rows of
# another version read as not stored (the pages say the figures are being prepared) until the next
# roll-up replaces them, so a deploy never shows, or fails on, data of the old shape.
STORED_VERSION = 1


def provider_scope(provider) -> str:
    return f"provider:{provider.pk}"


def report_scope(quarter) -> str:
    return f"report:{quarter}"


# --- Values and tables as JSON, and back ------------------------------------------------------


def encode(value: Any) -> Any:
    if isinstance(value, Text):
        return {"text": _message(value.message), "values": {k: encode(v) for k, v in value.values.items()}}
    if isinstance(value, Promise):
        return {"text": _message(value)}
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    return value


def _message(lazy) -> Any:
    """The message of a lazy translation: its msgid (with its context for ``pgettext_lazy``)."""
    args = getattr(lazy, "_args", None)
    if not args or not all(isinstance(a, str) for a in args):
        return str(lazy)  # not a translation we know: kept as it reads now
    return list(args) if len(args) == 2 else args[0]


def decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "text" in value:
            text = value["text"]  # a stored message, translated as shown
            message = pgettext_lazy(*text) if isinstance(text, list) else gettext_lazy(text)  # noqa: INT001
            if "values" in value:
                return Text(message, **{k: decode(v) for k, v in value["values"].items()})
            return message
        if "decimal" in value:
            return Decimal(value["decimal"])
        if "date" in value:
            return date.fromisoformat(value["date"])
    return value


def table_data(table: Table) -> dict:
    def rows(rows) -> list[dict]:
        return [
            {
                "key": row.key,
                "values": [encode(cell.value) for cell in row.cells],
                "drill": {
                    column.key: cell.drill
                    for column, cell in zip(table.columns, row.cells, strict=True)
                    if cell.drill is not None
                },
            }
            for row in rows
        ]

    return {
        "key": table.key,
        "title": encode(table.title),
        "note": encode(table.note),
        "sheet": encode(table.sheet),
        "columns": [
            {"key": c.key, "kind": c.kind, "label": encode(c.label), "none_text": encode(c.none_text)}
            for c in table.columns
        ],
        "rows": rows(table.rows),
        "footer": rows(table.footer),
    }


def table_from_data(data: dict) -> Table:
    table = Table(
        data["key"],
        decode(data["title"]),
        [
            Column(c["key"], decode(c["label"]), c["kind"], decode(c.get("none_text", "")))
            for c in data["columns"]
        ],
        note=decode(data.get("note", "")),
        sheet=decode(data.get("sheet", "")),
    )
    for footer, rows in ((False, data["rows"]), (True, data.get("footer", []))):
        for row in rows:
            table.add(row["key"], *[decode(v) for v in row["values"]], drill=row.get("drill"), footer=footer)
    return table


# --- Computed by the roll-up ------------------------------------------------------------------


def board_data(board: Board) -> dict:
    """Everything a dashboard shows, as JSON-ready data: its tables, the targets' pace and the
    chart over time. Built in English; the stored messages are translated when shown."""
    pace = [{key: encode(value) for key, value in row.items()} for row in board.pace()]
    history = board.history_payload()
    return {
        "tables": [table_data(table) for table in board.tables()],
        "pace": pace,
        "history": {key: history[key] for key in ("dates", "trained", "placed_good_jobs")},
    }


def tables_store(snapshot: OutcomeSnapshot, scopes: dict[str, dict]) -> None:
    """Replace the stored tables with ``scopes`` ({scope: data}), all of the same roll-up; scopes
    no longer computed (a provider removed, a quarter submitted or out of the list) are dropped.
    Call inside the roll-up's transaction."""
    now = snapshot.computed_at
    for scope, data in scopes.items():
        OutcomeTables.objects.update_or_create(
            scope=scope,
            defaults={"snapshot": snapshot, "data": {**data, "version": STORED_VERSION}, "computed_at": now},
        )
    OutcomeTables.objects.exclude(scope__in=list(scopes)).delete()


def board_scopes(as_of: date, *, snapshots, grant) -> dict[str, dict]:
    """The grant dashboard's and each provider's, computed now."""
    scopes = {GRANT: board_data(Board(as_of=as_of, snapshots=snapshots, grant=grant))}
    for provider in Provider.objects.order_by("pk"):
        board = Board(as_of=as_of, provider=provider, snapshots=snapshots)
        scopes[provider_scope(provider)] = board_data(board)
    return scopes


# --- Read by the pages ------------------------------------------------------------------------


def stored_tables(scope: str) -> OutcomeTables | None:
    """The stored row of ``scope`` (with its snapshot's date), or None before the first roll-up
    that computed it, or when it was stored in another shape (``STORED_VERSION``): one query."""
    row = OutcomeTables.objects.select_related("snapshot").defer("snapshot__data").filter(scope=scope).first()
    if row is None or row.data.get("version") != STORED_VERSION:
        return None
    return row


@dataclass
class StoredBoard:
    """A dashboard as the last roll-up stored it: what ``outcomes/dashboard.html`` shows."""

    row: OutcomeTables | None
    provider: Provider | None = None

    @property
    def computed_at(self):
        return self.row.computed_at if self.row else None

    @property
    def as_of(self) -> date | None:
        return self.row.snapshot.as_of if self.row else None

    def tables(self) -> list[Table]:
        if self.row is None:
            return []
        return [Board._named(table_from_data(t)) for t in self.row.data.get("tables", [])]

    def table(self, key: str) -> Table | None:
        if self.row is None:
            return None
        found = next((t for t in self.row.data.get("tables", []) if t["key"] == key), None)
        return Board._named(table_from_data(found)) if found else None

    def pace(self) -> list[dict]:
        if self.row is None:
            return []
        return [{key: decode(value) for key, value in row.items()} for row in self.row.data.get("pace", [])]

    def history_payload(self) -> dict:
        stored = (self.row.data.get("history") if self.row else None) or {}
        return {
            "dates": stored.get("dates", []),
            "trained": stored.get("trained", []),
            "placed_good_jobs": stored.get("placed_good_jobs", []),
            "labels": {"trained": _("People trained"), "placed_good_jobs": _("Placed in good jobs")},
        }


def stored_board(provider: Provider | None = None) -> StoredBoard:
    return StoredBoard(stored_tables(provider_scope(provider) if provider else GRANT), provider)


def rollup_pending_until():
    """When the queued roll-up is due (a change is waiting for it), or None: one query."""
    due = (
        GrantSettings.objects.filter(pk=GRANT_SETTINGS_PK)
        .values_list("rollup_pending_until", flat=True)
        .first()
    )
    return due if due and due > timezone.now() else None


def column_index(table: dict, key: str) -> int | None:
    """The position of column ``key`` in a stored table, or None when it has no such column."""
    keys = [column.get("key") for column in table.get("columns", [])]
    return keys.index(key) if key in keys else None


def stored_cell(tables: list[dict], params: dict) -> Any:
    """The stored value of the cell whose people are ``params`` (a drill's parameters), and
    whether one was found: ``(found, value)``. ``tables``: a stored row's ``data["tables"]``."""
    params = {key: str(value) for key, value in params.items()}
    for table in tables:
        for row in [*table["rows"], *table.get("footer", [])]:
            for column_key, drill in row.get("drill", {}).items():
                if {key: str(value) for key, value in drill.items()} == params:
                    index = column_index(table, column_key)
                    if index is None or index >= len(row["values"]):
                        return False, None
                    return True, decode(row["values"][index])
    return False, None
