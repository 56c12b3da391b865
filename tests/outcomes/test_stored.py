"""Figures computed once by the roll-up and read by every page (``outcomes.stored``): each number
is the length of its list right after a roll-up, the pages cost the same whatever the number of
participants and never count them, and a page says when its figures are not stored or pending."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from mtw_portal.core.models import GrantSettings
from mtw_portal.core.services import GRANT_SETTINGS_PK
from mtw_portal.core.tables import Quarter
from outcomes import services as outcome_services
from outcomes import stored
from outcomes import views as outcome_views
from outcomes.board import Board
from outcomes.models import OutcomeTables
from participants.models import Participant
from tests import factories

pytestmark = pytest.mark.django_db


def rollup() -> None:
    call_command("rollup_outcomes", stdout=None)


def linked_cells(client, url_name: str):
    """(table, row, column, value, href) of every number the page links to its people."""
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    for table in response.context["tables"].values():
        for row in table.all_rows():
            for cell in row.cells:
                if cell.href:
                    yield table.key, row.key, cell.column.key, cell.value, cell.href


def listed(client, href: str) -> list[int]:
    """Every participant the people page lists behind ``href``, page after page."""
    ids, number = [], 1
    while True:
        response = client.get(href + f"&page={number}")
        assert response.status_code == 200, href
        ids += [person.pk for person in response.context["page"]]
        if not response.context["page"].has_next():
            return ids
        number += 1


def test_every_number_of_the_stored_dashboard_is_the_length_of_its_people_page_list(
    client, grant_staff, data_set, monkeypatch
):
    """On a data set with traps: suppressed groups, someone enrolled at two providers (F), someone
    with two placements (B). Walked through the pages (two people a page), as staff read them."""
    monkeypatch.setattr(outcome_views, "PEOPLE_PER_PAGE", 2)
    rollup()
    client.force_login(grant_staff)
    checked = 0
    for table_key, row_key, column_key, value, href in linked_cells(client, "outcomes:dashboard"):
        people = listed(client, href)
        assert len(people) == len(set(people)) == value, (table_key, row_key, column_key, href)
        page = client.get(href)
        assert page.context["figure"] == value  # the page names the stored figure
        checked += 1
    assert checked > 40  # every table with a non-zero number takes part


def test_a_provider_dashboard_is_stored_per_provider_and_counts_its_own(
    client, provider_member, data_set, brainstation
):
    rollup()
    row = OutcomeTables.objects.get(scope=stored.provider_scope(brainstation))
    client.force_login(provider_member)
    response = client.get(reverse("outcomes:provider_dashboard"))
    assert response.status_code == 200
    funnel = {r.key: r.cells[1].value for r in response.context["tables"]["funnel"].rows}
    # BrainStation: A (completed there), B (active), F (enrolled there, trained at 4Geeks).
    assert funnel["enrolled"] == 3
    assert response.context["stored"] == row


def test_a_hidden_cell_of_the_stored_table_opens_nothing(client, grant_staff, data_set):
    rollup()
    tables = OutcomeTables.objects.get(scope=stored.GRANT).data["tables"]
    ethnicity = next(t for t in tables if t["key"] == "equity-ethnicity")
    hidden = [row["key"] for row in ethnicity["rows"] if row["values"][1] is None]
    assert hidden  # seven people: nearly every group is hidden
    client.force_login(grant_staff)
    for value in hidden:
        params = {"measure": "enrolled", "field": "ethnicity", "value": value}
        assert client.get(reverse("outcomes:people"), params).status_code == 404


def test_a_stored_table_reads_in_each_language_as_the_live_one(data_set):
    """Stored once (in English), shown in the viewer's language: every title, heading and label of
    every table, the equity tables' formatted titles and the quarters included."""
    board = Board(as_of=timezone.localdate(), grant=outcome_services.grant_settings())
    data = [stored.table_data(table) for table in board.tables()]
    for language in ("es", "ht", "en"):
        with translation.override(language):
            live = board.tables()
            again = [stored.table_from_data(d) for d in data]
            for a, b in zip(live, again, strict=True):
                assert str(a.title) == str(b.title) and str(a.sheet) == str(b.sheet)
                assert [str(c.label) for c in a.columns] == [str(c.label) for c in b.columns]
                assert a.plain_rows() == b.plain_rows(), a.key
                assert [[c.drill for c in r.cells] for r in a.all_rows()] == [
                    [c.drill for c in r.cells] for r in b.all_rows()
                ]


