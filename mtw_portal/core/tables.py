"""Tables of figures, shown on a page and downloaded as CSV or XLSX from the same object.

A ``Table`` is what a dashboard or report shows: a caption, columns and rows. The page renders it
with ``templates/core/_table.html``; ``table_response`` sends it as a CSV file or an XLSX
workbook, and ``workbook_response`` sends several as the sheets of one workbook. Whatever is on
the page is what is downloaded: there is one source for both.

A cell's value is an ``int``, a ``float`` (percent or percentage points), a ``Decimal`` (money),
a ``str``, a ``date``, or ``None``. ``None`` is written as the column's ``none_text``: "hidden"
for the suppressed counts and rates (see ``outcomes.suppression``: a small count, or one hidden so that a
small count cannot be worked out; the text does not say which), empty otherwise.

Text that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return) is written as text: a participant's name cannot inject a formula.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

# The text of a suppressed cell, the same for a small count and for its complement: saying
# "fewer than 5" on a complement would be false, and telling them apart would point at the small one.
SUPPRESSED = _("hidden")

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
FORMATS = ("csv", "xlsx")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Column:
    key: str
    label: Any
    # text | count | number | percent | points | money | date: how the page shows it (files keep numbers)
    kind: str = "count"
    none_text: Any = ""

    @property
    def numeric(self) -> bool:
        return self.kind in {"count", "number", "percent", "points", "money"}


@dataclass
class Cell:
    value: Any
    # Query parameters of the list of participants behind the number, when there is one.
    drill: dict | None = None
    href: str = ""
    column: Column | None = None


@dataclass
class Row:
    key: str
    cells: list[Cell]

    @property
    def header(self) -> Cell:
        return self.cells[0]

    @property
    def data(self) -> list[Cell]:
        return self.cells[1:]


@dataclass
class Table:
    """``columns[0]`` is the row header (a group's name); each row has one cell per column."""

    key: str
    title: Any
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)
    footer: list[Row] = field(default_factory=list)
    note: Any = ""
    # The sheet's name in a workbook: a short name chosen by whoever builds the table, when the
    # title is longer than Excel's 31 characters (else the title).
    sheet: Any = ""

    def add(self, key: str, *values, drill: dict | None = None, footer: bool = False) -> Row:
        """Append a row: ``values`` in column order, each a plain value or a ``Cell``. ``drill``
        maps a column key to the query parameters of the participants behind that cell."""
        if len(values) != len(self.columns):
            raise ValueError(f"{self.key}: {len(values)} values for {len(self.columns)} columns")
        drill = drill or {}
        cells = []
        for column, value in zip(self.columns, values, strict=True):
            cell = value if isinstance(value, Cell) else Cell(value)
            if cell.drill is None and column.key in drill:
                cell.drill = drill[column.key]
            cell.column = column
            cells.append(cell)
        row = Row(key, cells)
        (self.footer if footer else self.rows).append(row)
        return row

    def all_rows(self) -> list[Row]:
        return [*self.rows, *self.footer]

    def link(self, url_for) -> Table:
        """Set each drillable cell's ``href`` to ``url_for(params)`` (or leave it empty when that is
        ``None``); a cell whose value is hidden or zero has nothing behind it to list."""
        for row in self.all_rows():
            for cell in row.cells:
                if cell.drill is not None and cell.value not in (None, 0):
                    cell.href = url_for(cell.drill) or ""
        return self

    # --- Files -----------------------------------------------------------------------------

    def header_values(self) -> list[str]:
        return [str(column.label) for column in self.columns]

    def plain_rows(self) -> list[list[Any]]:
        """Every row (footer included) as file values: ``None`` replaced by the column's text,
        lazy strings made plain."""
        out = []
        for row in self.all_rows():
            values = []
            for column, cell in zip(self.columns, row.cells, strict=True):
                value = cell.value
                if value is None:
                    value = str(column.none_text)
                elif not isinstance(value, (int, float, Decimal, date)):
                    value = str(value)
                values.append(value)
            out.append(values)
        return out


