"""Spreadsheet imports: one framework for every kind (enrollment rosters, placements).

The command line (``manage.py import_roster KIND FILE``) and the web (upload, preview,
confirm) share everything here:

- :func:`read_table` turns the bytes of a CSV (UTF-8, with or without BOM; comma only) or
  XLSX file into rows of text keyed by column, checking the header and keeping any file within
  bounds: its size, an XLSX's unpacked size, inflation, shared texts and declared rows (looked
  at in the zip before openpyxl parses anything), the rows (blank ones count), the columns and
  the time spent; formula cells are refused. The kind of file is told by its content, never
  by its name.
- An importer (a subclass of :class:`Importer`, registered in :data:`IMPORTERS`) plans a
  table without writing anything, and applies it all or nothing.
- Any bad row means nothing is written; each problem is a :class:`RowError`, shown as
  ``row N, column: message`` with row numbers as in the file (the header is row 1).
"""

from __future__ import annotations

import csv
import io
import re
import time
import zipfile
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import ClassVar

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.packaging.manifest import Manifest
from openpyxl.reader.excel import ExcelReader
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet.dimensions import SheetDimension
from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS
from openpyxl.xml.functions import fromstring, iterparse

from mtw_portal.core.validators import has_control_characters

# The kinds of import, by the name the command line and the web use: kind -> importer class.
# Each app registers its own in its AppConfig.ready() (programs: the enrollment roster;
# placements: the placement import), so this module imports no app and the apps import it.
IMPORTERS: dict[str, type[Importer]] = {}

MULTI_LINE_COLUMNS = frozenset({"advancement_path"})  # the columns that may hold line breaks
MAX_COLUMNS = 50  # more than any kind needs: a wider sheet has unknown columns anyway
# XLSX: an archive of XML parts, inspected before openpyxl parses anything.
MAX_INFLATION = 100  # a part may inflate at most this many times (spreadsheets: 5 to 30)
INFLATION_CHECKED_FROM = 1024 * 1024  # parts smaller than this inflate as they like
UNZIPPED_PER_MB = 5  # the parts together: at most this many times MTW_IMPORT_MAX_MB
_XLSX_SIGNATURE = b"PK\x03\x04"
_OLD_EXCEL_SIGNATURE = b"\xd0\xcf\x11\xe0"
_SHARED_TABLE = re.compile(rb"<(\w+:)?sst[\s>]")


def max_rows() -> int:
    return getattr(settings, "MTW_IMPORT_MAX_ROWS", 20_000)


def max_bytes() -> int:
    return settings.MTW_IMPORT_MAX_MB * 1024 * 1024


def max_unzipped_bytes() -> int:
    return UNZIPPED_PER_MB * max_bytes()


def parse_seconds() -> float:
    """The wall-clock time reading one file may take before it stops with an error."""
    return getattr(settings, "MTW_IMPORT_PARSE_SECONDS", 20)


@dataclass(frozen=True)
class RowError:
    """One problem in a file: its row (as in the file; the header is row 1), its column, what is wrong.

    A problem with the file as a whole (too large, unreadable) has no row.
    """

    row: int | None
    column: str
    message: str

    @property
    def column_label(self) -> str:
        """The column as shown: a column of the file by its name; "file" and "header" in words."""
        label = WHOLE_FILE_COLUMNS.get(self.column)
        return str(label) if label is not None else self.column

    def __str__(self) -> str:
        if self.row is None:
            return f"{self.column_label}: {self.message}"
        return _("row %(row)s, %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column_label,
            "message": self.message,
        }


# The columns of a problem that is not in one cell: the file as a whole, or its header.
WHOLE_FILE_COLUMNS = {"file": gettext_lazy("file"), "header": gettext_lazy("header")}


def too_large_error() -> RowError:
    return RowError(None, "file", _("the file is larger than %(mb)s MB") % {"mb": settings.MTW_IMPORT_MAX_MB})