# --- The pages make no aggregate over participants ----------------------------------------------


def _crowd(size: int, cohort, offset: int) -> None:
    for _ in range(size):
        person = factories.participant_record()
        factories.enrollment(participant=person, cohort=cohort, status="completed")


def _page_queries(client, url: str, params=None) -> list[str]:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url, params or {}).status_code == 200, url
    return [query["sql"] for query in context.captured_queries]


# The tables of the people and what they did: an aggregate over one of them grows with the program.
PEOPLE_TABLES = (
    "participants_participant",
    "programs_enrollment",
    "placements_placement",
    "participants_supportitem",
)


def aggregates_people(sql: str) -> bool:
    """Whether ``sql`` counts or sums rows of the people's tables: an aggregate in its SELECT list
    over one of them (a count of the viewer's own notifications, say, is not)."""
    for select in re.split(r"\bSELECT\b", sql, flags=re.IGNORECASE)[1:]:
        columns, _sep, rest = select.partition(" FROM ")
        if re.search(r"\b(COUNT|SUM)\(", columns, re.IGNORECASE) and rest.startswith(
            tuple(f'"{table}"' for table in PEOPLE_TABLES)
        ):
            return True
    return False


def test_the_check_for_an_aggregate_over_people_catches_one(brainstation):
    with CaptureQueriesContext(connection) as context:
        Participant.objects.count()
    assert aggregates_people(context.captured_queries[0]["sql"])


@pytest.mark.parametrize(
    "url_name, params, who",
    [
        ("outcomes:dashboard", None, "staff"),
        ("outcomes:provider_dashboard", None, "provider"),
        ("outcomes:people", {"measure": "trained"}, "staff"),
        ("outcomes:dashboard_table", "providers", "staff"),
        ("reports:funder_report", "draft", "staff"),
    ],
)
def test_the_figures_pages_cost_the_same_queries_with_2_and_20_people_and_count_none(
    client, grant_staff, provider_member, brainstation, url_name, params, who
):
    cohort = factories.cohort(program=factories.program(provider=brainstation), seats=40)
    if url_name == "outcomes:dashboard_table":
        url, params = reverse(url_name, kwargs={"key": params, "fmt": "csv"}), None
    elif url_name == "reports:funder_report":
        url = reverse(url_name, kwargs={"quarter": str(Quarter.of(timezone.localdate()))})
        params = {"page": 1}
    else:
        url = reverse(url_name)
    client.force_login(grant_staff if who == "staff" else provider_member)

    def measured(size: int, offset: int) -> list[str]:
        _crowd(size, cohort, offset)
        rollup()
        return _page_queries(client, url, params)

    few = measured(2, 0)
    many = measured(18, 100)
    assert len(few) == len(many), "\n".join(many)
    for sql in many:
        assert not aggregates_people(sql), sql


def test_the_funder_draft_reads_the_stored_count_of_its_list(client, grant_staff, brainstation):
    cohort = factories.cohort(
        program=factories.program(provider=brainstation), start_date=timezone.localdate() - timedelta(days=1)
    )
    for _ in range(3):
        factories.enrollment(participant=factories.participant_record(), cohort=cohort, status="enrolled")
    rollup()
    quarter = Quarter.of(timezone.localdate())
    draft = OutcomeTables.objects.get(scope=stored.report_scope(quarter))
    client.force_login(grant_staff)
    response = client.get(reverse("reports:funder_report", kwargs={"quarter": str(quarter)}))
    assert response.context["participants_count"] == draft.data["participants_count"]
    assert 'data-figures-state="current"' in response.content.decode()


# --- Before a roll-up, and after a change -------------------------------------------------------


