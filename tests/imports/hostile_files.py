"""Hostile spreadsheets, written part by part with zipfile so that they are small and quick to build.

Used by tests/imports/test_import_limits.py (and by hand, to measure:
``python -m tests.imports.hostile_files``).
"""

from __future__ import annotations

import io
import zipfile

HEADER = ("email", "first_name", "last_name")

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "{shared}"
    "</Types>"
)
_SHARED_TYPE = (
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    "{shared}"
    "</Relationships>"
)
_SHARED_REL = (
    '<Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    'Target="sharedStrings.xml"/>'
)
_SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    "{dimension}<sheetData>"
)
_SHEET_END = "</sheetData></worksheet>"


def _column(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def inline_row(number: int, values) -> str:
    cells = "".join(
        f'<c r="{_column(i)}{number}" t="inlineStr"><is><t>{v}</t></is></c>' for i, v in enumerate(values)
    )
    return f'<row r="{number}">{cells}</row>'


def header_row(columns=HEADER) -> str:
    return inline_row(1, columns)


def xlsx(
    sheet_rows: str | bytes,
    *,
    dimension: str | None = None,
    shared_strings: bytes | None = None,
    extra: dict[str, bytes] | None = None,
) -> bytes:
    """A workbook whose first sheet's ``<sheetData>`` holds ``sheet_rows`` (XML text)."""
    shared = shared_strings is not None
    body = sheet_rows.encode() if isinstance(sheet_rows, str) else sheet_rows
    sheet = (
        _SHEET_START.format(dimension=f'<dimension ref="{dimension}"/>' if dimension else "").encode()
        + body
        + _SHEET_END.encode()
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES.format(shared=_SHARED_TYPE if shared else ""))
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr(
            "xl/_rels/workbook.xml.rels", _WORKBOOK_RELS.format(shared=_SHARED_REL if shared else "")
        )
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        if shared:
            archive.writestr("xl/sharedStrings.xml", shared_strings)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def million_blank_rows(columns=HEADER, count: int = 1_000_000) -> bytes:
    """A header, then ``count`` empty rows (each one written, as a spreadsheet with formatting does)."""
    blank = "".join(f'<row r="{n}"/>' for n in range(2, count + 2))
    return xlsx(header_row(columns) + blank)


def huge_shared_strings(columns=HEADER, count: int = 2_000_000) -> bytes:
    """A header and one row, and ``count`` distinct shared strings nobody uses."""
    strings = b"".join(b"<si><t>%d</t></si>" % n for n in range(count))
    shared = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">'
        % (count, count)
        + strings
        + b"</sst>"
    )
    return xlsx(header_row(columns), shared_strings=shared)


def zip_bomb(columns=HEADER, megabytes: int = 40) -> bytes:
    """A small file with one member that inflates a thousandfold (spaces in the sheet)."""
    return xlsx(header_row(columns).encode() + b" " * (megabytes * 1024 * 1024))


def declared_dimension(columns=HEADER, ref: str = "A1:C1048576") -> bytes:
    """A real sheet of two rows that declares the whole grid."""
    return xlsx(header_row(columns) + inline_row(2, ["a@example.org", "Ana", "Diaz"]), dimension=ref)


def formula_cell(columns=HEADER) -> bytes:
    """A row whose second cell is a formula (with a cached value, as Excel saves it)."""
    formula = '<c r="B2" t="str"><f>HYPERLINK("http://evil.example","Ana")</f><v>Ana</v></c>'
    row = f'<row r="2"><c r="A2" t="inlineStr"><is><t>a@example.org</t></is></c>{formula}'
    row += '<c r="C2" t="inlineStr"><is><t>Diaz</t></is></c></row>'
    return xlsx(header_row(columns) + row)


if __name__ == "__main__":  # read_table on each hostile file: time, and peak memory (tracemalloc)
    import os
    import sys
    import time
    import tracemalloc

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mtw_portal.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-production-use")
    import django

    django.setup()
    from mtw_portal.imports.importers import ImportFileError, read_table

    files = {
        "million blank rows": million_blank_rows,
        "huge shared strings": huge_shared_strings,
        "400,000 shared strings": lambda: huge_shared_strings(count=400_000),
        "zip bomb": zip_bomb,
        "declared dimension": declared_dimension,
        "formula cell": formula_cell,
    }
    for name in sys.argv[1:] or files:
        data = files[name]()
        tracemalloc.start()
        started = time.perf_counter()
        try:
            table = read_table(data, HEADER)
            outcome = f"read {len(table.rows)} rows"
        except ImportFileError as exc:
            outcome = str(exc)[:120]
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(
            f"{name}: {len(data) / 1e6:.2f} MB file, {elapsed:.2f} s, "
            f"peak {peak / 1e6:.1f} MB allocated: {outcome}"
        )
