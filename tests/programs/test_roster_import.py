"""Roster import (``import_roster enrollments`` and /programs/import/): all or nothing, idempotent."""

from __future__ import annotations

import io
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from mtw_portal.accounts.models import Invitation, User
from mtw_portal.imports.importers import read_table
from mtw_portal.imports.models import ImportBatch
from participants.models import Participant
from programs.imports import COLUMNS, EnrollmentRosterImporter
from programs.models import Cohort, Credential, Enrollment, EnrollmentEvent, Program
from tests import factories, imports_helpers

HEADER = ",".join(COLUMNS)
TODAY = timezone.localdate()
START = TODAY - timedelta(days=120)
END = TODAY - timedelta(days=10)
BOOTCAMP = "Software Engineering Bootcamp"


def row(**values) -> dict:
    """A good roster row (an active BrainStation bootcamp participant), with ``values`` changed."""
    base = {
        "email": "ana.diaz@example.org",
        "first_name": "Ana",
        "last_name": "Diaz",
        "zip_code": "33127",
        "provider": "brainstation",
        "program": BOOTCAMP,
        "start_date": START.isoformat(),
        "status": "active",
        "end_date": "",
        "credential": "",
    }
    return {**base, **values}


def people(count: int, **values) -> list[dict]:
    return [
        row(email=f"person{i}@example.org", first_name=f"First{i}", last_name=f"Last{i}", **values)
        for i in range(count)
    ]


ROSTERS = imports_helpers.ImportKit(
    kind="enrollments",
    columns=COLUMNS,
    filename="roster.csv",
    upload_url_name="programs:roster_upload",
    preview_url_name="programs:roster_preview",
    good_row=row,
)
csv_bytes, write, run, run_failing = ROSTERS.csv_bytes, ROSTERS.write, ROSTERS.run, ROSTERS.run_failing
upload, preview_url = ROSTERS.upload, ROSTERS.preview_url


def snapshot() -> dict:
    """Every record an import may write, field by field."""
    return imports_helpers.snapshot(
        User,
        EmailAddress,
        Invitation,
        Participant,
        Program,
        Cohort,
        Enrollment,
        Credential,
        EnrollmentEvent,
    )


@pytest.fixture
def bootcamp(brainstation):
    return factories.program(provider=brainstation, name=BOOTCAMP)


@pytest.fixture
def cohort(bootcamp):
    return factories.cohort(program=bootcamp, start_date=START, seats=50)


# --- Clean files ------------------------------------------------------------------------


def test_a_clean_csv_imports_and_prints_a_one_line_summary(tmp_path, cohort):
    path = write(tmp_path, csv_bytes(people(3)))
    assert run(path) == "enrollments: 3 created, 0 updated, 0 unchanged"
    enrollments = Enrollment.objects.filter(cohort=cohort)
    assert enrollments.count() == 3
    assert set(enrollments.values_list("status", flat=True)) == {"active"}
    assert set(enrollments.values_list("enrolled_on", flat=True)) == {START}


def test_a_csv_with_a_byte_order_mark_imports_the_same(tmp_path, cohort):
    path = write(tmp_path, csv_bytes(people(2), bom=True))
    assert run(path) == "enrollments: 2 created, 0 updated, 0 unchanged"
    assert User.objects.filter(email="person0@example.org").exists()


