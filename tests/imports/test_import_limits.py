"""Hostile import files: each is refused with a clear error, in bounded time.

The files are written part by part (tests.imports.hostile_files.py), so they are small and quick
to build. Each guard of ``mtw_portal.imports.importers.read_table`` has a test here.
"""

from __future__ import annotations

import io
import re
import time

import openpyxl
import pytest

from mtw_portal.imports.importers import ImportFileError, read_table
from tests.imports import hostile_files

HEADER = hostile_files.HEADER
BOUND = 5.0  # seconds: generous; each file is refused in well under a second on a quiet machine


def refused(data: bytes) -> list[str]:
    """The errors reading ``data`` gives, checked to come within the time bound."""
    started = time.monotonic()
    with pytest.raises(ImportFileError) as failure:
        read_table(data, HEADER)
    assert time.monotonic() - started < BOUND
    return [str(error) for error in failure.value.errors]


def csv_bytes(*lines: str) -> bytes:
    return ("\r\n".join([",".join(HEADER), *lines]) + "\r\n").encode()


def test_a_million_blank_rows_stop_at_the_row_limit(settings):
    # A lower limit keeps the time bound on a busy machine (reading 20,000 rows takes about a
    # second on a quiet one); without the guard the million rows take 30 s and more.
    settings.MTW_IMPORT_MAX_ROWS = 2_000
    assert refused(hostile_files.million_blank_rows()) == [
        "row 2002, file: a file may have at most 2,000 rows; split it into smaller files"
    ]


def test_blank_csv_lines_count_against_the_row_limit(settings):
    settings.MTW_IMPORT_MAX_ROWS = 3
    data = csv_bytes("a@example.org,Ana,Diaz", "", "", "", "b@example.org,Bo,Ruiz")
    assert refused(data) == ["row 5, file: a file may have at most 3 rows; split it into smaller files"]


def test_huge_shared_strings_are_refused_before_they_are_loaded():
    assert refused(hostile_files.huge_shared_strings()) == [
        "file: the workbook's shared texts take more than 10 MB unpacked; copy the rows into a new workbook"
    ]


def test_more_shared_strings_than_the_cells_of_a_full_file_are_refused():
    # 100,000 short texts (2 MB unpacked): more than 20,001 rows of 3 columns could ever use.
    assert refused(hostile_files.huge_shared_strings(count=100_000)) == [
        "file: the workbook holds 100,000 different texts, more than a file of 20,000 rows can use"
    ]


def test_a_zip_bomb_is_refused_before_it_is_inflated():
    [error] = refused(hostile_files.zip_bomb())
    assert re.fullmatch(
        r"file: this workbook is packed too tightly to be a spreadsheet "
        r"\(xl/worksheets/sheet1\.xml inflates [\d,]+ times\); copy the rows into a new workbook",
        error,
    )


def test_a_workbook_that_unpacks_beyond_the_limit_is_refused(settings):
    settings.MTW_IMPORT_MAX_MB = 1  # so at most 5 MB unpacked
    # Eight parts of 900 KB of spaces: each small enough to inflate as it likes, 7 MB together.
    padding = {f"xl/media/padding{i}.xml": b" " * (900 * 1024) for i in range(8)}
    data = hostile_files.xlsx(hostile_files.header_row(), extra=padding)
    assert len(data) < 1024 * 1024
    assert refused(data) == [
        "file: the workbook unpacks to more than 5 MB; copy the rows into a new workbook"
    ]


def test_a_sheet_declaring_the_whole_grid_is_refused():
    assert refused(hostile_files.declared_dimension()) == [
        "file: the sheet declares 1,048,576 rows; a file may have at most 20,000 rows"
    ]


def test_a_sheet_declaring_its_real_size_is_read():
    table = read_table(hostile_files.declared_dimension(ref="A1:C2"), HEADER)
    assert [row.values for row in table.rows] == [
        {"email": "a@example.org", "first_name": "Ana", "last_name": "Diaz"}
    ]


def test_formula_cells_are_refused_by_row_and_column():
    assert refused(hostile_files.formula_cell()) == [
        "row 2, first_name: formulas are not accepted: paste the values"
    ]


def test_a_formula_in_the_header_is_refused():
    header = hostile_files.header_row().replace(
        '<c r="A1" t="inlineStr"><is><t>email</t></is></c>',
        '<c r="A1" t="str"><f>LOWER("EMAIL")</f><v>email</v></c>',
    )
    assert refused(hostile_files.xlsx(header)) == [
        "row 1, header: formulas are not accepted: paste the values"
    ]


def test_text_that_looks_like_a_formula_or_a_negative_number_is_plain_text():
    sheet = hostile_files.header_row() + hostile_files.inline_row(2, ["=1+1", "-5", "33127-1234"])
    table = read_table(hostile_files.xlsx(sheet), HEADER)
    assert table.rows[0].values == {"email": "=1+1", "first_name": "-5", "last_name": "33127-1234"}
    table = read_table(csv_bytes("=1+1,-5,+1 305 555 0100"), HEADER)
    assert table.rows[0].values == {"email": "=1+1", "first_name": "-5", "last_name": "+1 305 555 0100"}


def test_a_file_in_another_encoding_is_refused():
    data = csv_bytes("a@example.org,José,Diaz").decode().encode("utf-16")
    assert refused(data) == [
        'row 1, file: this is not UTF-8 text; save the file as "CSV UTF-8" or as an Excel workbook (.xlsx)'
    ]


def test_nul_bytes_in_a_csv_are_refused_with_their_line():
    data = csv_bytes("a@example.org,Ana,Diaz", "b@example.org,B\x00o,Ruiz")
    assert refused(data) == ["row 3, file: this line holds a NUL character: this is not a CSV or XLSX file"]


def test_a_row_wider_than_the_column_limit_is_refused():
    data = csv_bytes("a@example.org,Ana,Diaz" + "," * 50 + "x")
    assert refused(data) == ["row 2, file: this row has more than 50 columns"]


def test_empty_trailing_cells_beyond_the_column_limit_are_not_refused():
    table = read_table(csv_bytes("a@example.org,Ana,Diaz" + "," * 80), HEADER)
    assert len(table.rows) == 1


def test_reading_stops_when_it_takes_longer_than_the_budget(settings):
    settings.MTW_IMPORT_PARSE_SECONDS = 0
    assert refused(csv_bytes("a@example.org,Ana,Diaz")) == [
        "file: reading the file took more than 0 seconds; split it into smaller files"
    ]


def test_a_full_workbook_written_by_a_spreadsheet_program_is_read_within_the_limits(settings):
    settings.MTW_IMPORT_PARSE_SECONDS = 300  # this test is about the sizes, not the time
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(list(HEADER))
    for n in range(20_000):
        sheet.append([f"person{n}@example.org", f"First{n}", "Diaz"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_table(buffer.getvalue(), HEADER)
    assert len(table.rows) == 20_000
    assert table.rows[-1].number == 20_001
