"""Spreadsheet imports: one framework for every kind (enrollment rosters, placements).

The command line (``manage.py import_roster KIND FILE``) and the web (upload, preview,
confirm) share everything here:

- :func:`read_table` turns the bytes of a CSV (UTF-8, with or without BOM; comma only) or
  XLSX file into rows of text keyed by column, checking the header, the size and the number
  of rows. The kind of file is told by its content, never by its name.
- An importer (a subclass of :class:`Importer`, registered in :data:`IMPORTERS`) plans a
  table without writing anything, and applies it all or nothing.
- Any bad row means nothing is written; each problem is a :class:`RowError`, shown as
  ``row N, column: message`` with row numbers as in the file (the header is row 1).
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from mtw_portal.core.validators import has_control_characters

# The kinds of import, by the name the command line and the web use. Dotted paths, so the
# framework does not import the apps (and the apps may import the framework).
IMPORTERS: dict[str, str] = {
    "enrollments": "programs.roster_import.EnrollmentRosterImporter",
    "placements": "employers.placement_import.PlacementImporter",
}

MULTI_LINE_COLUMNS = frozenset({"advancement_path"})  # the columns that may hold line breaks
MAX_COLUMNS = 100  # more than any kind needs: a wider sheet has unknown columns anyway
_XLSX_SIGNATURE = b"PK\x03\x04"
_OLD_EXCEL_SIGNATURE = b"\xd0\xcf\x11\xe0"


def max_rows() -> int:
    return getattr(settings, "MTW_IMPORT_MAX_ROWS", 20_000)


def max_bytes() -> int:
    return settings.MTW_IMPORT_MAX_MB * 1024 * 1024


@dataclass(frozen=True)
class RowError:
    """One problem in a file: its row (as in the file; the header is row 1), its column, what is wrong.

    A problem with the file as a whole (too large, unreadable) has no row.
    """

    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return f"{self.column}: {self.message}"
        return f"row {self.row}, {self.column}: {self.message}"


def too_large_error() -> RowError:
    return RowError(None, "file", _("the file is larger than %(mb)s MB") % {"mb": settings.MTW_IMPORT_MAX_MB})


class ImportFileError(Exception):
    """The file cannot be read as a table of the expected columns."""

    def __init__(self, errors: list[RowError]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class Row:
    number: int  # as in the file: the header is row 1
    values: dict[str, str]  # column -> text, stripped ("" when empty)

    def __getitem__(self, column: str) -> str:
        return self.values.get(column, "")


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: list[Row]


# --- Reading ------------------------------------------------------------------------------


def _cell_text(value) -> str:
    """A spreadsheet cell as text: dates as YYYY-MM-DD, whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv_rows(data: bytes):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ImportFileError(
            [
                RowError(
                    line,
                    "file",
                    _('this is not UTF-8 text; save the file as "CSV UTF-8" or as an Excel workbook (.xlsx)'),
                )
            ]
        ) from None
    if "\x00" in text:
        raise ImportFileError([RowError(None, "file", _("this is not a CSV or XLSX file"))])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=",", quotechar='"', strict=False)
    try:
        yield from reader
    except csv.Error as exc:
        raise ImportFileError(
            [
                RowError(
                    reader.line_num, "file", _("this line cannot be read as CSV: %(error)s") % {"error": exc}
                )
            ]
        ) from None


def _xlsx_rows(data: bytes):
    from openpyxl import load_workbook

    unreadable = ImportFileError(
        [RowError(None, "file", _("this XLSX file cannot be read; save it again from your spreadsheet"))]
    )
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged or foreign file
        raise unreadable from None
    try:
        if not workbook.worksheets:
            raise unreadable
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some writers record wrong dimensions: read what is there
        rows = sheet.iter_rows(min_row=1, max_col=MAX_COLUMNS, values_only=True)
        while True:
            try:
                values = next(rows)
            except StopIteration:
                return
            except Exception:
                raise unreadable from None
            yield [_cell_text(v) for v in values]
    finally:
        workbook.close()


def _raw_rows(data: bytes):
    if data.startswith(_XLSX_SIGNATURE):
        return _xlsx_rows(data)
    if data.startswith(_OLD_EXCEL_SIGNATURE):
        raise ImportFileError(
            [RowError(None, "file", _("old Excel files (.xls) are not read; save it as .xlsx or CSV UTF-8"))]
        )
    return _csv_rows(data)


