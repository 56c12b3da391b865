"""The funder's quarterly report: each column's definition, the frozen submission, corrections,
downloads, access and the number of queries."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mtw_portal.accounts.models import User
from mtw_portal.core.models import GrantSettings
from mtw_portal.core.services import grant_settings
from mtw_portal.core.tables import XLSX_TYPE, Quarter
from outcomes.models import OutcomeTables
from outcomes.services import outcomes_rollup
from outcomes.stored import report_scope
from programs import services as program_services
from programs.follow_up import add_months
from programs.models import CompletionFollowUp
from reports import services as report_services
from reports.models import FunderReport, FunderReportFrozen
from reports.quarterly import funder_report_tables, tables_from_data
from tests import factories

# Last year's second quarter (1 April to 30 June): ended, and always among the quarters whose
# drafts the roll-up stores (the current one and the seven before), as is the one after it.
Y = timezone.localdate().year - 1
Q = Quarter(Y, 2)
STAFF_ROUTES = ("funder_report_list", "funder_report", "funder_report_xlsx", "funder_report_csv")


def submit(quarter: Quarter, by) -> FunderReport:
    """Roll up (which stores the draft), then submit the draft as its page shows it."""
    outcomes_rollup()
    draft = OutcomeTables.objects.filter(scope=report_scope(quarter)).first()  # none once submitted
    shown = report_services.draft_stamp(draft) if draft else ""
    return report_services.funder_report_submit(quarter=quarter, by=by, shown=shown)


def at(year, month, day) -> datetime:
    return timezone.make_aware(datetime(year, month, day, 12))


def person(first: str):
    record = factories.participant_record(factories.participant_user(first_name=first, last_name="Test"))
    record.date_of_birth = date(1990, 1, 15)
    record.zip_code = "33127"
    record.save()
    return record


def enroll(participant, cohort, status, *, applied, enrolled_on=None, **fields):
    return factories.enrollment(
        participant=participant,
        cohort=cohort,
        status=status,
        applied_at=applied,
        enrolled_on=enrolled_on,
        **fields,
    )


def figures(tables) -> dict:
    """{table key: {row key: {column key: value}}} of the report's tables (footer included)."""
    out = {}
    for table in tables:
        keys = [column.key for column in table.columns]
        out[table.key] = {
            row.key: dict(zip(keys, [cell.value for cell in row.cells], strict=True))
            for row in table.all_rows()
        }
    return out


