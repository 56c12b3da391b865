"""The caseload as a work list: waiting since, open requests, follow-ups due, last contact and
language per person, sorting by each, and bulk assignment from the queue."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from participants import services
from participants.models import CaseNote, Participant, SupportRequest
from programs.follow_up import follow_up_due, follow_up_due_cutoff
from programs.models import CompletionFollowUp
from tests import factories

CASELOAD = reverse("participants:caseload")
BULK = reverse("participants:caseload_assign")
TODAY = timezone.localdate()


def person(organization, last_name: str = "Doe", **fields) -> Participant:
    record = factories.participant_record(
        factories.participant_user(last_name=last_name), organization=organization
    )
    for name, value in fields.items():
        setattr(record, name, value)
    record.save()
    return record


def open_request(record, n: int = 1) -> None:
    for _ in range(n):
        SupportRequest.objects.create(participant=record, type="bus_fare", details="Bus to class")


def note(record, author, days_ago: int) -> CaseNote:
    return CaseNote.objects.create(
        participant=record,
        author=author,
        body="Called.",
        created_at=timezone.now() - timedelta(days=days_ago),
    )


def completed(record, brainstation, *, months_ago: int = 7, followed_up: bool = False):
    cohort = factories.cohort(
        program=factories.program(provider=brainstation, name=f"P{record.pk}-{months_ago}")
    )
    enrollment = factories.enrollment(
        participant=record,
        cohort=cohort,
        status="completed",
        end_date=TODAY - timedelta(days=31 * months_ago),
    )
    if followed_up:
        CompletionFollowUp.objects.create(enrollment=enrollment, status="looking")
    return enrollment


def rows(response) -> list[Participant]:
    return list(response.context["page"].object_list)


# --- The columns -----------------------------------------------------------------------------


def test_each_row_shows_requests_follow_ups_last_contact_and_language(client, navigator, oic, brainstation):
    record = person(oic, preferred_language="ht")
    services.participant_assign(participant=record, navigator=navigator.navigator, by=navigator)
    open_request(record, 2)
    SupportRequest.objects.create(participant=record, type="daycare", details="x", state="declined")
    completed(record, brainstation, months_ago=7)  # due
    completed(record, brainstation, months_ago=8, followed_up=True)  # recorded: not due
    completed(record, brainstation, months_ago=3)  # not yet due
    note(record, navigator, days_ago=10)
    latest = note(record, navigator, days_ago=2)
    client.force_login(navigator)
    response = client.get(CASELOAD)
    [row] = rows(response)
    assert (row.open_requests, row.follow_ups_due) == (2, 1)
    assert row.last_contact == latest.created_at
    assert row.waiting_since == Participant.objects.get(pk=record.pk).navigator_since
    page = response.content.decode()
    assert "Kreyòl ayisyen" in page and "Open requests" in page and "Follow-ups due" in page


def test_someone_never_assigned_waits_in_the_queue_since_their_intake(client, navigator, oic):
    record = person(oic)
    client.force_login(navigator)
    [row] = rows(client.get(CASELOAD, {"tab": "queue"}))
    assert row.waiting_since == record.intake_completed_at
    assert row.last_contact is None and row.open_requests == 0 and row.follow_ups_due == 0


def test_assigning_and_putting_back_in_the_queue_restart_the_waiting_time(grant_staff, navigator, oic):
    record = person(oic)
    assert record.navigator_since is None
    services.participant_assign(participant=record, navigator=navigator.navigator, by=grant_staff)
    assigned_at = Participant.objects.get(pk=record.pk).navigator_since
    assert assigned_at is not None
    services.participant_assign(participant=record, navigator=None, by=grant_staff)
    assert Participant.objects.get(pk=record.pk).navigator_since > assigned_at


def test_the_follow_up_cutoff_agrees_with_the_due_date_on_every_day_of_three_years():
    for n in range(3 * 366):
        today = date(2026, 1, 1) + timedelta(days=n)
        cutoff = follow_up_due_cutoff(today)
        assert follow_up_due(cutoff) <= today < follow_up_due(cutoff + timedelta(days=1)), today


def test_the_follow_up_cutoff_on_a_month_end_takes_the_longer_months_last_days():
    assert follow_up_due_cutoff(date(2027, 2, 28)) == date(2026, 8, 31)
    assert follow_up_due(date(2026, 8, 31)) == date(2027, 2, 28)


# --- Sorting ---------------------------------------------------------------------------------


@pytest.fixture
def three(navigator, oic):
    """Three people in the navigator's caseload, differing in every column."""
    a = person(oic, "Adams", preferred_language="es")
    b = person(oic, "Brown", preferred_language="ht")
    c = person(oic, "Clark", preferred_language="en")
    for record, days in ((c, 30), (a, 20), (b, 10)):
        services.participant_assign(participant=record, navigator=navigator.navigator, by=navigator)
        Participant.objects.filter(pk=record.pk).update(navigator_since=timezone.now() - timedelta(days=days))
    open_request(b, 3)
    open_request(c, 1)
    note(a, navigator, days_ago=5)
    note(c, navigator, days_ago=40)
    return a, b, c


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", "abc"),
        ("name", "abc"),
        ("-name", "cba"),
        ("waiting", "cab"),  # waiting longest first
        ("-waiting", "bac"),
        ("requests", "acb"),
        ("-requests", "bca"),
        ("contact", "bca"),  # never contacted first, then the oldest contact
        ("-contact", "acb"),
        ("language", "cab"),  # en, es, ht
        ("-language", "bac"),
        ("nonsense", "abc"),
        ("-user__password", "abc"),
    ],
)
def test_the_caseload_sorts_by_each_column(client, navigator, three, sort, expected):
    a, b, c = three
    names = {a.pk: "a", b.pk: "b", c.pk: "c"}
    client.force_login(navigator)
    response = client.get(CASELOAD, {"sort": sort})
    assert response.status_code == 200
    assert "".join(names[r.pk] for r in rows(response)) == expected


