"""The employer's own hiring funnel: its counts, its period filter, its downloads and who sees it."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from employers import services
from employers.models import Application
from placements import selectors as placement_selectors
from placements import services as placement_services
from placements.models import RetentionCheck
from tests import factories
from tests.placements.placement_factories import default_standard, person, placement_judged

FUNNEL_URL = reverse("placements:funnel")
STEPS = ["applications", "interviewing", "offered", "hired", "good_jobs", "employed_90", "employed_180"]


def export_url(table_key: str, fmt: str) -> str:
    return reverse("placements:funnel_export", kwargs={"table_key": table_key, "fmt": fmt})


@pytest.fixture(autouse=True)
def _standard(db):
    default_standard()


def _apply(opportunity, **person_fields) -> Application:
    return services.application_create(participant=person(**person_fields), opportunity=opportunity)


def _move(application, by, *states: str) -> Application:
    for state in states:
        reason = "Another candidate was chosen." if state == "declined" else ""
        application = services.application_move(application=application, by=by, to_state=state, reason=reason)
    return application


def _hire(application, by, *, hourly_wage: str = "25.00"):
    """Offer, then hire, 200 days ago (so both retention checks are due); returns the placement."""
    _move(application, by, "offered")
    return placement_services.application_hire(
        application=application,
        by=by,
        start_date=timezone.localdate() - timedelta(days=200),
        title=application.opportunity.title,
        hourly_wage=Decimal(hourly_wage),
        hours_per_week=Decimal("40"),
        benefit_health=True,
        advancement_path="Developer II after a year.",
    )


def _check(placement_, days: int, outcome: str) -> None:
    check = placement_.retention_checks.get(days=days)
    placement_services.retention_check_record(check=check, outcome=outcome, evidence="employer_confirmed")


@pytest.fixture
def funnel_data(employer, employer_member, other_employer, other_employer_member, make_opportunity):
    """Eight applications to ``employer`` with every trap, and another employer's hire.

    ``employer``: a full-time job and an internship.
      applied; interviewing; not selected after an interview; withdrawn after an offer; offered;
      hired into a good job (employed at 90 days, no contact at 180); hired into a job below the
      minimum wage (employed at 90 and 180 days); hired into the internship (no retention checks).
    Also a good job with ``employer`` recorded by a navigator (no application): not in the funnel.
    ``other_employer``: a good job hire employed at 90 and 180 days: never in ``employer``'s figures.
    """
    job = make_opportunity(employer, title="Junior Developer")
    internship = make_opportunity(employer, title="Data Internship", kind="internship")
    by = employer_member
    apps = {name: _apply(job) for name in ("applied", "interviewing", "declined", "withdrawn", "offered")}
    _move(apps["interviewing"], by, "interviewing")
    _move(apps["declined"], by, "interviewing", "declined")
    _move(apps["withdrawn"], by, "interviewing", "offered")
    services.application_withdraw(application=apps["withdrawn"], by=apps["withdrawn"].participant.user)
    _move(apps["offered"], by, "interviewing", "offered")

    apps["good"] = _apply(job)
    good = _hire(apps["good"], by)
    _check(good, 90, RetentionCheck.Outcome.EMPLOYED)
    _check(good, 180, RetentionCheck.Outcome.NO_CONTACT)

    apps["low_pay"] = _apply(job)
    low_pay = _hire(apps["low_pay"], by, hourly_wage="15.00")
    _check(low_pay, 90, RetentionCheck.Outcome.EMPLOYED)
    _check(low_pay, 180, RetentionCheck.Outcome.EMPLOYED)

    apps["intern"] = _apply(internship)
    _hire(apps["intern"], by)

    outside = placement_judged(employer=employer, start_date=timezone.localdate() - timedelta(days=200))
    _check(outside, 90, RetentionCheck.Outcome.EMPLOYED)

    theirs = _hire(_apply(make_opportunity(other_employer, title="Help Desk Analyst")), other_employer_member)
    _check(theirs, 90, RetentionCheck.Outcome.EMPLOYED)
    _check(theirs, 180, RetentionCheck.Outcome.EMPLOYED)
    assert good.is_good_job and theirs.is_good_job and outside.is_good_job and not low_pay.is_good_job
    return apps


def counts(table) -> dict[str, int]:
    """The funnel table's counts by step."""
    return {row.key: row.data[0].value for row in table.rows}