@pytest.fixture
def world(brainstation, fourgeeks, grant_staff):
    """A quarter's worth of data with traps (see each person's comment)."""
    se = factories.program(provider=brainstation, name="Software Engineering")
    da = factories.program(provider=brainstation, name="Data Analytics")
    web = factories.program(provider=fourgeeks, name="Web Development")
    factories.program(provider=fourgeeks, name="Quiet Program")  # no activity: no row
    c0 = factories.cohort(program=se, start_date=date(Y - 1, 7, 8), end_date=date(Y - 1, 12, 31))
    c_prev = factories.cohort(program=se, start_date=date(Y, 1, 13), end_date=date(Y, 4, 30))
    c1 = factories.cohort(program=se, start_date=date(Y, 4, 14), end_date=date(Y, 6, 20))
    c5 = factories.cohort(program=se, start_date=date(Y, 6, 2), end_date=date(Y, 9, 30))
    c3 = factories.cohort(program=da, start_date=date(Y, 5, 5), end_date=date(Y, 8, 1))
    c4 = factories.cohort(program=web, start_date=date(Y, 7, 7), end_date=date(Y, 10, 1))
    partner = factories.EmployerFactory(name="Partner Co", is_partner=True)
    other = factories.EmployerFactory(name="Other Co", is_partner=False)
    p = factories.placement_row

    names = [
        "ana",
        "ben",
        "cara",
        "dan",
        "eve",
        "fay",
        "gus",
        "hal",
        "ida",
        "jon",
        "kim",
        "lou",
        "mia",
        "ned",
        "oli",
    ]
    people = {name: person(name) for name in names}
    ana, ben, cara, dan, eve, fay, gus = (people[name] for name in names[:7])
    # Ana: in two programs in the quarter; one job counts for both.
    e_ana = enroll(
        ana, c1, "completed", applied=at(Y, 4, 2), enrolled_on=date(Y, 4, 3), end_date=date(Y, 6, 20)
    )
    enroll(ana, c3, "active", applied=at(Y, 4, 20), enrolled_on=date(Y, 4, 21))
    p(
        participant=ana,
        employer=partner,
        start_date=date(Y, 6, 30),
        hourly_wage=Decimal("30"),
        in_field_of_training=True,
    )
    p(participant=ana, employer=other, kind="internship", start_date=date(Y, 7, 1))  # just after
    # Ben: withdrew from an earlier cohort in the previous quarter, back in the quarter.
    enroll(
        ben, c_prev, "withdrawn", applied=at(Y, 1, 2), enrolled_on=date(Y, 1, 5),
        end_date=date(Y, 3, 20), withdrawal_reason="family_obligations",
    )  # fmt: skip
    e_ben = enroll(ben, c1, "active", applied=at(Y, 4, 5), enrolled_on=date(Y, 4, 6))
    p(
        participant=ben,
        employer=other,
        kind="part_time",
        start_date=date(Y, 3, 31),
        hourly_wage=Decimal("15"),
    )
    p(participant=ben, employer=other, kind="apprenticeship", start_date=date(Y, 4, 1))  # no wage
    # Cara: two enrollments in one program in the quarter (one not admitted); a job without a wage.
    enroll(cara, c1, "not_admitted", applied=at(Y, 4, 1))
    enroll(cara, c5, "enrolled", applied=at(Y, 5, 10), enrolled_on=date(Y, 5, 11))
    p(participant=cara, employer=other, start_date=date(Y, 4, 10))
    # Dan: imported after the quarter (applied_at is the import day), completed in it.
    enroll(
        dan,
        c3,
        "completed",
        applied=at(Y, 8, 15),
        enrolled_on=date(Y, 5, 5),
        end_date=date(Y, 6, 27),
    )
    p(participant=dan, employer=other, start_date=date(Y, 5, 1), hourly_wage=Decimal("20"))
    # Eve: admitted in the previous quarter, started and withdrew in this one.
    enroll(
        eve, c1, "withdrawn", applied=at(Y, 3, 25), enrolled_on=date(Y, 3, 28),
        end_date=date(Y, 5, 15), withdrawal_reason="transportation",
    )  # fmt: skip
    p(
        participant=eve,
        employer=other,
        kind="part_time",
        start_date=date(Y, 6, 1),
        hourly_wage=Decimal("18.50"),
    )
    p(participant=eve, employer=other, kind="micro_internship", start_date=date(Y, 6, 15))
    # Fay: admitted in the quarter to a cohort starting in the next one.
    enroll(fay, c4, "enrolled", applied=at(Y, 6, 10), enrolled_on=date(Y, 6, 12))
    # Gus: only applied; his job is not the program's.
    enroll(gus, c1, "applied", applied=at(Y, 4, 8))
    p(participant=gus, employer=other, start_date=date(Y, 5, 1), hourly_wage=Decimal("99"))

    # Completions of the fourth quarter of the year before: their six-month date is in the quarter.
    def completed(name, ended):
        return enroll(
            people[name],
            c0,
            "completed",
            applied=at(Y - 1, 6, 1),
            enrolled_on=date(Y - 1, 6, 2),
            end_date=ended,
        )

    def record(enrollment, status):
        CompletionFollowUp.objects.create(enrollment=enrollment, status=status, recorded_by=grant_staff)

    completed("hal", date(Y - 1, 10, 15))  # due 15 April: in-field job at a partner since March
    p(participant=people["hal"], employer=partner, start_date=date(Y, 3, 1), in_field_of_training=True)
    ida = completed("ida", date(Y - 1, 11, 30))  # due 30 May: in-field job elsewhere from that day
    p(
        participant=people["ida"], employer=other, start_date=date(Y, 5, 30),
        hourly_wage=Decimal("40"), in_field_of_training=True,
    )  # fmt: skip
    record(ida, "looking")  # the placement wins
    jon = completed("jon", date(Y - 1, 12, 31))  # due 30 June: his job ended the day before
    p(
        participant=people["jon"], employer=partner, start_date=date(Y, 1, 15),
        end_date=date(Y, 6, 29), in_field_of_training=True,
    )  # fmt: skip
    record(jon, "not_looking")
    record(completed("kim", date(Y - 1, 12, 10)), "no_contact")
    completed("lou", date(Y - 1, 10, 1))  # an internship is not employment: not recorded
    p(
        participant=people["lou"],
        employer=partner,
        kind="internship",
        start_date=date(Y, 3, 15),
        in_field_of_training=True,
    )
    completed("mia", date(Y - 1, 9, 30))  # due 31 March: the previous quarter's
    completed("ned", date(Y - 1, 11, 5))  # a job outside the field
    p(participant=people["ned"], employer=other, kind="part_time", start_date=date(Y - 1, 12, 1))
    record(completed("oli", date(Y - 1, 11, 6)), "employed_outside_field")
    return {
        "se": se, "da": da, "web": web, "c1": c1, "people": people, "ana": e_ana, "ben": e_ben,
        "partner": partner, "other": other,
    }  # fmt: skip