def test_an_xlsx_with_real_date_and_number_cells_imports(tmp_path, cohort):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([" Email ", "FIRST_NAME", *COLUMNS[2:]])  # header case and spaces do not matter
    sheet.append(
        [
            "ana.diaz@example.org",
            "Ana",
            "Diaz",
            33127.0,
            "BrainStation",
            BOOTCAMP,
            START,
            "completed",
            END,
            "Software Engineering Certificate",
        ]
    )
    sheet.append([])  # a blank row is skipped
    sheet.append(
        [
            "luis@example.org",
            "Luis",
            "Ortiz",
            33125,
            "brainstation",
            BOOTCAMP,
            datetime(START.year, START.month, START.day),
            "Active",
            None,
            None,
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    path = write(tmp_path, buffer.getvalue(), name="roster.bin")  # the kind is told by content

    assert run(path) == "enrollments: 2 created, 0 updated, 0 unchanged"
    ana = Enrollment.objects.get(participant__user__email="ana.diaz@example.org")
    assert (ana.status, ana.end_date, ana.cohort_id) == ("completed", END, cohort.pk)
    assert ana.participant.zip_code == "33127"
    assert ana.credential.name == "Software Engineering Certificate"
    assert Participant.objects.get(user__email="luis@example.org").zip_code == "33125"


def test_the_sample_roster_in_the_repository_imports_cleanly(brainstation, fourgeeks):
    factories.provider("mdc")
    sample = Path(settings.BASE_DIR) / "docs" / "samples" / "enrollment-roster.csv"
    summary = run(sample, "--dry-run")
    assert summary.startswith("dry run: enrollments: 12 created, 0 updated, 0 unchanged (new programs: ")
    assert run(sample).startswith("enrollments: 12 created, 0 updated, 0 unchanged")
    assert run(sample) == "enrollments: 0 created, 0 updated, 12 unchanged"


# --- Idempotence and updates ------------------------------------------------------------


def test_importing_a_roster_twice_gives_the_same_database_as_importing_it_once(tmp_path, cohort):
    existing = factories.participant_record(factories.participant_user(email="known@example.org"))
    rows = [
        *people(3),
        row(email="known@example.org", first_name="Known", last_name="Person"),
        row(
            email="done@example.org",
            status="completed",
            end_date=END.isoformat(),
            credential="SE Certificate",
        ),
        row(email="gone@example.org", status="withdrawn", end_date=END.isoformat()),
        row(
            email="new@example.org",
            program="UX Design",
            start_date=(TODAY + timedelta(days=30)).isoformat(),
            status="enrolled",
        ),
    ]
    path = write(tmp_path, csv_bytes(rows))
    assert (
        run(path) == "enrollments: 7 created, 0 updated, 0 unchanged (new programs: UX Design (BrainStation))"
    )
    once = snapshot()

    assert run(path) == "enrollments: 0 created, 0 updated, 7 unchanged"
    assert snapshot() == once
    assert existing.enrollments.count() == 1


def test_an_updated_roster_updates_without_duplicating_and_records_the_change(tmp_path, cohort):
    run(write(tmp_path, csv_bytes([row()])))
    enrollment = Enrollment.objects.get()
    completed = row(
        status="completed", end_date=END.isoformat(), credential="Software Engineering Certificate"
    )

    assert run(write(tmp_path, csv_bytes([completed]))) == "enrollments: 0 created, 1 updated, 0 unchanged"
    enrollment.refresh_from_db()
    assert Enrollment.objects.count() == 1
    assert (enrollment.status, enrollment.end_date) == ("completed", END)
    credential = Credential.objects.get()
    assert (credential.enrollment_id, credential.name, credential.awarded_on) == (
        enrollment.pk,
        "Software Engineering Certificate",
        END,
    )
    assert (credential.type, credential.issuer) == ("bootcamp_certificate", "BrainStation")
    event = enrollment.events.order_by("pk").last()
    assert (event.from_status, event.to_status, event.source, event.actor) == (
        "active",
        "completed",
        "import",
        None,
    )


def test_a_roster_may_correct_an_enrollment_backwards(tmp_path, cohort):
    person = factories.participant_record(factories.participant_user(email="ana.diaz@example.org"))
    factories.enrollment(participant=person, cohort=cohort, status="completed", end_date=END)
    assert run(write(tmp_path, csv_bytes([row()]))) == "enrollments: 0 created, 1 updated, 0 unchanged"
    enrollment = Enrollment.objects.get()
    assert (enrollment.status, enrollment.end_date) == ("active", None)


def test_a_withdrawal_gets_reason_other_with_a_note_but_keeps_a_reason_already_given(tmp_path, cohort):
    kept = factories.participant_record(factories.participant_user(email="kept@example.org"))
    factories.enrollment(participant=kept, cohort=cohort, status="active")
    rows = [
        row(status="withdrawn", end_date=END.isoformat()),
        row(email="kept@example.org", status="withdrawn", end_date=END.isoformat()),
    ]
    Enrollment.objects.filter(participant=kept).update(
        withdrawal_reason="new_job"
    )  # from an earlier correction
    run(write(tmp_path, csv_bytes(rows)))
    new = Enrollment.objects.get(participant__user__email="ana.diaz@example.org")
    assert (new.withdrawal_reason, new.note) == ("other", "Reason not given in the roster.")
    assert Enrollment.objects.get(participant=kept).withdrawal_reason == "new_job"


def test_the_roster_fills_in_names_only_until_the_participant_completes_intake(tmp_path, cohort):
    done = factories.participant_record(
        factories.participant_user(email="done@example.org", first_name="Marie", last_name="Joseph")
    )
    pending = factories.participant_record(
        factories.participant_user(email="pending@example.org", first_name="J", last_name="P"), intake=False
    )
    # Both already have a confirmed link to the provider (the roster never touches anyone else's).
    for person in (done, pending):
        factories.enrollment(participant=person, cohort=cohort)
    rows = [
        row(email="done@example.org", first_name="Mary", last_name="Jo", zip_code="33150"),
        row(email="pending@example.org", first_name="Jean", last_name="Pierre", zip_code="33161"),
    ]
    run(write(tmp_path, csv_bytes(rows)))
    done.refresh_from_db()
    done.user.refresh_from_db()
    pending.refresh_from_db()
    pending.user.refresh_from_db()
    assert (done.user.first_name, done.user.last_name, done.zip_code) == ("Marie", "Joseph", "33127")
    assert (pending.user.first_name, pending.user.last_name, pending.zip_code) == ("Jean", "Pierre", "33161")


def test_an_account_without_a_participant_record_gets_one(tmp_path, cohort):
    user = factories.participant_user(email="ana.diaz@example.org")
    run(write(tmp_path, csv_bytes([row()])))
    assert Participant.objects.get(user=user).enrollments.count() == 1


def test_a_provider_is_found_by_code_or_name_in_any_case(tmp_path, cohort, fourgeeks):
    rows = [
        row(provider="BRAINSTATION"),
        row(email="b@example.org", provider="4geeks academy", program="Web"),
    ]
    assert run(write(tmp_path, csv_bytes(rows))).startswith("enrollments: 2 created")
    assert Program.objects.get(provider=fourgeeks).name == "Web"


def test_a_new_program_is_created_unlisted_and_named_in_the_summary(tmp_path, brainstation):
    rows = [
        row(program="UX  Design"),
        row(email="b@example.org", program="ux design"),
        row(email="c@example.org", program="UX Design", status="withdrawn", end_date=END.isoformat()),
    ]
    summary = run(write(tmp_path, csv_bytes(rows)))
    assert (
        summary == "enrollments: 3 created, 0 updated, 0 unchanged (new programs: UX Design (BrainStation))"
    )
    program = Program.objects.get(provider=brainstation, name="UX Design")
    assert program.is_active is False
    cohort = Cohort.objects.get(program=program)
    assert (cohort.start_date, cohort.end_date, cohort.seats) == (
        START,
        None,
        2,
    )  # the withdrawn holds no seat


def test_a_new_participant_is_invited_and_has_no_usable_password(
    tmp_path, cohort, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run(write(tmp_path, csv_bytes([row(email="Ana.Diaz@Example.org")])))
    user = User.objects.get(email="ana.diaz@example.org")
    assert user.role == "participant"
    assert not user.has_usable_password()
    assert (user.first_name, user.last_name, user.participant.zip_code) == ("Ana", "Diaz", "33127")
    assert [m.to for m in mailoutbox] == [["ana.diaz@example.org"]]


def test_a_dry_run_writes_nothing(tmp_path, cohort, mailoutbox, django_capture_on_commit_callbacks):
    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        summary = run(write(tmp_path, csv_bytes(people(2))), "--dry-run")
    assert summary == "dry run: enrollments: 2 created, 0 updated, 0 unchanged"
    assert snapshot() == before
    assert mailoutbox == []


def test_planning_takes_a_handful_of_queries_however_many_rows(
    tmp_path, cohort, django_assert_max_num_queries
):
    for i in range(20):
        person = factories.participant_record(factories.participant_user(email=f"person{i}@example.org"))
        if i % 2:
            factories.enrollment(participant=person, cohort=cohort, status="active")
    table = read_table(csv_bytes(people(40)), COLUMNS)
    with django_assert_max_num_queries(8):
        result = EnrollmentRosterImporter().plan(table)
    assert result.counts == {"created": 30, "updated": 0, "unchanged": 10}


# --- Bad rows: nothing written, every problem named ---------------------------------------


def test_one_bad_row_among_many_writes_nothing_and_names_that_row(tmp_path, cohort, mailoutbox):
    rows = people(30)
    rows.insert(15, row(email="bad@example.org", zip_code="ABCDE"))  # row 17: header, then 15 rows
    before = snapshot()
    errors = run_failing(write(tmp_path, csv_bytes(rows)))
    assert errors == ['row 17, zip_code: "ABCDE" is not a ZIP code (5 digits, or ZIP+4 like 33127-1234)']
    assert snapshot() == before
    assert mailoutbox == []


BAD_ROWS = [
    ({"email": "ana@"}, 'row 2, email: "ana@" is not a valid email address'),
    ({"email": ""}, "row 2, email: required"),
    ({"first_name": ""}, "row 2, first_name: required"),
    ({"last_name": " "}, "row 2, last_name: required"),
    ({"first_name": "x" * 151}, "row 2, first_name: longer than 150 characters"),
    ({"zip_code": "3312"}, 'row 2, zip_code: "3312" is not a ZIP code (5 digits, or ZIP+4 like 33127-1234)'),
    ({"zip_code": ""}, "row 2, zip_code: required"),
    ({"provider": "Nowhere U"}, 'row 2, provider: no provider has the short code or name "Nowhere U"'),
    ({"provider": ""}, "row 2, provider: required"),
    ({"program": ""}, "row 2, program: required"),
    ({"program": "p" * 201}, "row 2, program: longer than 200 characters"),
    ({"start_date": "03/02/2026"}, 'row 2, start_date: "03/02/2026" is not a date written YYYY-MM-DD'),
    ({"start_date": "2026-02-30"}, 'row 2, start_date: "2026-02-30" is not a date written YYYY-MM-DD'),
    ({"start_date": ""}, "row 2, start_date: required"),
    (
        {"status": "graduated"},
        'row 2, status: "graduated" is not one of enrolled, active, completed, withdrawn',
    ),
    ({"status": ""}, "row 2, status: required"),
    ({"status": "completed"}, "row 2, end_date: required when the status is completed"),
    ({"status": "withdrawn"}, "row 2, end_date: required when the status is withdrawn"),
    ({"end_date": END.isoformat()}, "row 2, end_date: must be empty when the status is active"),
    (
        {"status": "enrolled", "end_date": END.isoformat()},
        "row 2, end_date: must be empty when the status is enrolled",
    ),
    (
        {"status": "completed", "end_date": (TODAY + timedelta(days=1)).isoformat()},
        "row 2, end_date: cannot be in the future",
    ),
    (
        {"status": "withdrawn", "end_date": (START - timedelta(days=1)).isoformat()},
        f"row 2, end_date: cannot be before the start date ({START.isoformat()})",
    ),
    (
        {"end_date": "yesterday", "status": "completed"},
        'row 2, end_date: "yesterday" is not a date written YYYY-MM-DD',
    ),
    ({"credential": "Certificate"}, "row 2, credential: only allowed when the status is completed"),
    (
        {"status": "completed", "end_date": END.isoformat(), "credential": "c" * 201},
        "row 2, credential: longer than 200 characters",
    ),
]


@pytest.mark.parametrize(("values", "expected"), BAD_ROWS, ids=[e for _v, e in BAD_ROWS])
def test_each_bad_value_is_reported_by_row_and_column(tmp_path, cohort, values, expected):
    before = snapshot()
    assert run_failing(write(tmp_path, csv_bytes([row(**values)]))) == [expected]
    assert snapshot() == before


def test_every_problem_of_every_bad_row_is_reported_in_file_order(tmp_path, cohort):
    rows = [
        row(email="x@", zip_code="1"),
        row(email="ok@example.org"),
        row(email="y@example.org", status="done"),
    ]
    assert run_failing(write(tmp_path, csv_bytes(rows))) == [
        'row 2, email: "x@" is not a valid email address',
        'row 2, zip_code: "1" is not a ZIP code (5 digits, or ZIP+4 like 33127-1234)',
        'row 4, status: "done" is not one of enrolled, active, completed, withdrawn',
    ]
    assert not Enrollment.objects.exists()


def test_blank_lines_are_skipped_but_rows_keep_their_numbers_in_the_file(tmp_path, cohort):
    bad = csv_bytes([row(email="b@")]).split(b"\r\n", 1)[1]  # the row without the header
    data = csv_bytes([row()]) + b"\r\n,,,,,,,,,\r\n" + bad  # rows 3 and 4 are blank
    assert run_failing(write(tmp_path, data)) == ['row 5, email: "b@" is not a valid email address']


def test_a_repeated_row_is_named_even_when_the_first_one_has_another_problem(tmp_path, cohort):
    rows = [row(zip_code="3312"), row(zip_code="33127")]
    assert run_failing(write(tmp_path, csv_bytes(rows))) == [
        'row 2, zip_code: "3312" is not a ZIP code (5 digits, or ZIP+4 like 33127-1234)',
        "row 3, email: the same participant, program and start date as row 2",
    ]


def test_values_beyond_the_last_column_are_refused_but_empty_trailing_cells_are_not(tmp_path, cohort):
    data = csv_bytes([row()]).replace(b"\r\n", b",,\r\n").replace(b"credential,,", b"credential", 1)
    assert run(write(tmp_path, data)) == "enrollments: 1 created, 0 updated, 0 unchanged"
    data = csv_bytes([row(), row(email="b@example.org")]).rstrip() + b",extra\r\n"
    assert run_failing(write(tmp_path, data)) == [
        "row 3, file: this row has values beyond the last column (credential)"
    ]


def test_the_same_enrollment_twice_in_a_file_is_refused_on_the_later_row(tmp_path, cohort):
    rows = [
        row(),
        row(email="other@example.org"),
        row(email="ANA.DIAZ@example.org", program=BOOTCAMP.upper()),
    ]
    assert run_failing(write(tmp_path, csv_bytes(rows))) == [
        "row 4, email: the same participant, program and start date as row 2"
    ]


def test_one_person_with_different_details_in_two_rows_is_refused(tmp_path, cohort):
    rows = [row(), row(program="Data Analytics", last_name="Díaz")]
    assert run_failing(write(tmp_path, csv_bytes(rows))) == [
        'row 3, last_name: "Díaz" differs from row 2 for the same email ("Diaz")'
    ]


def test_the_email_of_an_account_that_is_not_a_participant_is_refused(tmp_path, cohort, navigator):
    assert run_failing(write(tmp_path, csv_bytes([row(email=navigator.email.upper())]))) == [
        "row 2, email: belongs to an account that is not a participant's"
    ]
    navigator.refresh_from_db()
    assert navigator.role == "navigator"
    assert not Participant.objects.filter(user=navigator).exists()


def test_a_roster_cannot_overfill_an_existing_cohort(tmp_path, bootcamp):
    small = factories.cohort(program=bootcamp, start_date=START, seats=2)
    factories.enrollment(participant=factories.participant_record(), cohort=small, status="active")
    rows = [
        row(email="a@example.org", status="withdrawn", end_date=END.isoformat()),  # holds no seat
        row(email="b@example.org"),
        row(email="c@example.org", status="enrolled"),
        row(email="d@example.org"),
    ]
    assert run_failing(write(tmp_path, csv_bytes(rows))) == [
        f"row 4, start_date: cohort {BOOTCAMP}, {START.isoformat()} is full: 2 seats"
    ]
    assert small.enrollments.count() == 1


def test_a_provider_scope_refuses_rows_of_another_provider(cohort, brainstation, fourgeeks):
    table = read_table(csv_bytes([row(), row(email="b@example.org", provider="4geeks")]), COLUMNS)
    result = EnrollmentRosterImporter(scope_provider=brainstation).apply(table)
    assert [str(e) for e in result.errors] == ["row 3, provider: you can only import rosters of BrainStation"]
    assert not Enrollment.objects.exists()


# --- Bad files ----------------------------------------------------------------------------


def test_a_missing_column_is_named(tmp_path, cohort):
    header = HEADER.replace(",credential", "")
    errors = run_failing(write(tmp_path, csv_bytes([row()], header=header)))
    assert errors == ["row 1, header: missing columns: credential", f"row 1, header: expected: {HEADER}"]


def test_an_unknown_column_is_named(tmp_path, cohort):
    errors = run_failing(write(tmp_path, csv_bytes([row()], header=HEADER + ",phone")))
    assert errors == ["row 1, header: unknown columns: phone", f"row 1, header: expected: {HEADER}"]


def test_a_file_that_is_not_utf8_gives_one_clear_error(tmp_path, cohort):
    data = csv_bytes([row(), row(email="jose@example.org", first_name="José")]).replace(
        "José".encode(), "José".encode("latin-1")
    )
    assert run_failing(write(tmp_path, data)) == [
        'row 3, file: this is not UTF-8 text; save the file as "CSV UTF-8" or as an Excel workbook (.xlsx)'
    ]


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\r\n  \r\n"], ids=["empty", "bom only", "blank"])
def test_an_empty_file_is_refused(tmp_path, db, data):
    assert run_failing(write(tmp_path, data)) == [
        f"row 1, header: the file is empty; the first row must be: {HEADER}"
    ]


def test_a_damaged_xlsx_is_refused(tmp_path, db):
    assert run_failing(write(tmp_path, b"PK\x03\x04 not really a workbook")) == [
        "file: this XLSX file cannot be read; save it again from your spreadsheet"
    ]


def test_a_file_over_the_size_limit_is_refused(tmp_path, db, settings):
    settings.MTW_IMPORT_MAX_MB = 1
    path = write(tmp_path, csv_bytes([row()]) + b" " * (1024 * 1024))
    assert run_failing(path) == ["file: the file is larger than 1 MB"]


def test_a_file_over_the_row_limit_is_refused(tmp_path, cohort, settings):
    settings.MTW_IMPORT_MAX_ROWS = 3
    assert run_failing(write(tmp_path, csv_bytes(people(4)))) == [
        "row 5, file: a file may have at most 3 rows; split it into smaller files"
    ]


def test_an_unknown_kind_or_a_missing_file_is_a_clear_error(tmp_path, db):
    with pytest.raises(CommandError, match="invalid choice: 'payroll'"):
        call_command("import_roster", "payroll", str(tmp_path / "x.csv"))
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_roster", "enrollments", str(tmp_path / "missing.csv"))


@pytest.mark.subprocess
def test_the_command_exits_1_on_a_bad_file_and_0_on_a_good_one(tmp_path):
    manage, env = imports_helpers.manage_command(tmp_path)
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, capture_output=True, timeout=300)

    bad = write(tmp_path, csv_bytes([row(), row(email="b@example.org", status="done")]), "bad.csv")
    failed = subprocess.run(
        [*manage, "import_roster", "enrollments", str(bad)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert failed.returncode == 1
    assert (
        'row 3, status: "done" is not one of enrolled, active, completed, withdrawn'
        in failed.stderr.splitlines()
    )
    assert failed.stdout == ""

    good = write(tmp_path, csv_bytes([row()]), "good.csv")
    passed = subprocess.run(
        [*manage, "import_roster", "enrollments", str(good)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert passed.returncode == 0, passed.stderr
    assert passed.stdout.strip() == (
        "enrollments: 1 created, 0 updated, 0 unchanged"
        " (new programs: Software Engineering Bootcamp (BrainStation))"
    )


# --- The web: upload, preview, confirm --------------------------------------------------


def test_provider_staff_upload_preview_and_confirm_their_roster(client, provider_member, cohort):
    client.force_login(provider_member)
    response = upload(client, [row(), row(email="b@example.org", program="UX Design")])
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == preview_url(batch)
    assert (batch.kind, batch.uploaded_by, batch.scope_provider.code) == (
        "enrollments",
        provider_member,
        "brainstation",
    )

    page = client.get(preview_url(batch))
    assert page.status_code == 200
    assert page.context["result"].counts == {"created": 2, "updated": 0, "unchanged": 0}
    assert "new program: UX Design (BrainStation)" in page.content.decode()
    assert not Enrollment.objects.exists()  # the preview writes nothing

    response = client.post(preview_url(batch))
    assert response.status_code == 302
    assert Enrollment.objects.count() == 2
    event = EnrollmentEvent.objects.filter(enrollment__cohort=cohort).get()
    assert (event.source, event.actor) == ("import", provider_member)
    batch.refresh_from_db()
    assert batch.applied_at is not None
    assert batch.result["counts"] == {"created": 2, "updated": 0, "unchanged": 0}
    assert "Roster imported" in client.get(preview_url(batch)).content.decode()


def test_a_row_of_another_provider_is_rejected_in_the_preview(client, provider_member, cohort, fourgeeks):
    client.force_login(provider_member)
    upload(client, [row(), row(email="b@example.org", provider="4geeks")])
    batch = ImportBatch.objects.get()
    page = client.get(preview_url(batch)).content.decode()
    assert "you can only import rosters of BrainStation" in page
    assert "Upload a corrected file" in page
    assert "Import this roster" not in page

    client.post(preview_url(batch))
    assert not Enrollment.objects.exists()
    batch.refresh_from_db()
    assert batch.applied_at is None


def test_a_confirmation_plans_again_and_writes_nothing_if_the_data_changed(client, provider_member, bootcamp):
    small = factories.cohort(program=bootcamp, start_date=START, seats=1)
    client.force_login(provider_member)
    upload(client, [row()])
    batch = ImportBatch.objects.get()
    factories.enrollment(
        participant=factories.participant_record(), cohort=small, status="active"
    )  # seat gone

    page = client.post(preview_url(batch)).content.decode()
    assert f"cohort {BOOTCAMP}, {START.isoformat()} is full: 1 seat" in page
    assert small.enrollments.count() == 1
    assert not User.objects.filter(email="ana.diaz@example.org").exists()
    batch.refresh_from_db()
    assert batch.applied_at is None


def test_confirming_twice_writes_once(client, provider_member, cohort):
    client.force_login(provider_member)
    upload(client, [row()])
    batch = ImportBatch.objects.get()
    client.post(preview_url(batch))
    once = snapshot()
    response = client.post(preview_url(batch), follow=True)
    assert "already been imported" in response.content.decode()
    assert snapshot() == once
    assert Enrollment.objects.count() == 1


def test_grant_staff_import_for_any_provider(client, grant_staff, cohort, fourgeeks):
    client.force_login(grant_staff)
    upload(client, [row(), row(email="b@example.org", provider="4geeks", program="Full Stack")])
    batch = ImportBatch.objects.get()
    assert batch.scope_provider is None
    client.post(preview_url(batch))
    assert Enrollment.objects.filter(cohort__program__provider=fourgeeks).count() == 1
    assert Enrollment.objects.count() == 2


def test_read_only_provider_staff_get_403(client, read_only_provider_member):
    client.force_login(read_only_provider_member)
    assert client.get(reverse("programs:roster_upload")).status_code == 403
    assert upload(client).status_code == 403
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize("role", ["participant", "navigator", "employer"])
def test_other_roles_get_403(client, user_of_role, role, provider_member):
    batch = ImportBatch.objects.create(
        kind="enrollments", uploaded_by=provider_member, filename="r.csv", content=csv_bytes([row()])
    )
    client.force_login(user_of_role[role])
    assert client.get(reverse("programs:roster_upload")).status_code == 403
    assert upload(client).status_code == 403
    assert client.get(preview_url(batch)).status_code == 403


def test_staff_of_another_provider_cannot_see_or_confirm_a_batch(
    client, provider_member, other_provider_member, cohort
):
    client.force_login(provider_member)
    upload(client, [row()])
    batch = ImportBatch.objects.get()
    client.force_login(other_provider_member)
    assert client.get(preview_url(batch)).status_code == 404
    assert client.post(preview_url(batch)).status_code == 404
    assert not Enrollment.objects.exists()


def test_a_colleague_cannot_see_someone_elses_batch(client, provider_member, brainstation, cohort):
    colleague = factories.provider_user(provider=brainstation)
    client.force_login(provider_member)
    upload(client, [row()])
    client.force_login(colleague)
    assert client.get(preview_url(ImportBatch.objects.get())).status_code == 404


def test_an_upload_over_the_size_limit_is_a_form_error(client, provider_member, settings):
    settings.MTW_IMPORT_MAX_MB = 1
    client.force_login(provider_member)
    response = upload(client, data=csv_bytes([row()]) + b" " * (1024 * 1024))
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["The file is larger than 1 MB."]
    assert not ImportBatch.objects.exists()


def test_an_unreadable_upload_is_previewed_with_its_error(client, provider_member):
    client.force_login(provider_member)
    upload(client, data=b"name,phone\r\nAna,555\r\n")
    page = client.get(preview_url(ImportBatch.objects.get())).content.decode()
    assert "missing columns: email" in page
    assert "Import this roster" not in page


def test_the_provider_and_staff_home_pages_link_to_the_import(client, provider_member, grant_staff):
    for user, home in ((provider_member, "programs:provider_home"), (grant_staff, "core:staff_home")):
        client.force_login(user)
        assert reverse("programs:roster_upload") in client.get(reverse(home)).content.decode()