def test_sorting_by_follow_ups_due(client, navigator, oic, brainstation):
    none, two = person(oic, "Adams"), person(oic, "Brown")
    completed(two, brainstation, months_ago=7)
    completed(two, brainstation, months_ago=9)
    for record in (none, two):
        services.participant_assign(participant=record, navigator=navigator.navigator, by=navigator)
    client.force_login(navigator)
    assert rows(client.get(CASELOAD, {"sort": "-follow_ups"})) == [two, none]
    assert rows(client.get(CASELOAD, {"sort": "follow_ups"})) == [none, two]


def test_a_column_header_sorts_and_then_reverses(client, navigator, three):
    client.force_login(navigator)
    page = client.get(CASELOAD, {"sort": "requests"}).content.decode()
    assert 'aria-sort="ascending"' in page
    assert "?sort=-requests" in page and "?sort=waiting" in page


@pytest.mark.parametrize("sort", ["name", "waiting", "requests", "follow_ups", "contact", "language"])
def test_the_queries_per_page_are_the_same_for_1_or_20_people(client, navigator, oic, brainstation, sort):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(CASELOAD, {"tab": "all", "sort": sort}).status_code == 200
        return len(queries)

    def busy(name: str) -> None:
        record = person(oic, name)
        services.participant_assign(participant=record, navigator=navigator.navigator, by=navigator)
        open_request(record, 2)
        note(record, navigator, days_ago=3)
        completed(record, brainstation)

    busy("First")
    client.force_login(navigator)
    one = count()
    for i in range(19):
        busy(f"Other{i}")
    assert count() == one


def test_the_staff_queue_with_the_bulk_form_takes_the_same_queries_for_1_or_20(
    client, grant_staff, oic, navigator
):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(CASELOAD, {"tab": "queue"}).status_code == 200
        return len(queries)

    person(oic)
    client.force_login(grant_staff)
    one = count()
    for _ in range(19):
        open_request(person(oic))
    assert count() == one


# --- Bulk assignment -------------------------------------------------------------------------


def navigator_of(record) -> int | None:
    return Participant.objects.get(pk=record.pk).navigator_id


def test_a_navigator_takes_several_people_from_the_queue(client, navigator, oic):
    first, second, left = person(oic), person(oic), person(oic)
    client.force_login(navigator)
    response = client.post(BULK, {"people": [first.pk, second.pk]}, follow=True)
    assert response.redirect_chain[-1][0] == CASELOAD + "?tab=queue"
    assert "2 people are now in the caseload of" in response.content.decode()
    assert navigator_of(first) == navigator_of(second) == navigator.navigator.pk
    assert navigator_of(left) is None