def _row(world, name):
    return str(world[name].pk)


# --- Each column's definition ---------------------------------------------------------------------


def test_training_counts_follow_the_definitions(world):
    training = figures(funder_report_tables(Q))["training"]
    se, da, web = _row(world, "se"), _row(world, "da"), _row(world, "web")
    pick = ("recruited", "admitted", "enrolled", "completed")

    def got(key):
        return {k: training[key][k] for k in pick}

    # Recruited: Ana, Ben, Cara (two enrollments, once), Gus (applied only); not Eve (previous quarter).
    assert got(se) == {"recruited": 4, "admitted": 3, "enrolled": 4, "completed": 1}
    # Dan was imported after the quarter: recruited and admitted when his cohort started.
    assert got(da) == {"recruited": 2, "admitted": 2, "enrolled": 2, "completed": 1}
    # Fay's cohort starts next quarter: recruited and admitted, not started.
    assert got(web) == {"recruited": 1, "admitted": 1, "enrolled": 0, "completed": 0}
    # All programs: each person once.
    assert got("total") == {"recruited": 6, "admitted": 5, "enrolled": 5, "completed": 2}


def test_rows_are_programs_with_activity_by_provider_then_program(world):
    training = funder_report_tables(Q)[0]
    assert [(row.cells[0].value, row.cells[1].value) for row in training.rows] == [
        ("4Geeks Academy", "Web Development"),
        ("BrainStation", "Data Analytics"),
        ("BrainStation", "Software Engineering"),
    ]
    assert str(training.footer[0].cells[0].value) == "All programs"


def test_non_completion_counts_withdrawals_ended_in_the_quarter_by_reason(world):
    rows = figures(funder_report_tables(Q))["non_completion"]
    se = rows[_row(world, "se")]
    assert se["transportation"] == 1  # Eve
    assert se["family_obligations"] == 0  # Ben withdrew in the previous quarter
    assert se["total"] == 1
    assert rows["total"]["total"] == 1


def test_placements_count_the_quarters_placements_for_each_program_of_the_person(world):
    rows = figures(funder_report_tables(Q))["placements"]
    se, da = rows[_row(world, "se")], rows[_row(world, "da")]
    # Ana (30 June), Ida (30 May), Cara; not Gus (only applied).
    assert se["full_time"] == 3
    assert se["part_time"] == 1  # Eve; Ben's started on 31 March
    assert se["apprenticeship"] == 1  # Ben, 1 April
    assert se["micro_internship"] == 1
    assert se["internship"] == 0  # Ana's starts 1 July; Lou's in March
    assert da["full_time"] == 2  # Ana counts for both of her programs, and Dan
    assert rows["total"]["full_time"] == 4  # Ana once
    assert _row(world, "web") in rows and rows[_row(world, "web")]["full_time"] == 0


