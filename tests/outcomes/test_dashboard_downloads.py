"""The dashboard's downloads: the people behind a number as CSV and XLSX (same rules as the page,
noted in the read trail), and workbooks that read well: whole sheet names, sized columns, a frozen
header row, percentages shown as percentages."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from mtw_portal.audit.models import ReadEvent, ReadKind
from mtw_portal.core.tables import Column, Table, sheet_title, tables_xlsx
from tests import factories

pytestmark = pytest.mark.django_db


def people_url(fmt: str) -> str:
    return reverse("outcomes:people_download", kwargs={"fmt": fmt})


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


# --- The people behind a number ---------------------------------------------------------------


def test_staff_download_the_people_behind_a_number_as_csv(client, grant_staff, data_set, brainstation):
    client.force_login(grant_staff)
    response = client.get(people_url("csv"), {"measure": "enrolled", "provider": brainstation.code})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "no-store" in response["Cache-Control"]
    rows = csv_rows(response)
    header_at = next(i for i, row in enumerate(rows) if row and row[0] == "Name")
    names = {row[0] for row in rows[header_at + 1 :]}
    assert names == {str(data_set[name]) for name in "ABF"}  # the page's list, every one


def test_the_download_holds_the_whole_list_not_one_page(client, grant_staff, brainstation):
    cohort = factories.cohort(program=factories.program(provider=brainstation), seats=60)
    for _ in range(55):
        factories.enrollment(participant=factories.participant_record(), cohort=cohort, status="active")
    client.force_login(grant_staff)
    page = client.get(reverse("outcomes:people"), {"measure": "active", "page": 2})
    assert f"{people_url('csv')}?measure=active" in page.content.decode()
    response = client.get(people_url("xlsx"), {"measure": "active", "page": 2})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "People"
    assert sheet.max_row - int(sheet.freeze_panes[1:]) + 1 == 55


def test_the_download_is_noted_in_the_read_trail_with_everyone_in_it(
    client, grant_staff, data_set, brainstation
):
    client.force_login(grant_staff)
    client.get(people_url("xlsx"), {"measure": "enrolled", "provider": brainstation.code})
    event = ReadEvent.objects.get(user=grant_staff, kind=ReadKind.EXPORT)
    assert set(event.participant_rows.values_list("participant_id", flat=True)) == {
        data_set[name].pk for name in "ABF"
    }


def test_a_hidden_number_has_no_download(client, grant_staff, data_set):
    """Seven people: every group of the ethnicity table is hidden, so no list opens, even typed."""
    client.force_login(grant_staff)
    params = {"measure": "enrolled", "field": "ethnicity", "value": ""}
    assert client.get(reverse("outcomes:people"), params).status_code == 404
    for fmt in ("csv", "xlsx"):
        assert client.get(people_url(fmt), params).status_code == 404
    assert not ReadEvent.objects.filter(kind=ReadKind.EXPORT).exists()


@pytest.mark.parametrize(
    "params", [{}, {"measure": "nonsense"}, {"measure": "enrolled", "debug": "1"}], ids=str
)
def test_a_malformed_figure_has_no_download(client, grant_staff, params):
    client.force_login(grant_staff)
    assert client.get(people_url("csv"), params).status_code == 404


@pytest.mark.parametrize("fmt", ["pdf", "CSV", "json"])
def test_an_unknown_format_is_not_found(client, grant_staff, fmt):
    client.force_login(grant_staff)
    assert client.get(people_url(fmt), {"measure": "enrolled"}).status_code == 404


@pytest.mark.parametrize("role", ["provider_member", "navigator", "employer_member", "participant"])
def test_only_grant_staff_download_the_people_behind_a_number(client, request, data_set, role):
    """A provider sees its own figures on its own dashboard, never a list of names behind them."""
    client.force_login(request.getfixturevalue(role))
    for fmt in ("csv", "xlsx"):
        assert client.get(people_url(fmt), {"measure": "enrolled"}).status_code == 403
    assert not ReadEvent.objects.filter(kind=ReadKind.EXPORT).exists()


def test_someone_signed_out_is_sent_to_sign_in(client):
    response = client.get(people_url("csv"), {"measure": "enrolled"})
    assert response.status_code == 302


# --- Workbooks ----------------------------------------------------------------------------------


def test_the_dashboard_workbook_has_whole_unique_sheet_names(client, grant_staff, data_set):
    call_command("rollup_outcomes", stdout=None)
    client.force_login(grant_staff)
    workbook = load_workbook(io.BytesIO(client.get(reverse("outcomes:dashboard_workbook")).content))
    names = workbook.sheetnames
    assert len({n.lower() for n in names}) == len(names)
    assert all(len(name) <= 31 for name in names)
    assert names[:6] == [
        "Targets and pace",
        "Funnel",
        "Over time",
        "By provider",
        "By program",
        "By cohort quarter",
    ]
    assert "By ethnicity" in names and "Why people withdrew" in names


def test_a_workbook_freezes_its_header_and_sizes_its_columns(client, grant_staff, data_set):
    call_command("rollup_outcomes", stdout=None)
    client.force_login(grant_staff)
    response = client.get(reverse("outcomes:dashboard_table", kwargs={"key": "providers", "fmt": "xlsx"}))
    sheet = load_workbook(io.BytesIO(response.content)).active
    header_row = next(row[0].row for row in sheet.iter_rows() if row[0].value == "Provider")
    assert sheet.freeze_panes == f"A{header_row + 1}"
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDEFGHI"}
    assert widths["A"] >= len("Provider") and all(8 <= width <= 60 for width in widths.values())
    assert widths["E"] >= len("Completion rate")  # the header's width, not Excel's default


def test_a_share_is_stored_as_a_fraction_with_a_percent_format(client, grant_staff, data_set, brainstation):
    call_command("rollup_outcomes", stdout=None)
    client.force_login(grant_staff)
    response = client.get(reverse("outcomes:dashboard_table", kwargs={"key": "funnel", "fmt": "xlsx"}))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = {row[0].value: row for row in sheet.iter_rows()}
    enrolled = rows["Enrolled"]
    assert enrolled[2].value == 1.0 and enrolled[2].number_format == "0.0%"  # 100%, not 1%
    assert enrolled[1].number_format == "0"
    trained = rows["Trained (completed training)"]
    assert trained[2].value == pytest.approx(trained[1].value / enrolled[1].value, abs=0.001)


def test_a_hidden_share_stays_the_word_hidden(client, grant_staff, data_set):
    call_command("rollup_outcomes", stdout=None)
    client.force_login(grant_staff)
    response = client.get(
        reverse("outcomes:dashboard_table", kwargs={"key": "equity-ethnicity", "fmt": "xlsx"})
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert any(cell.value == "hidden" and cell.data_type == "s" for row in sheet.iter_rows() for cell in row)


def test_a_long_sheet_name_loses_whole_words_and_stays_unique():
    taken: set[str] = set()
    long = "Outcomes by the quarter the cohort started"
    first = sheet_title(long, taken)
    second = sheet_title(long, taken)
    assert first == "Outcomes by the quarter the"
    assert second == "Outcomes by the quarter the (2)"  # 31 characters
    assert sheet_title("A: b/c", set()) == "A b c"


def test_a_table_without_a_short_name_still_gets_a_valid_sheet():
    table = Table(
        "t", "Why people did not complete, beside the support they received", [Column("a", "A", "text")]
    )
    table.add("x", "x")
    workbook = load_workbook(io.BytesIO(tables_xlsx([table])))
    assert workbook.sheetnames == ["Why people did not complete"]