def test_a_navigator_cannot_bulk_take_someone_of_another_organization(client, navigator, oic, united_way):
    mine, theirs = person(oic), person(united_way)
    client.force_login(navigator)
    response = client.post(BULK, {"people": [mine.pk, theirs.pk]}, follow=True)
    assert "no longer waiting in your queue" in response.content.decode()
    assert navigator_of(mine) is None and navigator_of(theirs) is None


def test_a_navigator_takes_for_themself_whatever_navigator_is_posted(client, navigator, colleague, oic):
    record = person(oic)
    client.force_login(navigator)
    client.post(BULK, {"people": [record.pk], "navigator": colleague.navigator.pk})
    assert navigator_of(record) == navigator.navigator.pk


def test_someone_a_colleague_took_meanwhile_refuses_the_whole_batch(client, navigator, colleague, oic):
    free, taken = person(oic), person(oic)
    services.participant_assign(participant=taken, navigator=colleague.navigator, by=colleague)
    client.force_login(navigator)
    response = client.post(BULK, {"people": [free.pk, taken.pk]}, follow=True)
    assert "no longer waiting in your queue" in response.content.decode()
    assert navigator_of(free) is None and navigator_of(taken) == colleague.navigator.pk


@pytest.mark.parametrize("value", ["10" + "0" * 30, "abc", "-1", "²"])
def test_a_value_that_is_no_id_is_refused_with_a_message(client, navigator, oic, value):
    record = person(oic)
    client.force_login(navigator)
    response = client.post(BULK, {"people": [record.pk, value]}, follow=True)
    assert response.status_code == 200
    assert "no longer waiting in your queue" in response.content.decode()
    assert navigator_of(record) is None


def test_choosing_nobody_says_so(client, navigator):
    client.force_login(navigator)
    response = client.post(BULK, {}, follow=True)
    assert "Choose at least one person." in response.content.decode()


def test_grant_staff_assign_several_people_to_a_navigator(client, grant_staff, navigator, oic):
    first, second = person(oic), person(oic)
    client.force_login(grant_staff)
    response = client.post(BULK, {"people": [first.pk, second.pk], "navigator": navigator.navigator.pk})
    assert response.status_code == 302
    assert navigator_of(first) == navigator_of(second) == navigator.navigator.pk


def test_grant_staff_cannot_assign_someone_to_a_navigator_of_another_organization(
    client, grant_staff, navigator, oic, united_way
):
    mine, theirs = person(oic), person(united_way)
    client.force_login(grant_staff)
    response = client.post(
        BULK, {"people": [mine.pk, theirs.pk], "navigator": navigator.navigator.pk}, follow=True
    )
    assert "This navigator works for another organization." in response.content.decode()
    assert navigator_of(mine) is None and navigator_of(theirs) is None


def test_grant_staff_must_choose_a_navigator(client, grant_staff, oic):
    record = person(oic)
    client.force_login(grant_staff)
    client.post(BULK, {"people": [record.pk]})
    assert navigator_of(record) is None


@pytest.mark.parametrize("role", ["participant", "provider", "employer"])
def test_other_roles_cannot_bulk_assign(client, user_of_role, role, oic, navigator):
    record = person(oic)
    client.force_login(user_of_role[role])
    assert client.post(BULK, {"people": [record.pk], "navigator": navigator.navigator.pk}).status_code == 403
    assert navigator_of(record) is None


def test_the_service_refuses_a_navigator_assigning_to_a_colleague(navigator, colleague, oic):
    record = person(oic)
    with pytest.raises(ValidationError, match="your own caseload"):
        services.participant_assign_bulk(
            participant_ids=[record.pk], navigator=colleague.navigator, by=navigator
        )
    assert navigator_of(record) is None


def test_the_service_refuses_someone_the_navigator_cannot_see(navigator, oic, united_way):
    mine, theirs = person(oic), person(united_way)
    with pytest.raises(ValidationError, match="another organization"):
        services.participant_assign_bulk(
            participant_ids=[mine.pk, theirs.pk], navigator=navigator.navigator, by=navigator
        )
    assert navigator_of(mine) is None


def test_the_queue_offers_checkboxes_and_the_bulk_form(client, navigator, oic):
    record = person(oic)
    client.force_login(navigator)
    page = client.get(CASELOAD, {"tab": "queue"}).content.decode()
    assert f'name="people" value="{record.pk}" form="bulk-assign"' in page
    assert BULK in page
    assert BULK not in client.get(CASELOAD, {"tab": "mine"}).content.decode()
