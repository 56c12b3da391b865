"""The read trail: who saw which participants, when, from where; one insert per request; append-only."""

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from mtw_portal.audit.models import AuditLogImmutable, ReadEvent, ReadEventParticipant, ReadKind
from tests import factories
from tests.services import require_postgres


def _detail(record) -> str:
    return reverse("participants:detail", args=[record.pk])


def test_grant_staff_can_show_who_viewed_marias_record_after_a_navigator_opened_it(
    client, navigator, grant_staff, maria
):
    client.force_login(navigator)
    before = timezone.now()
    assert client.get(_detail(maria), REMOTE_ADDR="203.0.113.7").status_code == 200

    client.force_login(grant_staff)
    response = client.get(reverse("audit:reads"), {"participant": "maria@example.test"})
    assert response.status_code == 200
    body = response.content.decode()
    event = ReadEvent.objects.get(user=navigator, kind=ReadKind.PARTICIPANT)
    assert before <= event.at <= timezone.now()
    for shown in (
        navigator.email,
        "OIC of South Florida",
        "203.0.113.7",
        date_format(timezone.localtime(event.at), "SHORT_DATETIME_FORMAT"),
        "Participant record",
    ):
        assert shown in body, shown


def test_the_record_page_notes_the_viewer_role_organization_address_page_and_participant(
    client, navigator, maria
):
    client.force_login(navigator)
    client.get(_detail(maria), REMOTE_ADDR="203.0.113.7")
    event = ReadEvent.objects.get(kind=ReadKind.PARTICIPANT)
    assert (event.user_id, event.role, event.organization, event.ip) == (
        navigator.pk,
        "navigator",
        "OIC of South Florida",
        "203.0.113.7",
    )
    assert (event.url_name, event.path) == ("participants:detail", _detail(maria))
    assert event.participant_id_list == [maria.pk]


def test_case_notes_are_noted_apart_for_those_who_see_them(
    client, navigator, provider_member, maria, brainstation
):
    cohort = factories.cohort(program=factories.program(provider=brainstation))
    factories.enrollment(participant=maria, cohort=cohort)
    client.force_login(navigator)
    client.get(_detail(maria))
    client.force_login(provider_member)
    client.get(_detail(maria))
    kinds = set(ReadEvent.objects.values_list("user_id", "kind"))
    assert kinds == {
        (navigator.pk, ReadKind.PARTICIPANT),
        (navigator.pk, ReadKind.CASE_NOTES),
        (provider_member.pk, ReadKind.PARTICIPANT),
    }


