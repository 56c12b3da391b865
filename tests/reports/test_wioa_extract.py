"""The WIOA extract for the local workforce board: element values and coding for people with known
answers, consent given and withdrawn, validation messages per person and element, access, the
audit record of the download, the number of queries, and the demo's extract."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mtw_portal import access
from mtw_portal.audit.models import ReadEvent, ReadKind
from participants import services as participant_services
from participants.models import Participant
from programs.models import Credential
from reports import views, wioa
from tests import factories

AS_OF = date(2026, 12, 1)
PROJECT = "HG-12345-24"
EXTRACT_URLS = ("reports:wioa_extract", "reports:wioa_extract_csv")


@pytest.fixture(autouse=True)
def _special_project(settings):
    settings.MTW_WIOA_SPECIAL_PROJECT_ID = PROJECT


def co_enrolled(first: str, *, consent: bool = True, intake_on=date(2025, 1, 10), **answers) -> Participant:
    """A participant whose intake (through the portal's service) says they are served by the board."""
    record = factories.participant_record(factories.participant_user(first_name=first, last_name="Test"))
    fields = {
        "zip_code": "33127",
        "date_of_birth": date(1990, 1, 15),
        "gender": "woman",
        "disability": "no",
        "ethnicity": "hispanic",
        "race": "black",
        "veteran": "no",
        "employment_status": "unemployed",
        "education": "some_college",
        **answers,
    }
    record = participant_services.participant_intake_save(
        participant=record,
        first_name=first,
        last_name="Test",
        wioa_coenrolled=True,
        wioa_consent=consent,
        **fields,
    )
    Participant.objects.filter(pk=record.pk).update(
        intake_completed_at=timezone.make_aware(datetime(intake_on.year, intake_on.month, intake_on.day, 12))
    )
    record.refresh_from_db()
    return record


@pytest.fixture
def world(db, employer):
    """Ana completed training and works; Ben withdrew and has no job; Dan's record is incomplete;
    Eve is not co-enrolled."""
    program = factories.program(provider=factories.provider("brainstation"))
    spring = factories.cohort(program=program, start_date=date(2025, 2, 3), end_date=date(2025, 5, 30))
    march = factories.cohort(program=program, start_date=date(2025, 3, 3), end_date=date(2025, 6, 30))

    ana = co_enrolled("Ana")
    enrollment = factories.enrollment(
        participant=ana,
        cohort=spring,
        status="completed",
        enrolled_on=date(2025, 2, 3),
        end_date=date(2025, 5, 30),
    )
    Credential.objects.create(
        participant=ana, enrollment=enrollment, type="occupational_certificate", name="CompTIA A+",
        issuer="CompTIA", awarded_on=date(2025, 6, 2),
    )  # fmt: skip
    Credential.objects.create(  # a bootcamp certificate: not a WIOA recognized credential
        participant=ana, type="bootcamp_certificate", name="Bootcamp", issuer="BrainStation",
        awarded_on=date(2025, 5, 30),
    )  # fmt: skip
    factories.placement_row(
        participant=ana, employer=employer, start_date=date(2025, 8, 1), hourly_wage=Decimal("25"),
        hours_per_week=Decimal("40"),
    )  # fmt: skip

    ben = co_enrolled(
        "Ben", gender="man", disability="yes", ethnicity="not_hispanic", race="prefer_not",
        veteran="prefer_not", employment_status="student", education="graduate",
    )  # fmt: skip
    factories.enrollment(
        participant=ben,
        cohort=march,
        status="withdrawn",
        enrolled_on=date(2025, 3, 3),
        end_date=date(2025, 4, 15),
    )

    dan = co_enrolled("Dan", race="multiple", gender="non_binary")
    Participant.objects.filter(pk=dan.pk).update(date_of_birth=None, zip_code="10001")

    eve = factories.participant_record(factories.participant_user(first_name="Eve", last_name="Test"))
    return {"ana": ana, "ben": ben, "dan": dan, "eve": eve}


def extract(as_of=AS_OF) -> wioa.Extract:
    staff = factories.staff_user()
    return wioa.wioa_extract(access.participants_shared_with_workforce_board(staff), as_of=as_of)


def by_person(result: wioa.Extract) -> dict[str, wioa.Record]:
    return {record.participant.user.first_name: record for record in result.records}


def test_known_people_get_their_element_values_and_codes(world):
    records = by_person(extract())
    assert set(records) == {"Ana", "Ben", "Dan"}
    ana, ben = records["Ana"].values, records["Ben"].values
    assert ana["100"] == world["ana"].wioa_id and ana["100"].startswith("MTW") and len(ana["100"]) == 12
    assert {n: ana[n] for n in ("101", "103", "105", "200", "201", "202", "210", "300", "400", "408")} == {
        "101": "FL", "103": "33127", "105": PROJECT, "200": "19900115", "201": "2", "202": "0", "210": "1",
        "300": "0", "400": "0", "408": "4",
    }  # fmt: skip
    assert [ana[n] for n in ("211", "212", "213", "214", "215")] == ["0", "0", "1", "0", "0"]
    # Training, exit at its end (2025-05-30, Q2), credential, and the four quarters after the exit quarter.
    assert {n: ana[n] for n in ("900", "901", "1300", "1302", "1303", "1307", "1308", "1309")} == {
        "900": "20250110", "901": "20250530", "1300": "1", "1302": "20250203", "1303": "06", "1307": "1",
        "1308": "20250530", "1309": "",
    }  # fmt: skip
    assert [ana[n] for n in ("1600", "1602", "1604", "1606")] == ["1", "1", "1", "1"]
    # $25 x 40 h a week x days worked / 7: Aug-Sep 2025 (61 days), Q4 (92), 2026 Q1 (90), Q2 (91).
    assert [ana[n] for n in ("1703", "1704", "1705", "1706")] == [
        "8714.29",
        "13142.86",
        "12857.14",
        "13000.00",
    ]
    assert (ana["1800"], ana["1801"], ana["1802"]) == ("5", "20250602", "")

    assert {n: ben[n] for n in ("201", "202", "210", "300", "400", "408", "1307", "1308", "901")} == {
        "201": "1", "202": "1", "210": "0", "300": "", "400": "3", "408": "8", "1307": "0",
        "1308": "20250415", "901": "20250415",
    }  # fmt: skip
    assert [ben[n] for n in ("211", "212", "213", "214", "215")] == ["9"] * 5
    assert [ben[n] for n in ("1600", "1602", "1604", "1606")] == ["0"] * 4
    assert [ben[n] for n in ("1703", "1704", "1705", "1706")] == [""] * 4
    assert ben["1800"] == ""

    dan = records["Dan"].values
    assert (dan["201"], [dan[n] for n in ("211", "212", "213", "214", "215")]) == ("9", [""] * 5)


def test_a_quarter_not_yet_over_is_left_blank(world):
    ana = by_person(extract(as_of=date(2025, 11, 15)))["Ana"].values
    assert [ana[n] for n in ("1600", "1602", "1703", "1704")] == ["1", "", "8714.29", ""]


def test_a_person_still_in_training_has_no_exit_and_no_outcomes(world):
    program = factories.program(provider=factories.provider("mdc"), name="IT Support")
    now = factories.cohort(program=program, start_date=date(2026, 10, 1), end_date=date(2027, 1, 30))
    factories.enrollment(participant=world["ana"], cohort=now, status="active", enrolled_on=date(2026, 10, 1))
    ana = by_person(extract())["Ana"].values
    assert (ana["1309"], ana["1312"], ana["901"], ana["1600"], ana["1703"]) == ("20261001", "", "", "", "")


def test_a_training_yet_to_start_is_not_entered_but_keeps_the_person_from_exiting(world):
    program = factories.program(provider=factories.provider("mdc"), name="IT Support")
    later = factories.cohort(program=program, start_date=date(2027, 1, 11), end_date=date(2027, 4, 30))
    factories.enrollment(participant=world["ana"], cohort=later, status="enrolled", enrolled_on=None)
    ana = by_person(extract())["Ana"]
    assert ana.valid, ana.problems
    assert (ana.values["1302"], ana.values["1309"], ana.values["901"], ana.values["1600"]) == (
        "20250203",
        "",
        "",
        "",
    )


def test_a_withdrawal_before_the_training_began_is_not_a_training(world):
    program = factories.program(provider=factories.provider("mdc"), name="IT Support")
    autumn = factories.cohort(program=program, start_date=date(2025, 9, 1), end_date=date(2025, 12, 19))
    factories.enrollment(
        participant=world["ben"], cohort=autumn, status="withdrawn", end_date=date(2025, 8, 20)
    )
    ben = by_person(extract())["Ben"]
    assert ben.valid, ben.problems
    assert (ben.values["1309"], ben.values["901"]) == ("", "20250415")


def test_the_file_holds_a_header_of_element_numbers_and_only_the_valid_rows(world):
    result = extract()
    rows = list(csv.reader(io.StringIO(result.csv_text())))
    assert rows[0] == list(wioa.ELEMENT_NUMBERS)
    assert all(len(row) == len(wioa.ELEMENT_NUMBERS) for row in rows)
    ids = {row[0] for row in rows[1:]}
    assert ids == {world["ana"].wioa_id, world["ben"].wioa_id}
    assert "Ana" not in result.csv_text() and "Test" not in result.csv_text()  # no names in the file


def test_a_bad_record_is_listed_with_a_message_per_element(world):
    dan = by_person(extract())["Dan"]
    assert not dan.valid
    assert {p.element for p in dan.problems} == {"101", "200"}
    messages = {p.element: p.message for p in dan.problems}
    assert "Florida" in messages["101"] and "date of birth" in messages["200"]


def test_codes_dates_and_amounts_are_checked(world):
    values = dict(by_person(extract())["Ana"].values)
    values.update({"201": "3", "1302": "2025-02-03", "1703": "12,000", "1801": "20270101"})
    problems = {p.element: p.message for p in wioa.validate(values, as_of=AS_OF)}
    assert set(problems) == {"201", "1302", "1703", "1801"}
    assert "1, 2, 9" in problems["201"] and "YYYYMMDD" in problems["1302"] and "future" in problems["1801"]


def test_the_page_lists_who_is_left_out_and_why(client, world, grant_staff):
    client.force_login(grant_staff)
    response = client.get(reverse("reports:wioa_extract"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "3 people share a record with the board: 2 in the file, 1 left out." in body
    assert f'data-wioa-problem="{world["dan"].pk}"' in body
    assert "101 State Code of Residence" in body and "not a Florida ZIP code" in body
    assert "200 Date of Birth" in body and "no date of birth in the intake" in body
    assert f'data-wioa-problem="{world["ana"].pk}"' not in body


def test_withdrawing_consent_leaves_the_person_out_of_the_next_extract(world):
    ana = world["ana"]
    given_at, wioa_id = ana.wioa_consent_at, ana.wioa_id
    assert given_at is not None
    participant_services.participant_intake_save(
        participant=ana, first_name="Ana", last_name="Test", wioa_consent=False
    )
    ana.refresh_from_db()
    assert ana.wioa_consent is False and ana.wioa_consent_at > given_at
    assert "Ana" not in by_person(extract())
    assert wioa_id not in extract().csv_text()
    # Saying yes again brings them back under the same identifier.
    participant_services.participant_intake_save(
        participant=ana, first_name="Ana", last_name="Test", wioa_consent=True
    )
    assert by_person(extract())["Ana"].values["100"] == wioa_id


def test_sharing_with_the_board_needs_the_co_enrollment_answer(db):
    record = factories.participant_record()
    with pytest.raises(ValidationError) as error:
        participant_services.participant_intake_save(
            participant=record, first_name="Zoe", last_name="Test", wioa_coenrolled=False, wioa_consent=True
        )
    assert "wioa_consent" in error.value.message_dict
    record.refresh_from_db()
    assert (record.wioa_consent, record.wioa_id) == (False, "")


def test_coalition_consent_alone_does_not_share_with_the_board(db):
    record = factories.participant_record()
    participant_services.participant_intake_save(
        participant=record, first_name="Zoe", last_name="Test", consent_to_share=True, wioa_coenrolled=True
    )
    shared = access.participants_shared_with_workforce_board(factories.staff_user())
    assert not shared.filter(pk=record.pk).exists()


def test_a_deactivated_person_is_not_in_the_extract(world):
    Participant.objects.filter(pk=world["ana"].pk).update(deactivated_at=timezone.now())
    assert "Ana" not in by_person(extract())


@pytest.mark.parametrize("role", ["participant", "navigator", "provider", "employer"])
def test_other_roles_are_refused_the_extract(client, user_of_role, role, world):
    client.force_login(user_of_role[role])
    for name in EXTRACT_URLS:
        assert client.get(reverse(name)).status_code == 403, name
    assert not ReadEvent.objects.filter(kind=ReadKind.EXPORT).exists()


def test_the_download_is_recorded_as_an_export_of_the_people_in_the_file(client, world, grant_staff):
    client.force_login(grant_staff)
    response = client.get(reverse("reports:wioa_extract_csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f"wioa-pirl-{PROJECT}-" in response["Content-Disposition"]
    event = ReadEvent.objects.get(kind=ReadKind.EXPORT)
    assert (event.user_id, event.url_name) == (grant_staff.pk, "reports:wioa_extract_csv")
    assert sorted(event.participant_id_list) == sorted([world["ana"].pk, world["ben"].pk])


def test_without_the_special_project_code_the_page_names_no_one_and_builds_nothing(
    client, world, grant_staff, settings
):
    settings.MTW_WIOA_SPECIAL_PROJECT_ID = ""
    client.force_login(grant_staff)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("reports:wioa_extract")).content.decode()
    assert "data-missing-setting" in page and reverse("reports:wioa_extract_csv") not in page
    assert "105</span> Special Project ID - 1" in page  # the elements are still listed
    # Every row would fail 105: no one is named, no one is logged as read, no extract is built.
    assert "data-left-out" not in page and "data-summary" not in page
    for person in ("ana", "ben", "dan"):
        assert world[person].user.display_name not in page
    assert not ReadEvent.objects.exists()
    assert not any("programs_credential" in q["sql"] for q in queries.captured_queries)  # read by the extract
    response = client.get(reverse("reports:wioa_extract_csv"))
    assert response.status_code == 302 and response["Location"] == reverse("reports:wioa_extract")
    assert not ReadEvent.objects.filter(kind=ReadKind.EXPORT).exists()


def test_the_left_out_are_listed_a_page_at_a_time_and_only_the_page_is_logged_as_read(
    client, world, grant_staff
):
    more = views.PARTICIPANTS_PER_PAGE  # with Dan, one more left out than a page holds
    for i in range(more):
        user = factories.participant_user(first_name=f"Left{i}", last_name="Out")
        record = factories.participant_record(user)
        Participant.objects.filter(pk=record.pk).update(wioa_coenrolled=True, wioa_consent=True)  # no wioa_id
    client.force_login(grant_staff)
    first = client.get(reverse("reports:wioa_extract")).content.decode()
    assert first.count("data-wioa-problem=") == views.PARTICIPANTS_PER_PAGE
    assert f"{views.PARTICIPANTS_PER_PAGE + 1} left out" in first
    assert "page=2" in first
    logged = ReadEvent.objects.get(kind=ReadKind.LIST)
    assert len(logged.participant_id_list) == views.PARTICIPANTS_PER_PAGE
    second = client.get(reverse("reports:wioa_extract"), {"page": 2}).content.decode()
    assert second.count("data-wioa-problem=") == 1


def test_the_extract_reads_in_the_same_queries_for_any_number_of_people(world, employer):
    staff = factories.staff_user()
    with CaptureQueriesContext(connection) as few:
        wioa.wioa_extract(access.participants_shared_with_workforce_board(staff), as_of=AS_OF)
    for i in range(4):
        someone = co_enrolled(f"More{i}")
        factories.placement_row(participant=someone, employer=employer, start_date=date(2025, 8, 1))
    with CaptureQueriesContext(connection) as many:
        result = wioa.wioa_extract(access.participants_shared_with_workforce_board(staff), as_of=AS_OF)
    assert len(result.records) == 7
    assert len(many.captured_queries) == len(few.captured_queries) == 4


def test_the_demo_extract_validates(db, settings):
    from demo import seed as demo

    demo.seed(password="demo-test-pass")
    result = extract(as_of=timezone.localdate())
    assert len(result.records) >= 3
    assert [(r.participant.user.email, [p.label for p in r.problems]) for r in result.invalid_records] == []
    assert any(r.values["1300"] == "1" for r in result.records)
    assert any(r.values["1600"] for r in result.records) or any(r.values["1800"] for r in result.records)


INTAKE = {
    "first_name": "Maria",
    "last_name": "Gonzalez",
    "preferred_language": "es",
    "zip_code": "33127",
    "date_of_birth": "1996-04-12",
    "employment_status": "unemployed",
    "education": "high_school",
    "ethnicity": "hispanic",
    "race": "prefer_not",
    "gender": "woman",
    "veteran": "no",
    "disability": "prefer_not",
    "organization": "",
}


def test_the_intake_records_co_enrollment_and_the_separate_consent_and_its_withdrawal(client, participant):
    client.force_login(participant)
    url = reverse("participants:profile")
    page = client.post(url, {**INTAKE, "wioa_consent": "on"})
    assert page.status_code == 200  # the yes without the co-enrollment answer: the field says why
    assert "Tick “I am also served by CareerSource South Florida” first" in page.content.decode()
    assert not Participant.objects.get(user=participant).wioa_consent

    assert client.post(url, {**INTAKE, "wioa_coenrolled": "on", "wioa_consent": "on"}).status_code == 302
    record = Participant.objects.get(user=participant)
    assert (record.wioa_coenrolled, record.wioa_consent, record.consent_to_share) == (True, True, False)
    shared = access.participants_shared_with_workforce_board(factories.staff_user())
    assert record.wioa_consent_at is not None and shared.filter(pk=record.pk).exists()
    assert (
        "You agreed to share your record with CareerSource South Florida" in client.get(url).content.decode()
    )

    assert client.post(url, {**INTAKE, "wioa_coenrolled": "on"}).status_code == 302
    assert not shared.filter(pk=record.pk).exists()
    assert (
        "You withdrew your consent to share with CareerSource South Florida"
        in client.get(url).content.decode()
    )