def _check_header(cells: list[str], columns: tuple[str, ...]) -> dict[int, str]:
    """Positions of the expected columns in the header (any order, any case); errors name the rest."""
    names = [c.strip().lower() for c in cells]
    while names and not names[-1]:
        names.pop()
    positions = {i: name for i, name in enumerate(names) if name}
    errors = []
    missing = [c for c in columns if c not in names]
    unknown = [n for n in dict.fromkeys(names) if n and n not in columns]
    twice = [n for n, count in Counter(n for n in names if n).items() if count > 1]
    if missing:
        errors.append(RowError(1, "header", _("missing columns: %(names)s") % {"names": ", ".join(missing)}))
    if unknown:
        errors.append(RowError(1, "header", _("unknown columns: %(names)s") % {"names": ", ".join(unknown)}))
    if twice:
        errors.append(
            RowError(1, "header", _("columns given twice: %(names)s") % {"names": ", ".join(twice)})
        )
    if "" in names:
        errors.append(RowError(1, "header", _("a column has no name")))
    if errors:
        errors.append(RowError(1, "header", _("expected: %(names)s") % {"names": ",".join(columns)}))
        raise ImportFileError(errors)
    return positions


def read_table(data: bytes, columns: tuple[str, ...]) -> Table:
    """The rows of a CSV or XLSX file with exactly ``columns``. Raises :class:`ImportFileError`."""
    if len(data) > max_bytes():
        raise ImportFileError([too_large_error()])
    expected = ",".join(columns)
    if not data.removeprefix(b"\xef\xbb\xbf").strip():
        raise ImportFileError(
            [
                RowError(
                    1,
                    "header",
                    _("the file is empty; the first row must be: %(names)s") % {"names": expected},
                )
            ]
        )
    raw = iter(_raw_rows(data))
    header = next(raw, None)
    if header is None or not any(cell.strip() for cell in header):
        raise ImportFileError(
            [RowError(1, "header", _("the first row must be the header: %(names)s") % {"names": expected})]
        )
    positions = _check_header(header, columns)
    width = max(positions) + 1  # trailing blank header cells do not count
    rows, errors, limit = [], [], max_rows()
    for number, cells in enumerate(raw, start=2):
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue  # a blank line: skipped, but it keeps its number
        if len(rows) >= limit:
            raise ImportFileError(
                [
                    RowError(
                        number,
                        "file",
                        _("a file may have at most %(limit)s rows; split it into smaller files")
                        % {"limit": f"{limit:,}"},
                    )
                ]
            )
        if any(cells[width:]):
            errors.append(
                RowError(
                    number,
                    "file",
                    _("this row has values beyond the last column (%(column)s)")
                    % {"column": positions[width - 1]},
                )
            )
            continue
        values = {name: cells[i] if i < len(cells) else "" for i, name in positions.items()}
        # A column is one line (names, codes, dates), but for the few of several lines; no column
        # holds NUL or other control characters.
        errors.extend(
            RowError(number, name, _("has a line break or another control character; write it on one line"))
            for name, value in values.items()
            if has_control_characters(value, multi_line=name in MULTI_LINE_COLUMNS)
        )
        rows.append(Row(number, values))
    if errors:
        raise ImportFileError(errors)
    return Table(columns=columns, rows=rows)


# --- Plans and results --------------------------------------------------------------------


@dataclass
class PlannedAction:
    """What importing one row does: ``created``, ``updated`` or ``unchanged``, in words."""

    row: int
    action: str
    subject: str  # who or what the row is about, e.g. an email
    description: str


ACTIONS = ("created", "updated", "unchanged")