def test_the_behind_a_proxy_address_is_the_one_our_proxy_saw(client, settings, navigator, maria):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    client.force_login(navigator)
    client.get(_detail(maria), REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.4")
    assert ReadEvent.objects.get(kind=ReadKind.PARTICIPANT).ip == "198.51.100.4"


def _roster(client, cohort):
    return client.get(reverse("programs:cohort_roster", args=[cohort.pk]))


def test_a_list_of_fifty_people_costs_the_queries_of_a_list_of_one(
    client, grant_staff, brainstation, django_assert_num_queries
):
    program = factories.program(provider=brainstation)
    small = factories.cohort(program=program, seats=60)
    large = factories.cohort(program=program, seats=60, start_date=small.start_date + dt.timedelta(days=7))
    factories.enrollment(participant=factories.participant_record(), cohort=small)
    people = [factories.participant_record() for _ in range(50)]
    for person in people:
        factories.enrollment(participant=person, cohort=large)
    client.force_login(grant_staff)
    _roster(client, small)  # warm the session and the caches
    with CaptureQueriesContext(connection) as one:
        assert _roster(client, small).status_code == 200
    with django_assert_num_queries(len(one.captured_queries)) as fifty:
        assert _roster(client, large).status_code == 200
    sql = [q["sql"] for q in fifty.captured_queries]
    assert len([s for s in sql if s.startswith('INSERT INTO "audit_readevent"')]) == 1
    assert len([s for s in sql if s.startswith('INSERT INTO "audit_readeventparticipant"')]) == 1
    listed = ReadEvent.objects.filter(kind=ReadKind.LIST).first().participant_id_list
    assert listed == sorted(p.pk for p in people)


def test_the_caseload_notes_every_person_on_the_page(client, navigator, oic):
    people = [factories.participant_record(organization=oic) for _ in range(3)]
    client.force_login(navigator)
    assert client.get(reverse("participants:caseload"), {"tab": "all"}).status_code == 200
    event = ReadEvent.objects.get(kind=ReadKind.LIST)
    assert event.participant_id_list == sorted(p.pk for p in people)
    assert event.participant_count == 3


def test_the_trail_holds_no_name_or_email_nor_what_was_searched(client, navigator, maria):
    client.force_login(navigator)
    client.get(reverse("participants:caseload"), {"tab": "all", "q": "Maria Pierre"})
    client.get(_detail(maria) + "?q=maria@example.test")
    assert ReadEvent.objects.count() == 3
    for row in ReadEvent.objects.values():
        text = " ".join(str(value) for value in row.values())
        for personal in ("Maria", "Pierre", "maria@example.test"):
            assert personal not in text


def test_the_participant_data_download_is_noted(client, participant):
    record = factories.participant_record(participant)
    client.force_login(participant)
    assert client.get(reverse("participants:profile_download")).status_code == 200
    event = ReadEvent.objects.get()
    assert (event.kind, event.participant_id_list) == (ReadKind.DATA_DOWNLOAD, [record.pk])


def test_a_refused_page_notes_nothing(client, other_navigator, maria):
    client.force_login(other_navigator)
    assert client.get(_detail(maria)).status_code == 404
    assert not ReadEvent.objects.exists()


# --- Append-only ------------------------------------------------------------------------------


@pytest.fixture
def event(client, navigator, maria):
    client.force_login(navigator)
    client.get(_detail(maria))
    return ReadEvent.objects.filter(kind=ReadKind.PARTICIPANT).get()


def test_a_row_of_the_trail_cannot_be_saved_again_or_deleted(event):
    event.ip = "127.0.0.1"
    with pytest.raises(AuditLogImmutable):
        event.save()
    with pytest.raises(AuditLogImmutable):
        event.delete()
    with pytest.raises(AuditLogImmutable):
        ReadEvent.objects.filter(pk=event.pk).update(ip="127.0.0.1")
    with pytest.raises(AuditLogImmutable):
        ReadEvent.objects.filter(pk=event.pk).delete()


def _refused_by_the_database(event):
    for statement in (
        "UPDATE audit_readevent SET ip = '127.0.0.1' WHERE id = %s",
        "DELETE FROM audit_readevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [event.pk])
    fresh = ReadEvent.objects.get(pk=event.pk)
    assert fresh.ip == event.ip


def test_the_database_refuses_to_change_or_delete_the_trail(event):
    """On whichever database the suite runs: SQLite by default, PostgreSQL with DATABASE_URL."""
    _refused_by_the_database(event)


def test_postgresql_refuses_to_change_or_delete_the_trail(event):
    require_postgres()
    _refused_by_the_database(event)


def test_a_participant_row_of_the_trail_cannot_be_saved_again_or_deleted(event, maria):
    shown = ReadEventParticipant.objects.get(event=event)
    assert shown.participant_id == maria.pk
    shown.participant_id = maria.pk + 1
    with pytest.raises(AuditLogImmutable):
        shown.save()
    with pytest.raises(AuditLogImmutable):
        shown.delete()
    with pytest.raises(AuditLogImmutable):
        ReadEventParticipant.objects.filter(pk=shown.pk).update(participant_id=maria.pk + 1)
    with pytest.raises(AuditLogImmutable):
        ReadEventParticipant.objects.filter(pk=shown.pk).delete()
    assert ReadEventParticipant.objects.get(pk=shown.pk).participant_id == maria.pk


def _participant_rows_refused_by_the_database(event, maria):
    shown = ReadEventParticipant.objects.get(event=event)
    for statement in (
        "UPDATE audit_readeventparticipant SET participant_id = participant_id + 1 WHERE id = %s",
        "DELETE FROM audit_readeventparticipant WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [shown.pk])
    fresh = ReadEventParticipant.objects.get(pk=shown.pk)
    assert (fresh.event_id, fresh.participant_id) == (event.pk, maria.pk)


def test_the_database_refuses_to_change_or_delete_the_participants_a_read_showed(event, maria):
    _participant_rows_refused_by_the_database(event, maria)


def test_postgresql_refuses_to_change_or_delete_the_participants_a_read_showed(event, maria):
    require_postgres()
    _participant_rows_refused_by_the_database(event, maria)


def test_a_participants_reads_are_exactly_the_reads_that_showed_them(client, navigator, oic):
    people = [factories.participant_record(organization=oic) for _ in range(3)]
    client.force_login(navigator)
    client.get(_detail(people[0]))
    client.get(reverse("participants:caseload"), {"tab": "all"})
    every = list(ReadEvent.objects.all())
    for person in people:
        showed = {e.pk for e in every if person.pk in e.participant_id_list}
        assert set(ReadEvent.objects.for_participant(person.pk).values_list("pk", flat=True)) == showed
    assert len(ReadEvent.objects.for_participant(people[0].pk)) > 1
    assert list(ReadEvent.objects.for_participant(people[1].pk).values_list("kind", flat=True)) == [
        ReadKind.LIST
    ]
    assert not ReadEvent.objects.for_participant(max(p.pk for p in people) + 1).exists()


# --- A participant sees who saw them ------------------------------------------------------------


def test_a_participant_sees_who_at_which_organization_viewed_their_record(
    client, navigator, grant_staff, maria
):
    client.force_login(navigator)
    client.get(_detail(maria))
    client.force_login(grant_staff)
    client.get(_detail(maria))
    client.force_login(maria.user)
    client.get(reverse("participants:profile_download"))
    response = client.get(reverse("audit:record_viewers"))
    assert response.status_code == 200
    body = response.content.decode()
    assert f"{navigator.display_name}, OIC of South Florida" in body
    assert "Miami Tech Works grant staff" in body
    assert grant_staff.display_name not in body
    assert "Case notes" in body
    assert "Participant&#x27;s data download" not in body and "data download" not in body  # their own


def test_the_viewers_table_box_is_a_focusable_labelled_region(client, navigator, maria):
    client.force_login(navigator)
    client.get(_detail(maria))
    client.force_login(maria.user)
    body = client.get(reverse("audit:record_viewers")).content.decode()
    assert (
        '<div class="table-responsive" tabindex="0" role="region" aria-label="Who has seen your record">'
        in body
    )


def test_a_participant_sees_nobody_elses_trail(client, navigator, maria, participant):
    client.force_login(navigator)
    client.get(_detail(maria))
    factories.participant_record(participant)
    client.force_login(participant)
    body = client.get(reverse("audit:record_viewers")).content.decode()
    assert navigator.display_name not in body
    assert "Nobody else has opened your record yet." in body


# --- Grant staff search and export ---------------------------------------------------------------


def test_grant_staff_filter_by_user_kind_and_dates(client, navigator, other_navigator, grant_staff, maria):
    client.force_login(navigator)
    client.get(_detail(maria))
    client.force_login(grant_staff)
    url = reverse("audit:reads")
    by_user = client.get(url, {"user": navigator.email}).context["page"].object_list
    assert {e.user_id for e in by_user} == {navigator.pk}
    by_kind = client.get(url, {"kind": "case_notes"}).context["page"].object_list
    assert [e.kind for e in by_kind] == ["case_notes"]
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert not client.get(url, {"date_from": tomorrow.isoformat()}).context["page"].object_list
    assert client.get(url, {"date_to": timezone.localdate().isoformat()}).context["page"].object_list


@pytest.mark.parametrize(
    "params, field",
    [
        ({"participant": "nobody@example.test"}, "participant"),
        ({"user": "nobody@example.test"}, "user"),
        ({"date_from": "1800-01-01"}, "date_from"),
        ({"date_from": "2025-02-01", "date_to": "2025-01-01"}, "date_to"),
        ({"kind": "secrets"}, "kind"),
    ],
)
def test_a_search_that_matches_nobody_says_so_by_the_field(client, grant_staff, params, field):
    client.force_login(grant_staff)
    response = client.get(reverse("audit:reads"), params)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert response.context["page"] is None


def test_the_csv_export_holds_the_search_and_is_itself_noted(client, navigator, grant_staff, maria):
    client.force_login(navigator)
    client.get(_detail(maria), REMOTE_ADDR="203.0.113.7")
    client.force_login(grant_staff)
    response = client.get(reverse("audit:reads_csv"), {"participant": str(maria.pk)})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    assert navigator.email in text and "203.0.113.7" in text and f"{maria.pk}" in text
    export = ReadEvent.objects.get(kind=ReadKind.AUDIT)
    assert (export.user_id, export.participant_id_list) == (grant_staff.pk, [maria.pk])


# --- Other pages that show people -------------------------------------------------------------


def test_a_resume_download_and_the_applicants_list_are_noted(client, employer_member, application):
    client.force_login(employer_member)
    assert client.get(reverse("employers:resume", args=[application.pk])).status_code == 200
    client.get(reverse("employers:applicants", args=[application.opportunity_id]))
    noted = list(ReadEvent.objects.order_by("pk").values_list("kind", "participant_ids", "organization"))
    employer = employer_member.employer_member.employer.name
    pk = application.participant_id
    assert noted == [(ReadKind.RESUME, f",{pk},", employer), (ReadKind.LIST, f",{pk},", employer)]


def test_the_staff_people_list_and_a_persons_page_note_the_participants_shown(client, grant_staff, maria):
    client.force_login(grant_staff)
    client.get(reverse("accounts:people_list"))
    client.get(reverse("accounts:person_detail", args=[maria.user_id]))
    client.get(reverse("accounts:person_detail", args=[grant_staff.pk]))
    noted = list(ReadEvent.objects.order_by("pk").values_list("kind", "participant_ids"))
    assert noted == [(ReadKind.LIST, f",{maria.pk},"), (ReadKind.PARTICIPANT, f",{maria.pk},")]


@pytest.mark.django_db(transaction=True)
def test_a_test_that_commits_its_reads_is_cleaned_up_afterwards(client, navigator, maria):
    """Transactional tests (live server, races) end by deleting every row: the suite lifts the
    SQLite delete trigger for that cleaning alone (tests/conftest.py)."""
    client.force_login(navigator)
    client.get(_detail(maria))
    assert ReadEvent.objects.exists()
    assert ReadEventParticipant.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_next_committing_test_starts_with_an_empty_trail_and_the_trigger_back(client, navigator, maria):
    assert not ReadEvent.objects.exists()
    assert not ReadEventParticipant.objects.exists()
    client.force_login(navigator)
    client.get(_detail(maria))
    for table in ("audit_readeventparticipant", "audit_readevent"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608