def test_wages_median_and_share_reported(world):
    rows = figures(funder_report_tables(Q))["wages"]
    se, da, total = rows[_row(world, "se")], rows[_row(world, "da")], rows["total"]
    assert se["median_full_time"] == Decimal("35.00")  # 30 and 40; Cara's has no wage
    assert se["reported_full_time"] == 66.7
    assert se["median_part_time"] == Decimal("18.50")
    assert se["median_apprenticeship"] is None  # Ben's has no wage
    assert se["reported_apprenticeship"] == 0.0
    assert da["median_full_time"] == Decimal("25.00")
    assert da["reported_part_time"] is None  # no placements: nothing to report
    assert total["median_full_time"] == Decimal("30.00")  # 20, 30, 40
    assert total["reported_full_time"] == 75.0


def test_six_month_status_prefers_placements_over_records(world):
    row = figures(funder_report_tables(Q))["follow_up"][_row(world, "se")]
    assert row == {
        "provider": "BrainStation",
        "program": "Software Engineering",
        "due": 7,  # not Mia: her six months ended in March
        "employed_in_field_partner": 1,  # Hal
        "employed_in_field_other": 1,  # Ida, although recorded as looking
        "employed_outside_field": 2,  # Ned's job, Oli's record
        "looking": 0,
        "not_looking": 1,  # Jon: his job ended the day before
        "no_contact": 1,  # Kim
        "not_recorded": 1,  # Lou: an internship is not employment
    }


def test_six_months_is_calendar_months_cut_to_the_months_end():
    assert add_months(date(2024, 8, 31), 6) == date(2025, 2, 28)
    assert add_months(date(2024, 12, 31), 6) == date(2025, 6, 30)
    assert add_months(date(2023, 8, 31), 6) == date(2024, 2, 29)


def test_participant_list_has_enrollments_in_training_during_the_quarter(world):
    table = next(t for t in funder_report_tables(Q) if t.key == "participants")
    rows = [[cell.value for cell in row.cells] for row in table.rows]
    assert [(r[1], r[2]) for r in rows] == [
        ("Data Analytics", "ana Test"),
        ("Data Analytics", "dan Test"),
        ("Software Engineering", "ana Test"),
        ("Software Engineering", "ben Test"),
        ("Software Engineering", "cara Test"),
        ("Software Engineering", "eve Test"),
    ]
    ana_se = rows[2]
    assert ana_se[3:] == [
        date(1990, 1, 15),
        "33127",
        date(Y, 4, 14),  # the cohort's start (she was admitted before it)
        date(Y, 6, 20),
        ana_se[7],
        date(Y, 6, 30),
    ]
    assert str(ana_se[7]) == "Yes"
    ben = rows[3]
    assert (ben[6], str(ben[7]), ben[8]) == (None, "No", date(Y, 3, 31))  # first job, whenever
    eve = rows[5]
    assert (eve[6], str(eve[7])) == (date(Y, 5, 15), "No")


def test_the_quarter_in_progress_counts_no_scheduled_start(brainstation):
    today = timezone.localdate()
    program = factories.program(provider=brainstation)
    cohort = factories.cohort(program=program, start_date=today + timedelta(days=1))
    enroll(person("zoe"), cohort, "enrolled", applied=timezone.now(), enrolled_on=today)
    tables = figures(funder_report_tables(Quarter.of(today), today=today))
    assert tables["training"]["total"]["admitted"] == 1
    assert tables["training"]["total"]["enrolled"] == 0
    assert tables["participants"] == {}


# --- Submission: frozen ---------------------------------------------------------------------------


def _page_tables(client, quarter: Quarter) -> str:
    response = client.get(reverse("reports:funder_report", kwargs={"quarter": str(quarter)}))
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index('aria-labelledby="heading-training"') : html.index("</main>")]