def _safe_text(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def table_csv(table: Table) -> str:
    """The table as CSV text (UTF-8 with a byte-order mark, so spreadsheets read accents)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow([_safe_text(v) for v in table.header_values()])
    for values in table.plain_rows():
        writer.writerow([_safe_text(v) if isinstance(v, str) else v for v in values])
    return buffer.getvalue()


SHEET_NAME_MAX = 31  # Excel's limit
# Widths of a column, in characters: at least, at most (a long note or name wraps in no cell).
COLUMN_WIDTH_MIN, COLUMN_WIDTH_MAX = 8, 60
NUMBER_FORMATS = {
    "count": "0",
    "number": "0.0",
    "percent": "0.0%",  # stored as a fraction: 90% is 0.9
    "points": "+0.0;-0.0;0.0",
    "money": "#,##0.00",
    "date": "yyyy-mm-dd",
}


def _whole_words(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a space, never inside a word (a single
    word longer than that is the only thing cut)."""
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(" ", 1)[0].rstrip(" ,;:-")
    return cut if cut and len(cut) <= limit else text[:limit]


def sheet_title(title: str, taken: set[str]) -> str:
    """An Excel sheet name: at most 31 characters, none of ``[]:*?/\\``, unique in the workbook.
    A name too long loses whole words from its end (give a table a short ``sheet`` name rather
    than rely on this); a name already taken gets " (2)", " (3)"..."""
    base = re.sub(r"\s+", " ", re.sub(r"[\[\]:*?/\\]", " ", str(title))).strip()
    base = _whole_words(base, SHEET_NAME_MAX) or "Sheet"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = _whole_words(base, SHEET_NAME_MAX - len(suffix)) + suffix, n + 1
    taken.add(name.lower())
    return name


def _file_value(column: Column, value: Any) -> Any:
    """A cell's value in a workbook: a percent as a fraction (shown with a percent format)."""
    if column.kind == "percent" and isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return float(value) / 100
    return value


def _shown_width(value: Any) -> int:
    if isinstance(value, float):
        return len(f"{value:.1f}") + 1
    if isinstance(value, date):
        return 10
    return max((len(line) for line in str(value).splitlines()), default=0)


def tables_xlsx(tables: list[Table]) -> bytes:
    """A workbook with one sheet per table: the caption, the note, the header row (bold, frozen:
    it stays in view when scrolling), the rows. Numbers stay numbers, with a number format by
    column kind (a percent is a fraction shown as "90.0%"); text stays text (never a formula);
    each column as wide as its header and values (within bounds)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    bold = Font(bold=True)
    for table in tables:
        sheet = workbook.create_sheet(sheet_title(table.sheet or table.title, taken))
        sheet.append([str(table.title)])
        sheet["A1"].font = bold
        sheet["A1"].data_type = "s"
        if table.note:
            sheet.append([str(table.note)])
            sheet.cell(row=sheet.max_row, column=1).data_type = "s"
        headers = table.header_values()
        sheet.append(headers)
        header_row = sheet.max_row
        for cell in sheet[header_row]:
            cell.font = bold
            cell.data_type = "s"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        widths = [len(h) for h in headers]
        for values in table.plain_rows():
            sheet.append([_file_value(c, v) for c, v in zip(table.columns, values, strict=True)])
            for index, (column, cell) in enumerate(zip(table.columns, sheet[sheet.max_row], strict=True)):
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never a formula, whatever it starts with
                elif column.kind in NUMBER_FORMATS:
                    cell.number_format = NUMBER_FORMATS[column.kind]
                widths[index] = max(widths[index], _shown_width(values[index]))
        for index, width in enumerate(widths, start=1):
            width = min(max(width + 2, COLUMN_WIDTH_MIN), COLUMN_WIDTH_MAX)
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1).coordinate
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _attachment(content, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def table_response(table: Table, fmt: str, filename: str) -> HttpResponse:
    """``table`` as a download: ``fmt`` is ``csv`` or ``xlsx``; ``filename`` has no extension."""
    if fmt == "csv":
        return _attachment(table_csv(table).encode("utf-8"), CSV_TYPE, f"{filename}.csv")
    if fmt == "xlsx":
        return _attachment(tables_xlsx([table]), XLSX_TYPE, f"{filename}.xlsx")
    raise ValueError(fmt)


def workbook_response(tables: list[Table], filename: str) -> HttpResponse:
    return _attachment(tables_xlsx(tables), XLSX_TYPE, f"{filename}.xlsx")


# --- Quarters --------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int  # 1..4

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, text: str) -> Quarter | None:
        """``2026-Q3`` (case-insensitive), or ``None`` when it is not one."""
        match = re.fullmatch(r"(\d{4})-[qQ]([1-4])", (text or "").strip())
        if not match:
            return None
        year = int(match.group(1))
        if not 2000 <= year <= 2100:
            return None
        return cls(year, int(match.group(2)))

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        """The quarter's last day."""
        return self.next().start - timedelta(days=1)

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    def __str__(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def label(self) -> str:
        """The quarter as people read it, in the current language: "2026 Q3"."""
        return str(_("%(year)s Q%(number)s") % {"year": self.year, "number": self.number})


class Text:
    """A translatable text with named values, translated when shown (``str()``), not when built:
    ``Text(_("Outcomes by %(name)s"), name=field.verbose_name)``. A stored table keeps the message
    and its values (``outcomes.stored``), so it is shown in each viewer's language."""

    def __init__(self, message, **values):
        self.message = message
        self.values = values

    def __str__(self) -> str:
        return str(self.message) % {name: str(value) for name, value in self.values.items()}

    def __eq__(self, other) -> bool:
        return str(self) == str(other)

    def __repr__(self) -> str:
        return f"Text({str(self)!r})"

    def __hash__(self) -> int:
        return hash(str(self))