@dataclass
class ImportResult:
    """The plan of an import (or what it did, once ``applied``): actions, notes, errors."""

    kind: str
    actions: list[PlannedAction] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. "new program: UX Design (BrainStation)"
    # Named lists repeated in the one-line summary, e.g. {"new programs": ["UX Design (BrainStation)"]}.
    summary_notes: dict[str, list[str]] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(a.action for a in self.actions)
        return {action: counted.get(action, 0) for action in ACTIONS}

    def summary_line(self) -> str:
        """``enrollments: 12 created, 3 updated, 40 unchanged (new programs: UX Design (BrainStation))``."""
        counts = self.counts
        line = f"{self.kind}: " + ", ".join(f"{counts[a]} {a}" for a in ACTIONS)
        extras = "; ".join(
            f"{name}: {', '.join(items)}" for name, items in self.summary_notes.items() if items
        )
        return f"{line} ({extras})" if extras else line

    def error_lines(self) -> list[str]:
        return [str(e) for e in self.errors]

    def to_record(self) -> dict:
        """What is kept of a result (in ``ImportBatch.result``): counts, notes, errors, not every row."""
        return {
            "kind": self.kind,
            "applied": self.applied,
            "counts": self.counts,
            "summary": self.summary_line(),
            "notes": self.notes,
            "errors": [asdict(e) for e in self.errors],
        }


def sort_errors(errors: list[RowError], columns: tuple[str, ...]) -> list[RowError]:
    order = {name: i for i, name in enumerate(columns)}
    return sorted(errors, key=lambda e: (e.row or 0, order.get(e.column, len(order)), e.message))


# --- Importers ----------------------------------------------------------------------------


# Helpers every importer uses.

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CHUNK = 500  # values per IN (...) query


def chunks(values, size: int = CHUNK):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def name_key(name: str) -> str:
    """A name compared the way people mean it: spaces folded, any case."""
    return " ".join(name.split()).casefold()


def parse_iso_date(row, column: str, bad):
    """The cell as a date written YYYY-MM-DD; None when empty; ``bad(column, message)`` otherwise."""
    from datetime import date

    value = row[column]
    if not value:
        return None
    if ISO_DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    bad(column, _('"%(value)s" is not a date written YYYY-MM-DD') % {"value": value})
    return None


class WriteRefused(Exception):
    """A write service refused a row while applying: the whole import is rolled back."""

    def __init__(self, error: RowError):
        super().__init__(str(error))
        self.error = error


class Importer:
    """One kind of import. Subclasses set ``kind`` and ``columns`` and implement both phases.

    - :meth:`plan` validates every row against the database and says what would happen,
      writing nothing;
    - :meth:`apply` plans again inside a transaction (the data may have changed since the
      preview) and writes everything, or nothing when any row is bad.
    """

    kind: ClassVar[str]
    columns: ClassVar[tuple[str, ...]]

    def __init__(self, *, actor=None):
        self.actor = actor  # the user importing; None on the command line

    def plan(self, table: Table) -> ImportResult:
        return self._plan(table).result

    def apply(self, table: Table) -> ImportResult:
        """Plan again under locks and write it all, or nothing when any row is (now) bad."""
        try:
            with transaction.atomic():
                plan = self._plan(table, lock=True)
                if plan.result.errors:
                    return plan.result
                self._write(plan)
        except WriteRefused as exc:
            return ImportResult(kind=self.kind, errors=[exc.error])
        except IntegrityError:
            message = _("the records changed while importing, so nothing was written; import it again")
            return ImportResult(kind=self.kind, errors=[RowError(None, "file", message)])
        plan.result.applied = True
        return plan.result

    def _plan(self, table: Table, *, lock: bool = False):
        """Check every row and say what would happen; an object with a ``result`` (ImportResult)."""
        raise NotImplementedError

    def _write(self, plan) -> None:
        raise NotImplementedError

    @staticmethod
    def _service(row: int | None, column: str, service, **kwargs):
        """Call a write service; a refusal (the data changed since the plan) stops the whole import."""
        try:
            return service(**kwargs)
        except ValidationError as exc:
            raise WriteRefused(RowError(row, column, " ".join(exc.messages))) from None

    def run(self, data: bytes, *, apply: bool) -> ImportResult:
        """Read ``data``, then plan it (``apply=False``, a dry run) or apply it."""
        try:
            table = read_table(data, self.columns)
        except ImportFileError as exc:
            return ImportResult(kind=self.kind, errors=exc.errors)
        return self.apply(table) if apply else self.plan(table)


def importer_class(kind: str) -> type[Importer]:
    try:
        return import_string(IMPORTERS[kind])
    except KeyError:
        raise LookupError(
            f"unknown kind of import {kind!r}; known kinds: {', '.join(sorted(IMPORTERS))}"
        ) from None


def importer_for(kind: str, **options) -> Importer:
    return importer_class(kind)(**options)
