"""The grant dashboard's tables: every number opens the people behind it, a provider sees only its
own, every table downloads as CSV and XLSX, and the pages stay at a fixed number of queries."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from outcomes import services as outcome_services
from outcomes import stored
from outcomes.board import Board
from outcomes.drill import drill_is_shown, drill_parse, drill_people
from outcomes.measures import measure
from outcomes.selectors import outcome_snapshot_history, outcome_snapshot_latest
from participants.models import Participant
from tests import factories

pytestmark = pytest.mark.django_db


def staff_board() -> Board:
    return Board(
        as_of=timezone.localdate(),
        snapshots=outcome_snapshot_history(),
        grant=outcome_services.grant_settings(),
    )


def stored_grant_tables() -> list[dict]:
    return stored.stored_tables(stored.GRANT).data["tables"]


def drillable_cells(board: Board):
    for table in board.tables():
        for row in table.all_rows():
            for cell in row.cells:
                if cell.drill is not None and cell.value is not None:
                    yield table.key, row.key, cell


def test_every_number_on_the_staff_board_is_the_length_of_its_list(data_set):
    call_command("rollup_outcomes", stdout=None)  # every table: today's roll-up, stored
    board = stored.stored_board()
    tables = stored_grant_tables()
    checked = 0
    for table_key, row_key, cell in drillable_cells(board):
        drill = drill_parse(cell.drill)
        assert drill is not None, (table_key, row_key, cell.drill)
        listed = drill_people(drill, as_of=timezone.localdate(), tables=tables).count()
        assert listed == cell.value, (table_key, row_key, cell.column.key, cell.drill)
        assert drill_is_shown(drill, tables=tables), cell.drill  # its link is answered
        checked += 1
    assert checked > 150  # every table takes part, not a handful of cells


def test_no_hidden_cell_of_the_staff_board_opens_a_list(data_set):
    call_command("rollup_outcomes", stdout=None)
    board = stored.stored_board()
    hidden = [
        cell
        for table in board.tables()
        for row in table.all_rows()
        for cell in row.cells
        if cell.drill is not None and cell.value is None
    ]
    assert hidden  # seven people: the demographic tables hide nearly everything
    for cell in hidden:
        drill = drill_parse(cell.drill)
        if drill.group is not None:
            assert not drill_is_shown(drill, tables=stored_grant_tables()), cell.drill


def test_the_tables_count_the_traps_as_defined(data_set, brainstation, fourgeeks):
    call_command("rollup_outcomes", stdout=None)
    snapshot = outcome_snapshot_latest().data
    board = staff_board()
    providers = {row.key: {c.column.key: c.value for c in row.data} for row in board.table("providers").rows}
    # The provider table agrees with the roll-up's by_provider, for each provider.
    for code, figures in snapshot["by_provider"].items():
        assert {k: providers[code][k] for k in figures} == figures
    # BrainStation: A (withdrawn once, completed once), B (active), F (enrolled); D only applied.
    assert providers[brainstation.code]["enrolled"] == 3
    assert providers[brainstation.code]["withdrawn"] == 1
    assert providers[brainstation.code]["completion_rate"] == 33.3
    # Wraparound: approved only (A 100 + 50, B 300), all bus fare.
    wraparound = {row.key: [c.value for c in row.data] for row in board.table("wraparound").all_rows()}
    assert wraparound["bus_fare"] == [2, 3, Decimal("450.00")]
    assert wraparound["daycare"] == [0, 0, Decimal("0.00")]
    assert wraparound["total"] == [2, 3, Decimal("450.00")]
    assert snapshot["wraparound"]["amount_usd"] == "450.00"
    cost = {row.key: [c.value for c in row.data] for row in board.table("cost").rows}
    trained, placed = snapshot["trained"], snapshot["placed_good_jobs"]
    assert cost["trained"] == [
        trained,
        Decimal("450.00"),
        (Decimal("450.00") / trained).quantize(Decimal("0.01")),
    ]
    assert cost["placed_good_jobs"][0] == placed
    # Non-completion: A and C withdrew; A had approved support, C's is still awaiting approval.
    reasons = board.table("non_completion")
    withdrawn = sum(row.cells[1].value for row in reasons.rows)
    supported = sum(row.cells[2].value for row in reasons.rows)
    assert (withdrawn, supported) == (2, 1)
    completed = reasons.footer[0]
    assert [c.value for c in completed.data[:3]] == [2, 1, 50.0]  # A and F completed; A was supported


def test_a_board_without_any_enrollment_has_empty_tables(db, grant_staff, client):
    board = staff_board()
    assert board.table("programs").rows == []
    assert [c.value for c in board.table("cost").rows[0].data] == [0, Decimal("0.00"), None]
    client.force_login(grant_staff)
    assert client.get(reverse("outcomes:dashboard")).status_code == 200


def test_staff_open_the_people_behind_a_number(client, grant_staff, data_set, brainstation):
    call_command("rollup_outcomes", stdout=None)
    client.force_login(grant_staff)
    response = client.get(reverse("outcomes:people"), {"measure": "enrolled", "provider": brainstation.code})
    assert response.status_code == 200
    assert response.context["figure"] == 3  # the stored figure; the list is as long
    names = {str(p) for p in response.context["page"]}
    assert names == {str(data_set[name]) for name in "ABF"}
    assert "BrainStation" in response.content.decode() or brainstation.name in response.content.decode()


def test_the_people_list_paginates(client, grant_staff, brainstation):
    cohort = factories.cohort(program=factories.program(provider=brainstation), seats=60)
    for _ in range(55):
        factories.enrollment(participant=factories.participant_record(), cohort=cohort, status="active")
    call_command("rollup_outcomes", stdout=None)
    client.force_login(grant_staff)
    first = client.get(reverse("outcomes:people"), {"measure": "enrolled"})  # the funnel's first step
    assert first.context["figure"] == 55 and len(first.context["page"]) == 50
    second = client.get(reverse("outcomes:people"), {"measure": "enrolled", "page": 2})
    assert second.status_code == 200, second.status_code
    assert len(second.context["page"]) == 5
    assert "measure=enrolled&amp;page=2" in first.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"measure": "nonsense"},
        {"measure": "enrolled", "provider": "NOPE"},
        {"measure": "enrolled", "program": "abc"},
        {"measure": "enrolled", "program": "999999"},
        {"measure": "enrolled", "quarter": "2026-Q5"},
        {"measure": "enrolled", "reason": "bored"},
        {"measure": "enrolled", "status": "applied"},
        {"measure": "enrolled", "support": "bus_fare"},
        {"measure": "supported", "support": "yacht"},
        {"measure": "enrolled", "field": "password", "value": "x"},
        {"measure": "enrolled", "field": "ethnicity", "value": "martian"},
        {"measure": "enrolled", "within": "everyone"},
        {"measure": "enrolled", "debug": "1"},
    ],
)
def test_a_malformed_figure_is_not_found(client, grant_staff, params):
    client.force_login(grant_staff)
    assert client.get(reverse("outcomes:people"), params).status_code == 404


def test_only_grant_staff_see_the_people_behind_a_number(client, provider_member, navigator):
    for user in (provider_member, navigator):
        client.force_login(user)
        assert client.get(reverse("outcomes:people"), {"measure": "enrolled"}).status_code == 403


# --- A provider's own dashboard ----------------------------------------------------------------


def test_a_provider_sees_only_its_own_programs_and_people(client, data_set, provider_member, brainstation):
    call_command("rollup_outcomes", stdout=None)
    client.force_login(provider_member)
    response = client.get(reverse("outcomes:provider_dashboard"))
    assert response.status_code == 200
    content = response.content.decode()
    tables = response.context["tables"]
    assert "providers" not in tables and "wraparound" not in tables and "targets" not in tables
    assert "Full Stack" not in content  # 4Geeks' program
    assert all(row.header.value.startswith(brainstation.name) for row in tables["programs"].rows)
    # The funnel counts people enrolled at BrainStation, as the roll-up's by_provider does.
    by_provider = outcome_snapshot_latest().data["by_provider"][brainstation.code]
    steps = {row.key: row.cells[1].value for row in tables["funnel"].rows}
    assert {k: steps[k] for k in by_provider} == by_provider
    # Every step is the measure's own count of people, in BrainStation's scope.
    scope = {"cohort__program__provider": brainstation}
    for key, count in steps.items():
        expected = Participant.objects.filter(measure(key).person(timezone.localdate(), scope)).count()
        assert count == expected, key
    # Nothing links to a list of people: that is for grant staff.
    assert "/staff/dashboard/people/" not in content
    assert not any(cell.href for t in tables.values() for row in t.all_rows() for cell in row.cells)


def test_a_provider_cannot_download_grant_wide_tables(client, provider_member):
    client.force_login(provider_member)
    url = reverse("outcomes:provider_dashboard_table", kwargs={"key": "providers", "fmt": "csv"})
    assert client.get(url).status_code == 404
    staff_url = reverse("outcomes:dashboard_table", kwargs={"key": "programs", "fmt": "csv"})
    assert client.get(staff_url).status_code == 403


def test_the_demo_provider_sees_only_brainstation(client, db, settings):
    settings.MTW_REQUIRE_MFA = False
    call_command("seed_demo", stdout=None)
    from mtw_portal.accounts.models import User

    client.force_login(User.objects.get(email="provider@demo.test"))
    response = client.get(reverse("outcomes:provider_dashboard"))
    assert response.status_code == 200
    programs = response.context["tables"]["programs"].rows
    assert programs and all(row.header.value.startswith("BrainStation") for row in programs)
    staff = User.objects.get(email="staff@demo.test")
    client.force_login(staff)
    staff_response = client.get(reverse("outcomes:dashboard"))
    providers = {row.header.value for row in staff_response.context["tables"]["programs"].rows}
    assert any(not name.startswith("BrainStation") for name in providers)


# --- Downloads ---------------------------------------------------------------------------------


def test_each_table_downloads_as_csv_with_the_figures_shown(client, grant_staff, data_set):
    call_command("rollup_outcomes", stdout=None)
    client.force_login(grant_staff)
    board = staff_board()
    for key in board.table_keys():
        response = client.get(reverse("outcomes:dashboard_table", kwargs={"key": key, "fmt": "csv"}))
        assert response.status_code == 200, key
        assert response["Content-Type"].startswith("text/csv")
        assert f"mtw-dashboard-{key}-" in response["Content-Disposition"]
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        table = board.table(key)
        assert rows[0] == table.header_values()
        assert len(rows) == 1 + len(table.all_rows())


def test_suppressed_cells_download_as_hidden(client, grant_staff, data_set):
    call_command("rollup_outcomes", stdout=None)
    client.force_login(grant_staff)
    response = client.get(
        reverse("outcomes:dashboard_table", kwargs={"key": "equity-ethnicity", "fmt": "csv"})
    )
    text = response.content.decode("utf-8-sig")
    assert "hidden" in text


def test_a_table_downloads_as_xlsx_with_numbers_kept_as_numbers(client, grant_staff, data_set, brainstation):
    call_command("rollup_outcomes", stdout=None)
    client.force_login(grant_staff)
    response = client.get(reverse("outcomes:dashboard_table", kwargs={"key": "providers", "fmt": "xlsx"}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "Outcomes by training provider"
    header_at = next(i for i, row in enumerate(values) if row[0] == "Provider")
    rows = {row[0]: row for row in values[header_at + 1 :]}
    assert rows[brainstation.name][1] == 3  # enrolled, a number


def test_the_whole_dashboard_downloads_as_one_workbook(client, grant_staff, data_set):
    call_command("rollup_outcomes", stdout=None)
    client.force_login(grant_staff)
    response = client.get(reverse("outcomes:dashboard_workbook"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert len(workbook.sheetnames) == len(staff_board().table_keys())


@pytest.mark.parametrize("key, fmt", [("nonsense", "csv"), ("programs", "pdf"), ("programs", "CSV")])
def test_an_unknown_table_or_format_is_not_found(client, grant_staff, key, fmt):
    client.force_login(grant_staff)
    assert client.get(reverse("outcomes:dashboard_table", kwargs={"key": key, "fmt": fmt})).status_code == 404


def test_names_that_look_like_formulas_download_as_text(client, grant_staff, brainstation):
    program = factories.program(provider=brainstation, name='=HYPERLINK("http://x")')
    factories.enrollment(participant=factories.participant_record(), cohort=factories.cohort(program=program))
    call_command("rollup_outcomes", stdout=None)
    client.force_login(grant_staff)
    csv_text = client.get(
        reverse("outcomes:dashboard_table", kwargs={"key": "programs", "fmt": "csv"})
    ).content
    assert b"BrainStation: =HYPERLINK" in csv_text or b"'=" in csv_text
    xlsx = client.get(reverse("outcomes:dashboard_table", kwargs={"key": "programs", "fmt": "xlsx"})).content
    sheet = load_workbook(io.BytesIO(xlsx)).active
    cells = [
        cell
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and "HYPERLINK" in cell.value
    ]
    assert cells and all(cell.data_type == "s" for cell in cells)


# --- Queries -----------------------------------------------------------------------------------


def _people(brainstation, fourgeeks, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        provider = brainstation if i % 2 else fourgeeks
        cohort = factories.cohort(program=factories.program(provider=provider, name=f"Program {i}"))
        person = factories.participant_record()
        factories.enrollment(participant=person, cohort=cohort, status="completed" if i % 3 else "active")


def test_the_staff_dashboard_queries_do_not_grow_with_people(
    client, grant_staff, brainstation, fourgeeks, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(grant_staff)
    call_command("rollup_outcomes", stdout=None)
    _people(brainstation, fourgeeks, 2)
    client.get(reverse("outcomes:dashboard"))  # warm the session and caches
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("outcomes:dashboard")).status_code == 200
    _people(brainstation, fourgeeks, 30, start=2)
    with CaptureQueriesContext(connection) as large:
        assert client.get(reverse("outcomes:dashboard")).status_code == 200
    assert len(large) == len(small)
    assert len(small) < 40
