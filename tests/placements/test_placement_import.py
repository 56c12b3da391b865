"""Placement import (``import_roster placements`` and /employers/placements/import/): all or
nothing, idempotent, each placement judged, navigators limited to their organization."""

from __future__ import annotations

import io
import subprocess
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from employers.models import Employer
from mtw_portal.imports.importers import read_table
from mtw_portal.imports.models import ImportBatch
from placements.imports import COLUMNS, PlacementImporter
from placements.models import Placement, RetentionCheck
from tests import factories, imports_helpers
from tests.placements.placement_factories import default_standard, person, placement_judged

HEADER = ",".join(COLUMNS)
TODAY = timezone.localdate()
START = date(2025, 3, 3)


@pytest.fixture(autouse=True)
def _standard(db):
    default_standard()


@pytest.fixture
def ukg(db):
    return Employer.objects.create(name="UKG")


@pytest.fixture
def ana(oic):
    """A participant of OIC (the ``navigator``'s organization)."""
    return person(oic, email="ana.diaz@example.org")


def row(**values) -> dict:
    """A good row (Ana's full-time job at UKG, a good job), with ``values`` changed."""
    base = {
        "email": "ana.diaz@example.org",
        "employer": "UKG",
        "kind": "full_time",
        "title": "Associate Software Engineer",
        "start_date": START.isoformat(),
        "hourly_wage": "36.50",
        "hours_per_week": "40",
        "health_benefits": "yes",
        "advancement_path": "Associate to Engineer I after 12 months.",
        "end_date": "",
    }
    return {**base, **values}


def people(count: int, organization, **values) -> list[dict]:
    rows = []
    for i in range(count):
        person(organization, email=f"worker{i}@example.org")
        rows.append(row(email=f"worker{i}@example.org", **values))
    return rows


PLACEMENTS = imports_helpers.ImportKit(
    kind="placements",
    columns=COLUMNS,
    filename="placements.csv",
    upload_url_name="placements:placement_import",
    preview_url_name="placements:placement_import_preview",
    good_row=row,
)
csv_bytes, write, run, run_failing = (
    PLACEMENTS.csv_bytes,
    PLACEMENTS.write,
    PLACEMENTS.run,
    PLACEMENTS.run_failing,
)
upload, preview_url = PLACEMENTS.upload, PLACEMENTS.preview_url


def snapshot() -> dict:
    """Every record the import may write, field by field."""
    return imports_helpers.snapshot(Employer, Placement, RetentionCheck)


# --- Clean files ------------------------------------------------------------------------


def test_a_clean_csv_imports_judges_and_schedules_retention_checks(tmp_path, ana, ukg):
    rows = [
        row(),
        row(kind="internship", title="Summer Intern", start_date="2024-06-03", end_date="2024-08-30"),
        row(kind="part_time", title="Support Analyst", hourly_wage="19.99", hours_per_week="24"),
    ]
    assert run(write(tmp_path, csv_bytes(rows))) == "placements: 3 created, 0 updated, 0 unchanged"
    job = Placement.objects.get(kind="full_time")
    assert (job.participant, job.employer, job.start_date, job.source) == (ana, ukg, START, "import")
    assert (job.hourly_wage, job.hours_per_week, job.benefit_health) == (
        Decimal("36.50"),
        Decimal("40"),
        True,
    )
    assert job.is_good_job and job.standard is not None and job.recorded_by is None
    assert list(job.retention_checks.values_list("days", flat=True)) == [90, 180]
    intern = Placement.objects.get(kind="internship")
    assert (intern.failed_tests, intern.end_date) == (["kind"], date(2024, 8, 30))
    assert not intern.retention_checks.exists()
    assert Placement.objects.get(kind="part_time").failed_tests == ["wage", "hours"]