def test_before_any_roll_up_each_page_says_so_and_shows_no_figure(client, grant_staff, provider_member):
    client.force_login(grant_staff)
    for url in (
        reverse("outcomes:dashboard"),
        reverse("reports:funder_report", kwargs={"quarter": str(Quarter.of(timezone.localdate()))}),
    ):
        content = client.get(url).content.decode()
        assert 'data-figures-state="none"' in content and "No roll-up has stored these figures yet" in content
        assert 'data-table="' not in content and 'id="table-' not in content
    assert client.get(reverse("outcomes:dashboard_workbook")).status_code == 404
    table = reverse("outcomes:dashboard_table", kwargs={"key": "providers", "fmt": "csv"})
    assert client.get(table).status_code == 404
    client.force_login(provider_member)
    content = client.get(reverse("outcomes:provider_dashboard")).content.decode()
    assert 'data-figures-state="none"' in content


def test_after_a_change_the_dashboard_says_a_refresh_is_pending(client, grant_staff, brainstation):
    rollup()
    client.force_login(grant_staff)
    content = client.get(reverse("outcomes:dashboard")).content.decode()
    assert 'data-figures-state="current"' in content and "No change is waiting for a refresh." in content
    # A change claims the debounced roll-up (outcomes_rollup_request's mark): the page says so.
    due = timezone.now() + timedelta(seconds=60)
    GrantSettings.objects.filter(pk=GRANT_SETTINGS_PK).update(rollup_pending_until=due)
    content = client.get(reverse("outcomes:dashboard")).content.decode()
    assert 'data-figures-state="pending"' in content and "a refresh is pending" in content
    # Once the roll-up has run (the mark has lapsed), the figures are current again.
    lapsed = timezone.now() - timedelta(seconds=1)
    GrantSettings.objects.filter(pk=GRANT_SETTINGS_PK).update(rollup_pending_until=lapsed)
    rollup()
    assert 'data-figures-state="current"' in client.get(reverse("outcomes:dashboard")).content.decode()


def test_a_change_moves_the_page_only_after_the_roll_up(client, grant_staff, brainstation):
    cohort = factories.cohort(program=factories.program(provider=brainstation))
    factories.enrollment(participant=factories.participant_record(), cohort=cohort, status="completed")
    rollup()
    client.force_login(grant_staff)

    def trained() -> int:
        content = client.get(reverse("outcomes:dashboard")).content.decode()
        step = content.split('data-step="trained"')[1].split("</tr>")[0]
        return int(re.search(r'data-field="count">(?:<a [^>]*>)?(\d+)', step).group(1))

    assert trained() == 1
    factories.enrollment(participant=factories.participant_record(), cohort=cohort, status="completed")
    assert trained() == 1  # stored: the page does not count
    rollup()
    assert trained() == 2


def test_a_dashboard_is_rendered_once_per_roll_up_and_language(client, grant_staff, data_set):
    rollup()
    client.force_login(grant_staff)
    body = "outcomes/_dashboard_body.html"

    def rendered(**headers) -> bool:
        response = client.get(reverse("outcomes:dashboard"), **headers)
        assert 'data-table="providers"' in response.content.decode()
        return body in [template.name for template in response.templates]

    assert rendered()
    assert not rendered()  # the same stored figures: read from the cache
    assert rendered(HTTP_ACCEPT_LANGUAGE="es")  # another language: its own
    rollup()
    assert rendered()  # new figures: a new key


# --- A backfill, a shrinking group, another shape, one snapshot ----------------------------------


def _stored_rows() -> dict:
    rows = OutcomeTables.objects.all()
    return {row.scope: (row.pk, row.computed_at, row.data, row.snapshot_id) for row in rows}


def test_a_roll_up_of_a_past_date_stores_its_snapshot_and_leaves_the_pages_figures(brainstation):
    cohort = factories.cohort(program=factories.program(provider=brainstation))
    factories.enrollment(participant=factories.participant_record(), cohort=cohort, status="enrolled")
    rollup()
    before = {
        row.scope: (row.pk, row.computed_at, row.data, row.snapshot_id) for row in OutcomeTables.objects.all()
    }
    assert stored.GRANT in before and any(scope.startswith("report:") for scope in before)
    past = timezone.localdate() - timedelta(days=30)

    snapshot = outcome_services.outcomes_rollup(as_of=past)

    assert snapshot.as_of == past
    after = {
        row.scope: (row.pk, row.computed_at, row.data, row.snapshot_id) for row in OutcomeTables.objects.all()
    }
    assert after == before  # the grant row, the providers' and the drafts: untouched