def _xlsx_values(client, quarter: Quarter) -> dict:
    from openpyxl import load_workbook

    response = client.get(reverse("reports:funder_report_xlsx", kwargs={"quarter": str(quarter)}))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook}


def test_submitted_report_stays_identical_when_the_data_changes(client, grant_staff, world):
    client.force_login(grant_staff)
    submit(Q, grant_staff)
    page, workbook = _page_tables(client, Q), _xlsx_values(client, Q)
    assert ">Completed<" in page

    program_services.enrollment_complete(enrollment=world["ben"], by=grant_staff, end_date=date(Y, 6, 25))
    world["ana"].participant.placements.filter(kind="full_time").update(hourly_wage=Decimal("50"))
    factories.placement_row(
        participant=world["people"]["kim"], employer=world["partner"], start_date=date(Y, 6, 1)
    )

    assert _page_tables(client, Q) == page
    assert _xlsx_values(client, Q) == workbook
    live = figures(funder_report_tables(Q))["training"][_row(world, "se")]
    assert live["completed"] == 2  # the data did change


def test_changes_after_submission_appear_as_corrections_in_the_next_report(client, grant_staff, world):
    submit(Q, grant_staff)
    program_services.enrollment_complete(enrollment=world["ben"], by=grant_staff, end_date=date(Y, 6, 25))

    corrections = figures(funder_report_tables(Q.next()))["corrections"]
    rows = [[str(v) for v in row.values()] for row in corrections.values()]
    table = "Recruitment and training"
    assert [f"{Y} Q2", "BrainStation", "Software Engineering", table, "Completed", "1", "2"] in rows
    assert len(rows) == 1
    # The next report, once submitted, keeps the correction as it was.
    submit(Q.next(), grant_staff)
    client.force_login(grant_staff)
    html = client.get(reverse("reports:funder_report", kwargs={"quarter": str(Q.next())})).content.decode()
    assert "Software Engineering" in html[html.index('id="table-corrections"') :]


def test_a_quarter_without_earlier_submissions_has_no_corrections(world):
    assert figures(funder_report_tables(Q))["corrections"] == {}


def test_submitting_twice_is_refused(grant_staff, world):
    submit(Q, grant_staff)
    with pytest.raises(ValidationError, match="already submitted"):
        submit(Q, grant_staff)
    assert FunderReport.objects.count() == 1


def test_submitting_a_quarter_that_has_not_ended_is_refused(grant_staff):
    current = Quarter.of(timezone.localdate())
    with pytest.raises(ValidationError, match="has not ended yet"):
        report_services.funder_report_submit(quarter=current, by=grant_staff, shown="")
    assert not FunderReport.objects.exists()


def test_a_submitted_report_cannot_be_saved_again(grant_staff, world):
    report = submit(Q, grant_staff)
    report.data = {}
    with pytest.raises(FunderReportFrozen):
        report.save()


def test_the_database_refuses_to_update_a_submitted_report(grant_staff, world):
    report = submit(Q, grant_staff)
    with pytest.raises(DatabaseError), transaction.atomic():
        FunderReport.objects.filter(pk=report.pk).update(data={})
    report.refresh_from_db()
    assert report.data["quarter"] == f"{Y}-Q2"


def test_submit_button_submits_and_the_page_says_so(client, grant_staff, world):
    client.force_login(grant_staff)
    url = reverse("reports:funder_report", kwargs={"quarter": str(Q)})
    outcomes_rollup()
    page = client.get(url)
    assert f"Submitting freezes the {Y} Q2 report".encode() in page.content
    submit_url = reverse("reports:funder_report_submit", kwargs={"quarter": str(Q)})
    response = client.post(submit_url, {"shown": page.context["draft_stamp"]}, follow=True)
    assert response.redirect_chain[-1][0] == url
    assert b'data-state="submitted"' in response.content
    assert b"Submitting freezes" not in response.content
    again = client.post(submit_url, {"shown": page.context["draft_stamp"]}, follow=True)
    assert b"already submitted" in again.content