def test_an_xlsx_with_real_date_and_number_cells_imports(tmp_path, ana, ukg):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([" Email ", "EMPLOYER", *COLUMNS[2:]])  # header case and spaces do not matter
    sheet.append(
        [
            "Ana.Diaz@Example.org",
            "ukg",
            "Full_Time",
            "Associate Software Engineer",
            START,
            36.5,
            40,
            "Yes",
            "Associate to Engineer I.",
            None,
        ]
    )
    sheet.append([])  # a blank row is skipped
    sheet.append(
        [
            "ana.diaz@example.org",
            "UKG",
            "apprenticeship",
            "Apprentice",
            date(2024, 1, 8),
            20,
            37.5,
            True,
            "Tier 2.",
            None,
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    path = write(tmp_path, buffer.getvalue(), name="placements.bin")  # the kind is told by content

    assert run(path) == "placements: 2 created, 0 updated, 0 unchanged"
    job = Placement.objects.get(kind="full_time")
    assert (job.hourly_wage, job.start_date, job.employer) == (Decimal("36.50"), START, ukg)
    apprentice = Placement.objects.get(kind="apprenticeship")
    assert (apprentice.hours_per_week, apprentice.benefit_health, apprentice.is_good_job) == (
        Decimal("37.5"),
        True,
        True,
    )


def test_health_benefits_takes_yes_no_y_n_true_false_in_any_case(tmp_path, ana, ukg):
    answers = {"YES": True, "y": True, "True": True, "no": False, "N": False, "FALSE": False}
    rows = [
        row(start_date=(START + timedelta(days=i)).isoformat(), health_benefits=answer)
        for i, answer in enumerate(answers)
    ]
    run(write(tmp_path, csv_bytes(rows)))
    found = dict(Placement.objects.values_list("start_date", "benefit_health"))
    assert [found[START + timedelta(days=i)] for i in range(len(answers))] == list(answers.values())


def test_importing_a_file_twice_gives_the_same_database_as_importing_it_once(tmp_path, ana, ukg, oic):
    rows = [row(), row(employer="Brightline Trains", kind="apprenticeship"), *people(3, oic)]
    path = write(tmp_path, csv_bytes(rows))
    run(path)
    once = snapshot()
    assert run(path) == "placements: 0 created, 0 updated, 5 unchanged"
    assert snapshot() == once


def test_an_updated_file_updates_without_duplicating_and_judges_again(tmp_path, ana, ukg):
    run(write(tmp_path, csv_bytes([row()])))
    job = Placement.objects.get()
    updated = row(hourly_wage="19.00", end_date="2025-09-30", title="Engineer")
    assert run(write(tmp_path, csv_bytes([updated]))) == "placements: 0 created, 1 updated, 0 unchanged"
    job.refresh_from_db()
    assert Placement.objects.count() == 1
    assert (job.hourly_wage, job.end_date, job.title) == (Decimal("19.00"), date(2025, 9, 30), "Engineer")
    assert (job.is_good_job, job.failed_tests) == (False, ["wage"])
    assert job.retention_checks.count() == 2


def test_an_update_keeps_the_placements_own_source_and_the_fields_the_file_lacks(tmp_path, ana, ukg):
    hired = placement_judged(
        participant=ana, employer=ukg, start_date=START, source="hire", benefit_retirement=True
    )
    run(write(tmp_path, csv_bytes([row(title="Renamed")])))
    hired.refresh_from_db()
    assert (hired.source, hired.title, hired.benefit_retirement) == ("hire", "Renamed", True)


def test_a_new_employer_is_created_and_named_in_the_summary(tmp_path, ana, ukg):
    rows = [row(employer="  Brightline   Trains "), row(employer="brightline trains", kind="part_time")]
    summary = run(write(tmp_path, csv_bytes(rows)), "--dry-run")
    assert (
        summary == "dry run: placements: 2 created, 0 updated, 0 unchanged (new employers: Brightline Trains)"
    )
    assert not Employer.objects.filter(name="Brightline Trains").exists()
    run(write(tmp_path, csv_bytes(rows)))
    brightline = Employer.objects.get(name="Brightline Trains")
    assert set(Placement.objects.values_list("employer", flat=True)) == {brightline.pk}


def test_an_existing_employer_is_found_in_any_case(tmp_path, ana, ukg):
    assert (
        run(write(tmp_path, csv_bytes([row(employer="ukg")])))
        == "placements: 1 created, 0 updated, 0 unchanged"
    )
    assert Placement.objects.get().employer == ukg


def test_a_dry_run_writes_nothing(tmp_path, ana, ukg, mailoutbox):
    before = snapshot()
    summary = run(write(tmp_path, csv_bytes([row(), row(employer="New Co")])), "--dry-run")
    assert summary == "dry run: placements: 2 created, 0 updated, 0 unchanged (new employers: New Co)"
    assert snapshot() == before


def test_planning_takes_a_handful_of_queries_however_many_rows(ukg, oic, django_assert_max_num_queries):
    rows = people(40, oic)
    for i in range(0, 40, 2):
        placement_judged(
            participant=_participant(f"worker{i}@example.org"),
            employer=ukg,
            start_date=START,
            title="Associate Software Engineer",
            hourly_wage=Decimal("36.50"),
            hours_per_week=Decimal("40"),
            advancement_path="Associate to Engineer I after 12 months.",
        )
    table = read_table(csv_bytes(rows), COLUMNS)
    with django_assert_max_num_queries(6):
        result = PlacementImporter().plan(table)
    assert result.counts == {"created": 20, "updated": 0, "unchanged": 20}


def _participant(email: str):
    from participants.models import Participant

    return Participant.objects.get(user__email=email)


# --- Bad rows: nothing written, every problem named ---------------------------------------


def test_one_bad_row_among_many_writes_nothing_and_names_that_row(tmp_path, ukg, oic):
    rows = people(30, oic)
    rows.insert(15, row(email="worker3@example.org", start_date="2025-04-01", hourly_wage="$25.00"))  # row 17
    before = snapshot()
    errors = run_failing(write(tmp_path, csv_bytes(rows)))
    assert errors == [
        'row 17, hourly_wage: "$25.00": write dollars without "$" or thousands separators, like 22.50'
    ]
    assert snapshot() == before


LATER = (TODAY + timedelta(days=367)).isoformat()
BAD_ROWS = [
    ({"email": "ana@"}, 'row 2, email: "ana@" is not a valid email address'),
    ({"email": ""}, "row 2, email: required"),
    (
        {"email": "nobody@example.org"},
        "row 2, email: no participant has this email address (this import does not create participants)",
    ),
    ({"employer": ""}, "row 2, employer: required"),
    ({"employer": "e" * 201}, "row 2, employer: longer than 200 characters"),
    (
        {"kind": "job"},
        'row 2, kind: "job" is not one of sprint_internship, micro_internship, internship, apprenticeship,'
        " full_time, part_time",
    ),
    ({"kind": ""}, "row 2, kind: required"),
    ({"title": " "}, "row 2, title: required"),
    ({"title": "t" * 201}, "row 2, title: longer than 200 characters"),
    ({"start_date": ""}, "row 2, start_date: required"),
    ({"start_date": "03/03/2025"}, 'row 2, start_date: "03/03/2025" is not a date written YYYY-MM-DD'),
    ({"start_date": "2025-02-30"}, 'row 2, start_date: "2025-02-30" is not a date written YYYY-MM-DD'),
    ({"start_date": LATER}, "row 2, start_date: cannot be more than a year from today"),
    ({"hourly_wage": ""}, "row 2, hourly_wage: required"),
    (
        {"hourly_wage": "$25"},
        'row 2, hourly_wage: "$25": write dollars without "$" or thousands separators, like 22.50',
    ),
    (
        {"hourly_wage": "1,025.00"},
        'row 2, hourly_wage: "1,025.00": write dollars without "$" or thousands separators, like 22.50',
    ),
    ({"hourly_wage": "twenty"}, 'row 2, hourly_wage: "twenty" is not an amount in dollars like 22.50'),
    ({"hourly_wage": "-5"}, 'row 2, hourly_wage: "-5" is not an amount in dollars like 22.50'),
    ({"hourly_wage": "0"}, "row 2, hourly_wage: must be more than 0"),
    ({"hourly_wage": "0.00"}, "row 2, hourly_wage: must be more than 0"),
    ({"hourly_wage": "25.125"}, 'row 2, hourly_wage: "25.125" has more than 2 decimals'),
    ({"hourly_wage": "65000"}, "row 2, hourly_wage: must be at most 999.99: the wage per hour, not per year"),
    ({"hours_per_week": ""}, "row 2, hours_per_week: required"),
    ({"hours_per_week": "forty"}, 'row 2, hours_per_week: "forty" is not a number of hours like 40 or 37.5'),
    ({"hours_per_week": "0.25"}, 'row 2, hours_per_week: "0.25" has more than 1 decimal'),
    ({"hours_per_week": "0"}, 'row 2, hours_per_week: "0" is not between 0.5 and 80'),
    ({"hours_per_week": "80.5"}, 'row 2, hours_per_week: "80.5" is not between 0.5 and 80'),
    ({"health_benefits": ""}, "row 2, health_benefits: required: yes or no"),
    ({"health_benefits": "maybe"}, 'row 2, health_benefits: "maybe" is not yes or no'),
    ({"advancement_path": "a" * 2001}, "row 2, advancement_path: longer than 2000 characters"),
    ({"end_date": "soon"}, 'row 2, end_date: "soon" is not a date written YYYY-MM-DD'),
    ({"end_date": "2025-03-02"}, "row 2, end_date: cannot be before the start date (2025-03-03)"),
]


@pytest.mark.parametrize(("values", "expected"), BAD_ROWS, ids=[e for _v, e in BAD_ROWS])
def test_each_bad_value_is_reported_by_row_and_column(tmp_path, ana, ukg, values, expected):
    before = snapshot()
    assert run_failing(write(tmp_path, csv_bytes([row(**values)]))) == [expected]
    assert snapshot() == before


def test_the_edges_of_each_value_are_accepted(tmp_path, ana, ukg):
    rows = [
        row(hourly_wage="0.01", hours_per_week="0.5", start_date="2025-01-01"),
        row(hourly_wage="999.99", hours_per_week="80", start_date="2025-01-02"),
        row(hourly_wage="25.50", hours_per_week="37.5", start_date="2025-01-03", end_date="2025-01-03"),
        row(start_date=(TODAY + timedelta(days=366)).isoformat()),
    ]
    assert run(write(tmp_path, csv_bytes(rows))) == "placements: 4 created, 0 updated, 0 unchanged"


def test_a_wage_with_trailing_zeros_is_still_two_decimals(tmp_path, ana, ukg):
    run(write(tmp_path, csv_bytes([row(hourly_wage="20.500")])))
    assert Placement.objects.get().hourly_wage == Decimal("20.50")


def test_an_account_that_is_not_a_participants_is_refused(tmp_path, navigator, ukg):
    errors = run_failing(write(tmp_path, csv_bytes([row(email=navigator.email)])))
    assert errors == ["row 2, email: belongs to an account that is not a participant's"]


def test_the_same_placement_twice_in_a_file_names_the_earlier_row(tmp_path, ana, ukg):
    rows = [row(), row(employer="ukg", kind="part_time"), row(email="ANA.DIAZ@example.org", employer=" UKG ")]
    assert run_failing(write(tmp_path, csv_bytes(rows))) == [
        "row 4, email: the same participant, employer, kind and start date as row 2"
    ]
    assert not Placement.objects.exists()


def test_every_problem_of_every_bad_row_is_reported_in_file_order(tmp_path, ana, ukg):
    rows = [row(kind="gig", hours_per_week="100"), row(start_date="2025-01-01"), row(health_benefits="si")]
    assert run_failing(write(tmp_path, csv_bytes(rows))) == [
        'row 2, kind: "gig" is not one of sprint_internship, micro_internship, internship, apprenticeship,'
        " full_time, part_time",
        'row 2, hours_per_week: "100" is not between 0.5 and 80',
        'row 4, health_benefits: "si" is not yes or no',
    ]


def test_a_wrong_header_is_named(tmp_path, db):
    errors = run_failing(write(tmp_path, b"email,employer,kind,title,start_date,wage\r\n"))
    assert errors[0] == (
        "row 1, header: missing columns: "
        "hourly_wage, hours_per_week, health_benefits, advancement_path, end_date"
    )
    assert errors[-1] == f"row 1, header: expected: {HEADER}"


# --- The command line -------------------------------------------------------------------


@pytest.mark.subprocess
def test_the_sample_file_dry_runs_cleanly_after_seed_demo_and_the_command_exits_0_or_1(tmp_path):
    manage, env = imports_helpers.manage_command(tmp_path)
    for command in (["migrate", "-v0"], ["seed_demo"]):
        subprocess.run([*manage, *command], env=env, check=True, capture_output=True, timeout=300)
    sample = Path(settings.BASE_DIR) / "docs" / "samples" / "placements.csv"

    def command(*args):
        return subprocess.run(
            [*manage, "import_roster", "placements", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    dry = command(str(sample), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.strip().startswith(
        "dry run: placements: 8 created, 0 updated, 0 unchanged (new employers: "
    )
    assert command(str(sample)).returncode == 0
    again = command(str(sample))
    assert (again.returncode, again.stdout.strip()) == (0, "placements: 0 created, 0 updated, 8 unchanged")

    bad = write(tmp_path, csv_bytes([row(email="participant@demo.test", employer="UKG", hourly_wage="$1")]))
    failed = command(str(bad))
    assert failed.returncode == 1
    assert failed.stdout == ""
    assert 'row 2, hourly_wage: "$1": write dollars without "$" or thousands separators, like 22.50' in (
        failed.stderr.splitlines()
    )


# --- The web: upload, preview, confirm --------------------------------------------------


UPLOAD_URL = reverse("placements:placement_import")


def test_a_navigator_uploads_previews_and_confirms_their_organizations_placements(
    client, navigator, ana, ukg
):
    client.force_login(navigator)
    assert client.get(UPLOAD_URL).status_code == 200
    response = upload(client, [row(), row(employer="Brightline Trains", kind="part_time")])
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == preview_url(batch)
    assert (batch.kind, batch.uploaded_by, batch.scope_provider) == ("placements", navigator, None)

    page = client.get(preview_url(batch))
    assert page.context["result"].counts == {"created": 2, "updated": 0, "unchanged": 0}
    assert "new employer: Brightline Trains" in page.content.decode()
    assert not Placement.objects.exists()  # the preview writes nothing

    response = client.post(preview_url(batch))
    assert response.status_code == 302
    assert Placement.objects.count() == 2
    assert set(Placement.objects.values_list("recorded_by", "source")) == {(navigator.pk, "import")}
    batch.refresh_from_db()
    assert batch.applied_at is not None and batch.result["counts"]["created"] == 2
    assert "Placements imported" in client.get(preview_url(batch)).content.decode()


def test_a_navigator_cannot_import_for_another_organizations_participant(
    client, navigator, ana, ukg, united_way
):
    person(united_way, email="elsewhere@example.org")
    client.force_login(navigator)
    upload(client, [row(), row(email="elsewhere@example.org"), row(email="nobody@example.org")])
    batch = ImportBatch.objects.get()
    page = client.get(preview_url(batch))
    assert [str(e) for e in page.context["result"].errors] == [
        "row 3, email: this participant is not in your organization",
        "row 4, email: this participant is not in your organization",  # never says whether they exist
    ]
    assert "Import these placements" not in page.content.decode()
    client.post(preview_url(batch))
    assert not Placement.objects.exists()
    batch.refresh_from_db()
    assert batch.applied_at is None


def test_grant_staff_import_for_any_participant(client, grant_staff, ana, ukg, united_way):
    person(united_way, email="elsewhere@example.org")
    client.force_login(grant_staff)
    upload(client, [row(), row(email="elsewhere@example.org")])
    client.post(preview_url(ImportBatch.objects.get()))
    assert Placement.objects.count() == 2


def test_confirming_twice_writes_once(client, navigator, ana, ukg):
    client.force_login(navigator)
    upload(client)
    batch = ImportBatch.objects.get()
    client.post(preview_url(batch))
    once = snapshot()
    response = client.post(preview_url(batch), follow=True)
    assert "already been imported" in response.content.decode()
    assert snapshot() == once


def test_a_confirmation_plans_again_and_writes_nothing_if_the_person_moved(
    client, navigator, ana, ukg, united_way
):
    client.force_login(navigator)
    upload(client)
    batch = ImportBatch.objects.get()
    ana.organization = united_way
    ana.save()
    page = client.post(preview_url(batch)).content.decode()
    assert "this participant is not in your organization" in page
    assert not Placement.objects.exists()


def test_another_navigator_cannot_see_or_confirm_a_batch(client, navigator, other_navigator, ana, ukg, oic):
    colleague = factories.navigator_user(organization=oic)
    client.force_login(navigator)
    upload(client)
    batch = ImportBatch.objects.get()
    for user in (other_navigator, colleague):
        client.force_login(user)
        assert client.get(preview_url(batch)).status_code == 404
        assert client.post(preview_url(batch)).status_code == 404
    assert not Placement.objects.exists()


@pytest.mark.parametrize("role", ["participant", "provider", "employer"])
def test_other_roles_get_403(client, user_of_role, navigator, role):
    batch = ImportBatch.objects.create(
        kind="placements", uploaded_by=navigator, filename="p.csv", content=csv_bytes([row()])
    )
    client.force_login(user_of_role[role])
    assert client.get(UPLOAD_URL).status_code == 403
    assert upload(client).status_code == 403
    assert client.get(preview_url(batch)).status_code == 403


def test_an_enrollment_batch_is_not_opened_as_a_placement_batch(client, grant_staff):
    batch = ImportBatch.objects.create(
        kind="enrollments", uploaded_by=grant_staff, filename="r.csv", content=b"x"
    )
    client.force_login(grant_staff)
    assert client.get(preview_url(batch)).status_code == 404


def test_an_unreadable_upload_is_previewed_with_its_error(client, navigator):
    client.force_login(navigator)
    upload(client, data=b"name,phone\r\nAna,555\r\n")
    page = client.get(preview_url(ImportBatch.objects.get())).content.decode()
    assert "missing columns: email" in page
    assert "Import these placements" not in page