def by_key(table) -> dict[str, list]:
    return {row.key: [cell.value for cell in row.cells] for row in table.rows}


ALL_TIME = {
    "applications": 8,
    "interviewing": 5,  # interviewing, offered, the two job hires and the intern
    "offered": 4,
    "hired": 3,
    "good_jobs": 1,
    "employed_90": 2,
    "employed_180": 1,
}


# --- The counts --------------------------------------------------------------------------------


def test_the_funnel_counts_each_step_with_its_traps(client, employer_member, funnel_data):
    client.force_login(employer_member)
    response = client.get(FUNNEL_URL)
    assert response.status_code == 200
    funnel = response.context["sections"][0]["table"]
    assert counts(funnel) == ALL_TIME


def test_each_step_shows_its_share_of_applications(employer, funnel_data):
    table = placement_selectors.employer_funnel_table(employer=employer)
    shares = {row.key: row.data[1].value for row in table.rows}
    assert shares == {
        "applications": 100.0,
        "interviewing": 62.5,
        "offered": 50.0,
        "hired": 37.5,
        "good_jobs": 12.5,
        "employed_90": 25.0,
        "employed_180": 12.5,
    }


def test_with_no_applications_the_shares_are_empty_not_an_error(client, employer_member):
    client.force_login(employer_member)
    response = client.get(FUNNEL_URL)
    funnel = response.context["sections"][0]["table"]
    assert counts(funnel) == dict.fromkeys(STEPS, 0)
    assert all(row.data[1].value is None for row in funnel.rows)
    assert "You have not posted an opportunity yet." in response.content.decode()


def test_the_funnel_by_opportunity_counts_each_opportunity(employer, funnel_data):
    opportunities = placement_selectors.employer_funnel_by_opportunity(employer=employer)
    table = placement_selectors.employer_funnel_opportunity_table(opportunities=opportunities)
    rows = {values[0]: values[1:] for values in by_key(table).values()}
    assert rows == {
        "Junior Developer": ["Full-time job", "Open", 7, 4, 3, 2, 1],
        "Data Internship": ["Internship", "Open", 1, 1, 1, 1, 0],
    }


def test_the_funnel_by_kind_counts_each_kind(employer, funnel_data):
    table = placement_selectors.employer_funnel_kind_table(employer=employer)
    assert by_key(table) == {
        "internship": ["Internship", 1, 1, 1, 1, 0, 0, 0],
        "full_time": ["Full-time job", 7, 4, 3, 2, 1, 2, 1],
    }


def test_an_employer_never_sees_another_employers_figures(client, other_employer_member, funnel_data):
    client.force_login(other_employer_member)
    response = client.get(FUNNEL_URL)
    assert counts(response.context["sections"][0]["table"]) == {
        "applications": 1,
        "interviewing": 1,
        "offered": 1,
        "hired": 1,
        "good_jobs": 1,
        "employed_90": 1,
        "employed_180": 1,
    }
    page = response.content.decode()
    assert "Help Desk Analyst" in page
    assert "Junior Developer" not in page and "Data Internship" not in page


def test_an_employers_downloads_hold_only_its_own_opportunities(client, other_employer_member, funnel_data):
    client.force_login(other_employer_member)
    text = client.get(export_url("opportunities", "csv")).content.decode("utf-8-sig")
    assert "Help Desk Analyst" in text
    assert "Junior Developer" not in text


def test_the_page_links_each_opportunity_to_its_applicants(client, employer_member, funnel_data):
    client.force_login(employer_member)
    page = client.get(FUNNEL_URL).content.decode()
    opportunity_id = funnel_data["good"].opportunity_id
    assert reverse("employers:applicants", args=[opportunity_id]) in page