def _shown_stamp(client, quarter: Quarter) -> str:
    page = client.get(reverse("reports:funder_report", kwargs={"quarter": str(quarter)}))
    assert b'name="shown"' in page.content
    return page.context["draft_stamp"]


def _post_submit(client, quarter: Quarter, **fields):
    url = reverse("reports:funder_report_submit", kwargs={"quarter": str(quarter)})
    return client.post(url, fields, follow=True)


def test_submitting_freezes_the_stored_draft_shown_not_figures_computed_at_submission(
    client, grant_staff, world
):
    client.force_login(grant_staff)
    outcomes_rollup()
    draft = OutcomeTables.objects.get(scope=report_scope(Q))
    stamp = _shown_stamp(client, Q)
    # A change after the roll-up: the page still shows the stored figures (Ben not completed).
    program_services.enrollment_complete(enrollment=world["ben"], by=grant_staff, end_date=date(Y, 6, 25))
    assert figures(funder_report_tables(Q))["training"][_row(world, "se")]["completed"] == 2

    response = _post_submit(client, Q, shown=stamp)

    assert b'data-state="submitted"' in response.content
    report = FunderReport.objects.get()
    frozen = {t["key"]: t for t in report.data["tables"]}
    for table in draft.data["tables"]:
        if table["key"] != "participants":
            assert frozen[table["key"]] == table, table["key"]
    assert report.data["computed_at"] == draft.computed_at.isoformat()
    assert figures(tables_from_data(report.data))["training"][_row(world, "se")]["completed"] == 1
    assert "participants_count" not in report.data
    assert frozen["participants"]["rows"], "the participant list is frozen with it"


def test_submitting_a_draft_a_roll_up_replaced_since_the_page_was_shown_is_refused(
    client, grant_staff, world
):
    client.force_login(grant_staff)
    outcomes_rollup()
    stamp = _shown_stamp(client, Q)
    outcomes_rollup()  # another roll-up: the figures on the page are no longer the stored ones

    response = _post_submit(client, Q, shown=stamp)

    assert response.status_code == 200
    assert b"refreshed by a roll-up after the page was shown" in response.content
    assert not FunderReport.objects.exists()
    assert _post_submit(client, Q, shown=_shown_stamp(client, Q)).status_code == 200
    assert FunderReport.objects.count() == 1


def test_submitting_while_a_refresh_is_pending_asks_to_wait_or_confirm(client, grant_staff, world):
    client.force_login(grant_staff)
    outcomes_rollup()
    grant_settings()
    GrantSettings.objects.update(rollup_pending_until=timezone.now() + timedelta(minutes=5))
    page = client.get(reverse("reports:funder_report", kwargs={"quarter": str(Q)}))
    assert b'name="confirm_pending"' in page.content
    stamp = page.context["draft_stamp"]

    refused = _post_submit(client, Q, shown=stamp)
    assert b"waiting for the next roll-up" in refused.content
    assert not FunderReport.objects.exists()

    _post_submit(client, Q, shown=stamp, confirm_pending="yes")
    assert FunderReport.objects.count() == 1


def test_a_quarter_without_a_stored_draft_has_no_submit_form_and_a_post_is_refused(
    client, grant_staff, world
):
    client.force_login(grant_staff)
    OutcomeTables.objects.all().delete()
    page = client.get(reverse("reports:funder_report", kwargs={"quarter": str(Q)}))
    assert page.status_code == 200
    assert b"Submitting freezes" not in page.content
    assert b'data-submit="waiting"' in page.content

    response = _post_submit(client, Q, shown="2020-01-01T00:00:00+00:00")

    assert response.status_code == 200
    assert b"are not stored yet" in response.content
    assert not FunderReport.objects.exists()