def test_every_table_of_a_roll_up_carries_the_time_it_started(brainstation):
    started = timezone.now()
    snapshot = outcome_services.outcomes_rollup()
    times = set(OutcomeTables.objects.values_list("computed_at", flat=True))
    assert times == {snapshot.computed_at}
    assert started <= snapshot.computed_at


def test_the_pages_show_the_date_the_figures_are_of(client, grant_staff, brainstation):
    rollup()
    client.force_login(grant_staff)
    content = client.get(reverse("outcomes:dashboard")).content.decode()
    row = OutcomeTables.objects.select_related("snapshot").get(scope=stored.GRANT)
    assert "Figures as of " in content and row.snapshot.as_of == timezone.localdate()


def _ethnic_group(cohort, ethnicity: str, size: int) -> list:
    people = []
    for _ in range(size):
        person = factories.participant_record()
        Participant.objects.filter(pk=person.pk).update(ethnicity=ethnicity)
        factories.enrollment(participant=person, cohort=cohort, status="enrolled")
        people.append(person)
    return people


def test_a_group_shown_at_the_roll_up_that_has_since_shrunk_below_five_opens_nothing(
    client, grant_staff, brainstation
):
    cohort = factories.cohort(program=factories.program(provider=brainstation))
    hispanic = _ethnic_group(cohort, "hispanic", 5)
    _ethnic_group(cohort, "not_hispanic", 6)
    _ethnic_group(cohort, "", 5)
    _ethnic_group(cohort, "prefer_not_to_say", 5)
    rollup()
    client.force_login(grant_staff)
    params = {"measure": "enrolled", "field": "ethnicity", "value": "hispanic"}
    response = client.get(reverse("outcomes:people"), params)
    assert response.status_code == 200 and len(response.context["page"]) == 5  # shown: 5 people
    Participant.objects.filter(pk=hispanic[0].pk).update(ethnicity="not_hispanic")  # before a roll-up

    assert client.get(reverse("outcomes:people"), params).status_code == 404
    assert client.get(reverse("outcomes:people_download", kwargs={"fmt": "csv"}), params).status_code == 404
    other = {"measure": "enrolled", "field": "ethnicity", "value": "not_hispanic"}
    assert client.get(reverse("outcomes:people"), other).status_code == 200  # 7 now: still listed


def test_stored_tables_of_another_version_read_as_not_stored(client, grant_staff, brainstation):
    rollup()
    row = OutcomeTables.objects.get(scope=stored.GRANT)
    assert row.data["version"] == stored.STORED_VERSION
    row.data = {**row.data, "version": stored.STORED_VERSION + 1}  # a shape this code does not know
    row.save()
    client.force_login(grant_staff)
    response = client.get(reverse("outcomes:dashboard"))
    assert response.status_code == 200
    assert 'data-figures-state="none"' in response.content.decode()
    assert client.get(reverse("outcomes:people"), {"measure": "enrolled"}).status_code == 200


def test_stored_tables_with_unknown_columns_open_no_list_and_never_fail(client, grant_staff, brainstation):
    cohort = factories.cohort(program=factories.program(provider=brainstation))
    _ethnic_group(cohort, "hispanic", 5)
    rollup()
    row = OutcomeTables.objects.get(scope=stored.GRANT)
    for table in row.data["tables"]:
        for column in table["columns"]:
            column["key"] = "renamed-" + column["key"]
    row.save()
    client.force_login(grant_staff)
    group = {"measure": "enrolled", "field": "ethnicity", "value": "hispanic"}
    assert client.get(reverse("outcomes:people"), group).status_code == 404
    response = client.get(reverse("outcomes:people"), {"measure": "enrolled"})
    assert response.status_code == 200 and response.context["figure"] is None