class ImportFileError(Exception):
    """The file cannot be read as a table of the expected columns."""

    def __init__(self, errors: list[RowError]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class SheetRow:
    number: int  # as in the file: the header is row 1
    values: dict[str, str]  # column -> text, stripped ("" when empty)

    def __getitem__(self, column: str) -> str:
        return self.values.get(column, "")


@dataclass(frozen=True)
class Sheet:
    columns: tuple[str, ...]
    rows: list[SheetRow]

    def to_record(self) -> dict:
        """The table as JSON (kept on an upload so that it is read once): values in column order."""
        return {
            "columns": list(self.columns),
            "rows": [[row.number, [row[c] for c in self.columns]] for row in self.rows],
        }

    @classmethod
    def from_record(cls, record: dict) -> Sheet:
        columns = tuple(record["columns"])
        return cls(
            columns=columns,
            rows=[
                SheetRow(number, dict(zip(columns, values, strict=True))) for number, values in record["rows"]
            ],
        )


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
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ImportFileError(
            [RowError(line, "file", _("this line holds a NUL character: this is not a CSV or XLSX file"))]
        )
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


class _Formula(str):
    """The text of a formula cell: refused, since what it shows depends on the spreadsheet program."""


def _unreadable_xlsx() -> ImportFileError:
    return ImportFileError(
        [RowError(None, "file", _("this XLSX file cannot be read; save it again from your spreadsheet"))]
    )


def _shared_string_count(xml: bytes) -> int:
    """The number of ``<si>`` elements of sharedStrings.xml, counted without parsing it."""
    table = _SHARED_TABLE.search(xml)
    tag = b"<" + ((table.group(1) or b"") if table else b"") + b"si"
    return sum(xml.count(tag + end) for end in (b">", b" ", b"/", b"\t", b"\r", b"\n"))


def _check_archive(data: bytes, *, max_cells: int) -> None:
    """Look inside an XLSX (a zip of XML parts) before openpyxl parses anything.

    The sizes a zip declares bound what Python inflates (a part that inflates to more than
    its declared size fails its check), so they can be trusted.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise _unreadable_xlsx() from None
    mb = {"mb": max_unzipped_bytes() // (1024 * 1024)}
    if sum(m.file_size for m in members) > max_unzipped_bytes():
        raise ImportFileError(
            [
                RowError(
                    None,
                    "file",
                    _("the workbook unpacks to more than %(mb)s MB; copy the rows into a new workbook") % mb,
                )
            ]
        )
    for member in members:
        if member.file_size > INFLATION_CHECKED_FROM and member.file_size > MAX_INFLATION * max(
            member.compress_size, 1
        ):
            message = _(
                "this workbook is packed too tightly to be a spreadsheet "
                "(%(part)s inflates %(ratio)s times); copy the rows into a new workbook"
            ) % {"part": member.filename, "ratio": f"{member.file_size // max(member.compress_size, 1):,}"}
            raise ImportFileError([RowError(None, "file", message)])
    try:
        manifest = Manifest.from_tree(fromstring(archive.read("[Content_Types].xml")))
        strings = manifest.find(SHARED_STRINGS)
        strings = archive.getinfo(strings.PartName[1:]) if strings is not None else None
    except Exception:  # no manifest, a damaged one, or a part it names is missing
        raise _unreadable_xlsx() from None
    if strings is None:
        return
    if strings.file_size > max_bytes():
        message = _(
            "the workbook's shared texts take more than %(mb)s MB unpacked; copy the rows into a new workbook"
        )
        raise ImportFileError([RowError(None, "file", message % {"mb": settings.MTW_IMPORT_MAX_MB})])
    try:
        count = _shared_string_count(archive.read(strings))
    except Exception:
        raise _unreadable_xlsx() from None
    if count > max_cells:
        message = _(
            "the workbook holds %(count)s different texts, more than a file of %(limit)s rows can use"
        )
        raise ImportFileError(
            [RowError(None, "file", message % {"count": f"{count:,}", "limit": f"{max_rows():,}"})]
        )


class _BoundedWorksheet(ReadOnlyWorksheet):
    """openpyxl's read-only sheet, whose declared size is read without reading the whole sheet.

    openpyxl looks for the ``<dimension>`` element until the end of ``<sheetData>``: a sheet
    without one (a million blank rows) was parsed in full before a single row was asked for.
    """

    def _get_size(self):
        with self._get_source() as source:
            for _event, element in iterparse(source, events=("start",)):
                if element.tag == f"{{{SHEET_MAIN_NS}}}dimension":
                    boundaries = SheetDimension.from_tree(element).boundaries
                    self._min_column, self._min_row, self._max_column, self._max_row = boundaries
                    return
                if element.tag == f"{{{SHEET_MAIN_NS}}}sheetData":
                    return


class _WorkbookReader(ExcelReader):
    """openpyxl's reader (read-only), with its worksheets as :class:`_BoundedWorksheet` and no
    chart sheets."""

    def read_worksheets(self):
        for sheet, rel in self.parser.find_sheets():
            if rel.target in self.valid_files and "chartsheet" not in rel.Type:
                self.wb._sheets.append(
                    _BoundedWorksheet(self.wb, sheet.name, rel.target, self.shared_strings)
                )


def _load_workbook(data: bytes):
    reader = _WorkbookReader(io.BytesIO(data), read_only=True, data_only=False)
    reader.read()
    return reader.wb


def _xlsx_rows(data: bytes, *, max_cells: int):
    _check_archive(data, max_cells=max_cells)
    try:
        workbook = _load_workbook(data)
    except Exception:  # openpyxl raises many kinds on a damaged or foreign file
        raise _unreadable_xlsx() from None
    try:
        if not workbook.worksheets:
            raise _unreadable_xlsx()
        sheet = workbook.worksheets[0]
        declared = sheet.max_row or 0  # from the sheet's <dimension>, when it has one
        if declared > max_rows() + 1:
            message = _("the sheet declares %(rows)s rows; a file may have at most %(limit)s rows")
            raise ImportFileError(
                [RowError(None, "file", message % {"rows": f"{declared:,}", "limit": f"{max_rows():,}"})]
            )
        sheet.reset_dimensions()  # some writers record wrong dimensions: read what is there
        rows = sheet.iter_rows(min_row=1, max_col=MAX_COLUMNS + 1)
        while True:
            try:
                cells = next(rows)
            except StopIteration:
                return
            except Exception:
                raise _unreadable_xlsx() from None
            yield [
                _Formula(cell.value) if cell.data_type == "f" else _cell_text(cell.value) for cell in cells
            ]
    finally:
        workbook.close()


def _raw_rows(data: bytes, *, max_cells: int):
    if data.startswith(_XLSX_SIGNATURE):
        return _xlsx_rows(data, max_cells=max_cells)
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


def read_table(data: bytes, columns: tuple[str, ...]) -> Sheet:
    """The rows of a CSV or XLSX file with exactly ``columns``. Raises :class:`ImportFileError`.

    Bounded whatever the file: its size, the unpacked size of a workbook, the rows (blank ones
    count), the columns, the shared texts and the time it takes are all limited.
    """
    if len(data) > max_bytes():
        raise ImportFileError([too_large_error()])
    deadline = time.monotonic() + parse_seconds()
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
    limit = max_rows()
    raw = iter(_raw_rows(data, max_cells=(limit + 1) * len(columns)))
    header = next(raw, None)
    if header is None or not any(cell.strip() for cell in header):
        raise ImportFileError(
            [RowError(1, "header", _("the first row must be the header: %(names)s") % {"names": expected})]
        )
    if any(isinstance(cell, _Formula) for cell in header):
        raise ImportFileError([RowError(1, "header", _("formulas are not accepted: paste the values"))])
    positions = _check_header(header, columns)
    width = max(positions) + 1  # trailing blank header cells do not count
    rows, errors = [], []
    for number, cells in enumerate(raw, start=2):
        if number > limit + 1:  # every row counts, blank ones too
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
        if time.monotonic() >= deadline:
            message = _("reading the file took more than %(seconds)s seconds; split it into smaller files")
            raise ImportFileError([RowError(None, "file", message % {"seconds": parse_seconds()})])
        if any(c.strip() for c in cells[MAX_COLUMNS:]):
            raise ImportFileError(
                [
                    RowError(
                        number,
                        "file",
                        _("this row has more than %(limit)s columns") % {"limit": MAX_COLUMNS},
                    )
                ]
            )
        formulas = [
            RowError(number, positions.get(i, "file"), _("formulas are not accepted: paste the values"))
            for i, cell in enumerate(cells)
            if isinstance(cell, _Formula)
        ]
        if formulas:
            errors.extend(formulas)
            continue
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue  # a blank line: skipped, but it keeps its number
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
        rows.append(SheetRow(number, values))
    if errors:
        raise ImportFileError(errors)
    return Sheet(columns=columns, rows=rows)


# --- Plans and results --------------------------------------------------------------------


@dataclass
class PlannedAction:
    """What importing one row does: ``created``, ``updated`` or ``unchanged``, in words."""

    row: int
    action: str
    subject: str  # who or what the row is about, e.g. an email
    description: str


ACTIONS = ("created", "updated", "unchanged")
# How the one-line summary counts each action ("12 created").
ACTION_COUNTS = {
    "created": gettext_lazy("%(count)s created"),
    "updated": gettext_lazy("%(count)s updated"),
    "unchanged": gettext_lazy("%(count)s unchanged"),
}


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
    # A result read back from a stored plan holds only the first actions, and their counts.
    stored_counts: dict[str, int] | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def counts(self) -> dict[str, int]:
        if self.stored_counts is not None:
            return self.stored_counts
        counted = Counter(a.action for a in self.actions)
        return {action: counted.get(action, 0) for action in ACTIONS}

    def summary_line(self) -> str:
        """``enrollments: 12 created, 3 updated, 40 unchanged (new programs: UX Design (BrainStation))``."""
        counts = self.counts
        # The kind and the notes' names are msgids (marked with gettext_noop where they are set).
        line = f"{_(self.kind)}: " + ", ".join(ACTION_COUNTS[a] % {"count": counts[a]} for a in ACTIONS)
        extras = "; ".join(
            f"{_(name)}: {', '.join(items)}" for name, items in self.summary_notes.items() if items
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


PLAN_ACTIONS = 200  # planned actions kept with an upload for its preview; the counts cover them all
PLAN_ERRORS = 1000  # problems kept likewise; the number of rows rejected covers them all


def plan_record(result: ImportResult) -> dict:
    """What the preview of an upload shows, kept with it: counts, the first actions, notes, problems."""
    return {
        "kind": result.kind,
        "counts": result.counts,
        "actions": [[a.row, a.action, a.subject, a.description] for a in result.actions[:PLAN_ACTIONS]],
        "more_actions": max(len(result.actions) - PLAN_ACTIONS, 0),
        "notes": result.notes,
        "summary_notes": result.summary_notes,
        "errors": [[e.row, e.column, e.message] for e in result.errors[:PLAN_ERRORS]],
        "more_errors": max(len(result.errors) - PLAN_ERRORS, 0),
        "rejected_rows": len({e.row for e in result.errors if e.row}),
    }


def result_from_plan(plan: dict) -> ImportResult:
    """A stored plan (:func:`plan_record`) as a result, for the preview."""
    return ImportResult(
        kind=plan["kind"],
        actions=[PlannedAction(*action) for action in plan["actions"]],
        notes=plan["notes"],
        summary_notes=plan["summary_notes"],
        errors=[RowError(*error) for error in plan["errors"]],
        stored_counts=plan["counts"],
    )


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


# Each importer checks a row with a form (``EnrollmentRowForm``, ``PlacementRowForm``): its fields
# are named as the columns and made of the cells below; :func:`row_errors` turns the form's errors
# into the row's problems.


def longer_than(limit: int) -> ValidationError:
    return ValidationError(_("longer than %(max)s characters") % {"max": limit}, code="max_length")


class TextCell(forms.Field):
    """A cell as text (:func:`read_table` stripped it): "required" when empty unless ``required=False``;
    with ``tidy``, runs of spaces fold to one (names); at most ``limit`` characters."""

    default_error_messages = {"required": gettext_lazy("required")}

    def __init__(self, *, limit: int | None = None, tidy: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.limit = limit
        self.tidy = tidy

    def __deepcopy__(self, memo):
        # Each form copies its fields, and a file has a form per row: a cell keeps nothing of a row
        # and no form changes it, so the forms share it (copying was half the time of the checks).
        return self

    def to_python(self, value):
        value = value or ""
        return " ".join(value.split()) if self.tidy else value

    def validate(self, value) -> None:
        super().validate(value)
        if self.limit is not None and len(value) > self.limit:
            raise longer_than(self.limit)


class EmailCell(TextCell):
    """An email address, lowercased: a person's identity in every import."""

    def to_python(self, value) -> str:
        return super().to_python(value).lower()

    def clean(self, value) -> str:
        email = super().clean(value)
        try:
            if email:
                validate_email(email)
        except ValidationError:
            raise ValidationError(
                _('"%(value)s" is not a valid email address') % {"value": value}, code="invalid"
            ) from None
        return email


class DateCell(TextCell):
    """A date written YYYY-MM-DD (a workbook's date cells are read so); None when empty."""

    def to_python(self, value) -> date | None:
        value = super().to_python(value)
        if not value:
            return None
        if ISO_DATE.match(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        raise ValidationError(
            _('"%(value)s" is not a date written YYYY-MM-DD') % {"value": value}, code="invalid"
        )


def row_errors(form: forms.Form, number: int) -> list[RowError]:
    """The problems a row form found, as errors of row ``number``: one per message, by column."""
    return [
        RowError(number, column, message) for column, messages in form.errors.items() for message in messages
    ]


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

    def plan(self, table: Sheet) -> ImportResult:
        return self._plan(table).result

    def apply(self, table: Sheet) -> ImportResult:
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

    def _plan(self, table: Sheet, *, lock: bool = False):
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


def register_importer(kind: str, importer: type[Importer]) -> None:
    IMPORTERS[kind] = importer


def importer_class(kind: str) -> type[Importer]:
    try:
        return IMPORTERS[kind]
    except KeyError:
        raise LookupError(
            f"unknown kind of import {kind!r}; known kinds: {', '.join(sorted(IMPORTERS))}"
        ) from None


def importer_for(kind: str, **options) -> Importer:
    return importer_class(kind)(**options)