def test_a_draft_stored_before_the_quarter_ended_cannot_be_submitted(client, grant_staff, world):
    client.force_login(grant_staff)
    outcomes_rollup()
    draft = OutcomeTables.objects.get(scope=report_scope(Q))
    draft.data = {**draft.data, "period_end": (Q.end - timedelta(days=3)).isoformat()}  # as rolled up then
    draft.save()
    page = client.get(reverse("reports:funder_report", kwargs={"quarter": str(Q)}))
    assert b"Submitting freezes" not in page.content

    response = _post_submit(client, Q, shown=report_services.draft_stamp(draft))

    assert b"computed before" in response.content
    assert not FunderReport.objects.exists()


def test_the_quarter_in_progress_cannot_be_submitted_from_the_page(client, grant_staff):
    client.force_login(grant_staff)
    current = Quarter.of(timezone.localdate())
    response = client.get(reverse("reports:funder_report", kwargs={"quarter": str(current)}))
    assert b'data-state="draft"' in response.content
    assert b"Submitting freezes" not in response.content


def test_list_shows_the_last_eight_quarters_and_older_submissions(client, grant_staff, world):
    old = {"quarter": "2020-Q1", "tables": []}  # older than any draft the roll-up stores
    FunderReport(year=2020, quarter=1, data=old, submitted_by=grant_staff).save()
    client.force_login(grant_staff)
    response = client.get(reverse("reports:funder_report_list"))
    quarters = [item["quarter"] for item in response.context["quarters"]]
    current = Quarter.of(timezone.localdate())
    assert quarters[0] == current and len(quarters) == 9
    assert quarters[-1] == Quarter(2020, 1)
    assert response.context["quarters"][-1]["report"] is not None


# --- Downloads and access -------------------------------------------------------------------------


def test_xlsx_download_has_one_sheet_per_table(client, grant_staff, world):
    from openpyxl import load_workbook

    call_command("rollup_outcomes", stdout=None)
    client.force_login(grant_staff)
    response = client.get(reverse("reports:funder_report_xlsx", kwargs={"quarter": str(Q)}))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    assert f'filename="funder-report-{Y}-Q2.xlsx"' in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
        "Recruitment and training",
        "Non-completion by reason",
        "Placements by type",
        "Hourly wages",
        "Six months after completion",
        "Participants in training",
        "Corrections to earlier reports",
    ]