def test_the_home_page_links_to_the_funnel(client, employer_member):
    client.force_login(employer_member)
    assert f'href="{FUNNEL_URL}"' in client.get(reverse("employers:home")).content.decode()


def test_the_tables_are_rendered_accessibly(client, employer_member, funnel_data):
    client.force_login(employer_member)
    page = client.get(FUNNEL_URL).content.decode()
    assert page.count('<div class="table-responsive" tabindex="0" role="region"') == 3
    assert page.count("<caption") == 3
    assert '<th scope="col"' in page and '<th scope="row">' in page


# --- The period ------------------------------------------------------------------------------


@pytest.fixture
def dated_data(funnel_data):
    """The good-job hire received 400 days ago, the applied one 60 days ago."""
    now = timezone.now()
    Application.objects.filter(pk=funnel_data["good"].pk).update(created_at=now - timedelta(days=400))
    Application.objects.filter(pk=funnel_data["applied"].pk).update(created_at=now - timedelta(days=60))
    return funnel_data


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        ("30", {**ALL_TIME, "applications": 6, "interviewing": 4, "offered": 3, "hired": 2, "good_jobs": 0,
                "employed_90": 1}),
        ("90", {**ALL_TIME, "applications": 7, "interviewing": 4, "offered": 3, "hired": 2, "good_jobs": 0,
                "employed_90": 1}),
        ("365", {**ALL_TIME, "applications": 7, "interviewing": 4, "offered": 3, "hired": 2, "good_jobs": 0,
                 "employed_90": 1}),
        ("all", ALL_TIME),
        ("", ALL_TIME),
    ],
)  # fmt: skip
def test_the_period_counts_only_applications_received_in_it(
    client, employer_member, dated_data, period, expected
):
    client.force_login(employer_member)
    response = client.get(FUNNEL_URL, {"period": period})
    assert response.context["form"].is_valid()
    assert counts(response.context["sections"][0]["table"]) == expected


def test_the_period_applies_to_every_table(client, employer_member, dated_data):
    client.force_login(employer_member)
    sections = client.get(FUNNEL_URL, {"period": "30"}).context["sections"]
    assert by_key(sections[1]["table"])["full_time"][1] == 5
    job = str(dated_data["good"].opportunity_id)
    assert by_key(sections[2]["table"])[job][3] == 5


def test_a_bad_period_shows_the_forms_error_and_all_time_figures(client, employer_member, dated_data):
    client.force_login(employer_member)
    response = client.get(FUNNEL_URL, {"period": "7; drop table"})
    assert response.status_code == 200
    assert response.context["form"].errors["period"]
    assert counts(response.context["sections"][0]["table"]) == ALL_TIME
    assert 'class="invalid-feedback"' in response.content.decode()


def test_the_download_links_keep_the_period(client, employer_member, dated_data):
    client.force_login(employer_member)
    page = client.get(FUNNEL_URL, {"period": "90"}).content.decode()
    assert f"{export_url('funnel', 'csv')}?period=90" in page