def test_csv_download_of_one_table(client, grant_staff, world):
    call_command("rollup_outcomes", stdout=None)
    client.force_login(grant_staff)
    response = client.get(
        reverse("reports:funder_report_csv", kwargs={"quarter": str(Q), "table": "training"})
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Provider,Program,Recruited,Admitted,Started training,Completed"
    assert "BrainStation,Software Engineering,4,3,4,1" in lines


@pytest.mark.parametrize(
    "url",
    [
        "/staff/reports/2025-Q5/",
        "/staff/reports/sample/",
        "/staff/reports/2025-q2/",
        "/staff/reports/2025-Q9.xlsx",
        "/staff/reports/2025-Q2/nothing.csv",
    ],
)
def test_a_bad_quarter_or_table_is_not_found(client, grant_staff, url):
    client.force_login(grant_staff)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("role", ["participant", "navigator", "provider", "employer"])
def test_other_roles_are_refused_every_report_page(client, user_of_role, role):
    client.force_login(user_of_role[role])
    urls = [
        reverse("reports:funder_report_list"),
        reverse("reports:funder_report", kwargs={"quarter": str(Q)}),
        reverse("reports:funder_report_xlsx", kwargs={"quarter": str(Q)}),
        reverse("reports:funder_report_csv", kwargs={"quarter": str(Q), "table": "training"}),
    ]
    for url in urls:
        assert client.get(url).status_code == 403, url
    response = client.post(reverse("reports:funder_report_submit", kwargs={"quarter": str(Q)}))
    assert response.status_code == 403
    assert not FunderReport.objects.exists()


def test_url_walk_covers_the_report_pages():
    from tests.urlwalk import portal_routes

    routes = {route.name: route for route in portal_routes()}
    for name in (*STAFF_ROUTES, "funder_report_submit"):
        route = routes[f"reports:{name}"]
        assert [str(role) for role in route.allowed_roles] == ["staff"]


# --- Queries ---------------------------------------------------------------------------------------


def _crowd(size: int, cohort, employer, *, offset: int) -> None:
    for i in range(size):
        someone = person(f"p{offset + i}")
        enroll(
            someone, cohort, "completed", applied=at(Y, 4, 2), enrolled_on=date(Y, 4, 3),
            end_date=date(Y, 6, 20),
        )  # fmt: skip
        factories.placement_row(
            participant=someone, employer=employer, start_date=date(Y, 5, 1), hourly_wage=Decimal("25")
        )


def _queries(quarter: Quarter) -> int:
    with CaptureQueriesContext(connection) as context:
        funder_report_tables(quarter)
    return len(context.captured_queries)


def test_queries_do_not_grow_with_the_number_of_participants(world, grant_staff):
    submit(Q, grant_staff)  # so the next one checks corrections
    _crowd(2, world["c1"], world["other"], offset=0)
    few = (_queries(Q), _queries(Q.next()))
    _crowd(20, world["c1"], world["other"], offset=100)
    assert (_queries(Q), _queries(Q.next())) == few
    assert few[0] <= 12


def test_demo_staff_download_last_quarters_report_with_figures(client, db, settings):
    from openpyxl import load_workbook

    settings.MTW_REQUIRE_MFA = False
    call_command("seed_demo", stdout=None)
    client.force_login(User.objects.get(email="staff@demo.test"))
    last = Quarter.of(timezone.localdate()).previous()
    listing = client.get(reverse("reports:funder_report_list"))
    assert reverse("reports:funder_report", kwargs={"quarter": str(last)}) in listing.content.decode()
    response = client.get(reverse("reports:funder_report_xlsx", kwargs={"quarter": str(last)}))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["Participants in training"]
    assert sheet.max_row > 2, "the demo has people in training last quarter"


@pytest.mark.parametrize("submitted", [False, True], ids=["draft", "submitted"])
def test_the_page_shows_the_participant_list_a_page_at_a_time_and_the_csv_whole(
    client, grant_staff, world, monkeypatch, submitted
):
    from reports import views as report_views

    monkeypatch.setattr(report_views, "PARTICIPANTS_PER_PAGE", 3)
    if submitted:
        submit(Q, grant_staff)
    call_command("rollup_outcomes", stdout=None)
    client.force_login(grant_staff)
    url = reverse("reports:funder_report", kwargs={"quarter": str(Q)})
    csv_url = reverse("reports:funder_report_csv", kwargs={"quarter": str(Q), "table": "participants"})
    every_row = client.get(csv_url).content.decode("utf-8-sig").strip().splitlines()[1:]
    assert len(every_row) > 3
    shown_rows, page_number = [], 1
    while True:
        response = client.get(url, {"page": page_number})
        table = next(t for t in response.context["tables"] if t["table"].key == "participants")
        assert len(table["rows"]) <= 3
        shown_rows += [row[2].value for row in table["rows"]]
        if not table["page"].has_next():
            break
        page_number += 1
    if submitted:
        assert f"of {len(every_row)}." in response.content.decode()
    else:  # the draft's count is the roll-up's; its list is never counted whole
        assert f'data-rows="{len(every_row)}"' in response.content.decode()
    assert len(shown_rows) == len(every_row)
    assert sorted(shown_rows) == sorted(line.split(",")[2] for line in every_row)


def test_the_report_page_costs_the_same_queries_however_many_people(client, grant_staff, world):
    client.force_login(grant_staff)
    url = reverse("reports:funder_report", kwargs={"quarter": str(Q)})

    def page_queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(url, {"page": 2}).status_code == 200
        return len(context.captured_queries)

    _crowd(2, world["c1"], world["other"], offset=0)
    few = page_queries()
    _crowd(60, world["c1"], world["other"], offset=100)
    assert page_queries() == few