def test_a_download_follows_the_period(client, employer_member, dated_data):
    client.force_login(employer_member)
    response = client.get(export_url("funnel", "csv"), {"period": "30"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1] == ["Applications received", "6", "100.0"]
    assert "hiring-funnel-funnel-last-30-days.csv" in response["Content-Disposition"]


def test_a_download_with_a_bad_period_is_refused(client, employer_member):
    client.force_login(employer_member)
    assert client.get(export_url("funnel", "csv"), {"period": "week"}).status_code == 400


# --- The downloads --------------------------------------------------------------------------


def test_the_funnel_downloads_as_csv(client, employer_member, funnel_data):
    client.force_login(employer_member)
    response = client.get(export_url("funnel", "csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="hiring-funnel-funnel.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        ["Step", "Count", "Share of applications"],
        ["Applications received", "8", "100.0"],
        ["Reached an interview", "5", "62.5"],
        ["Offered the job", "4", "50.0"],
        ["Hired", "3", "37.5"],
        ["Placements judged good jobs", "1", "12.5"],
        ["Hires still employed at 90 days", "2", "25.0"],
        ["Hires still employed at 180 days", "1", "12.5"],
    ]


def test_the_funnel_by_kind_downloads_as_xlsx_with_numbers(client, employer_member, funnel_data):
    client.force_login(employer_member)
    response = client.get(export_url("kinds", "xlsx"))
    assert response.status_code == 200
    assert 'filename="hiring-funnel-kinds.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "Hiring funnel by kind"
    assert values[1][0] == "Applications received at any time."
    assert values[2][:3] == ["Kind", "Applications received", "Reached an interview"]
    assert values[3] == ["Internship", 1, 1, 1, 1, 0, 0, 0]
    assert values[4] == ["Full-time job", 7, 4, 3, 2, 1, 2, 1]


def test_the_funnel_downloads_as_xlsx_with_its_shares(client, employer_member, funnel_data):
    client.force_login(employer_member)
    sheet = load_workbook(io.BytesIO(client.get(export_url("funnel", "xlsx")).content)).active
    rows = [list(row) for row in sheet.iter_rows(min_row=4, values_only=True)]
    # A share is a fraction shown as a percentage (issue 12: 100.0 read as 10000%).
    assert rows[0] == ["Applications received", 8, 1.0]
    assert rows[4] == ["Placements judged good jobs", 1, 0.125]


def test_the_opportunity_download_holds_every_opportunity_not_one_page(
    client, employer_member, employer, make_opportunity
):
    for n in range(27):
        make_opportunity(employer, title=f"Role {n:02}")
    client.force_login(employer_member)
    assert len(client.get(FUNNEL_URL).context["sections"][2]["table"].rows) == 25
    assert len(client.get(FUNNEL_URL, {"page": 2}).context["sections"][2]["table"].rows) == 2
    sheet = load_workbook(io.BytesIO(client.get(export_url("opportunities", "xlsx")).content)).active
    titles = [row[0] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert sorted(titles) == [f"Role {n:02}" for n in range(27)]


@pytest.mark.parametrize(
    ("table_key", "fmt"),
    [("participants", "csv"), ("funnel", "pdf"), ("funnel", "CSV"), ("sample", "sample")],
)
def test_an_unknown_table_or_format_is_not_found(client, employer_member, table_key, fmt):
    client.force_login(employer_member)
    assert client.get(export_url(table_key, fmt)).status_code == 404


# --- Queries ---------------------------------------------------------------------------------


def _queries(client, url: str, *, employer, make_opportunity, applicant, add: int) -> int:
    """Add ``add`` opportunities with an application each (hired, so the placement joins run),
    then count the queries of one request to ``url``."""
    for n in range(add):
        opportunity = make_opportunity(employer, title=f"Role {n}")
        Application.objects.create(opportunity=opportunity, participant=applicant, state="hired")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", [FUNNEL_URL, export_url("opportunities", "csv"), export_url("kinds", "xlsx")])
def test_queries_do_not_grow_from_3_to_30_opportunities(
    client, employer_member, employer, make_opportunity, url
):
    client.force_login(employer_member)
    client.get(url)  # the first request warms what is cached once (the session, the site)
    counting = {"employer": employer, "make_opportunity": make_opportunity, "applicant": person()}
    three = _queries(client, url, add=3, **counting)
    thirty = _queries(client, url, add=27, **counting)
    assert thirty == three


# --- Who sees it -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["participant", "navigator", "provider", "staff"])
@pytest.mark.parametrize("url", [FUNNEL_URL, export_url("funnel", "csv")])
def test_other_roles_are_refused(client, user_of_role, role, url):
    client.force_login(user_of_role[role])
    assert client.get(url).status_code == 403


def test_an_employer_account_without_its_membership_is_refused(client, employer):
    user = factories.employer_user(employer=employer)
    user.employer_member.delete()
    client.force_login(user)
    assert client.get(FUNNEL_URL).status_code == 403
