"""Every key list page costs the same number of queries with 2 rows on it and with 20, and no
query of it counts a whole table (issue 13: every page costs the same at 1,000 and 100,000
participants). Each page is requested by the role that uses it; its rows are made with the
test factories, each row with the related records the page shows (so a missing select_related
or prefetch shows up as a query per row)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from employers import services as employer_services
from mtw_portal.core.paging import CappedPaginator
from mtw_portal.notifications.models import Kind, Notification
from participants.models import BudgetLine, CaseNote, Navigator, SupportItem, SupportRequest
from tests import factories
from tests.employers.conftest import opportunity_fields
from tests.placements.placement_factories import default_standard, placement_judged

TODAY = timezone.localdate()

# Tables that grow with the program: a query may count them only under a WHERE (an indexed
# bound: a caseload, a cohort, a recipient) or over a LIMITed subquery (a capped count).
GROWING = (
    "participants_participant",
    "accounts_user",
    "participants_supportitem",
    "employers_placement",
    "employers_retentioncheck",
    "programs_enrollment",
    "notifications_notification",
    "audit_readevent",
)
COUNT_FROM = re.compile(r'COUNT\([^)]*\)[^()]*? FROM "(?P<table>\w+)"(?P<rest>.*)', re.S)


def whole_table_counts(queries) -> list[str]:
    """The queries that count every row of a growing table: no WHERE, no LIMIT."""
    found = []
    for query in queries:
        sql = query["sql"]
        for match in COUNT_FROM.finditer(sql):
            if match["table"] in GROWING and " WHERE " not in match["rest"] and " LIMIT " not in sql:
                found.append(sql)
    return found


@dataclass
class Page:
    url: str
    viewer: object  # a user, or None for a public page
    add: Callable[[int], None]  # adds rows up to n
    shown: Callable[[object], int]  # how many rows the response shows


def _page_rows(response) -> int:
    return len(response.context["page"].object_list)


def _measure(client, page: Page):
    if page.viewer is not None:
        client.force_login(page.viewer)
    client.get(page.url)  # warm per-process caches (content types, translations)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(page.url)
    assert response.status_code == 200
    return len(captured), page.shown(response), captured.captured_queries


def _counter(make):
    made = []

    def add(n: int) -> None:
        while len(made) < n:
            made.append(make(len(made)))

    return add


# --- The pages ------------------------------------------------------------------------------


def _caseload_person(organization, navigator_user=None, *, budget=None):
    record = factories.participant_record(organization=organization)
    if navigator_user is not None:
        record.navigator = Navigator.objects.get(user=navigator_user)
        record.save()
    CaseNote.objects.create(participant=record, author=navigator_user or record.user, body="Called.")
    SupportRequest.objects.create(
        participant=record, type="bus_fare", amount=Decimal("5.00"), details="To class"
    )
    return record


def caseload(navigator, oic, **_):
    return Page(
        reverse("participants:caseload"),
        navigator,
        _counter(lambda i: _caseload_person(oic, navigator)),
        _page_rows,
    )


def queue(navigator, oic, **_):
    return Page(
        reverse("participants:caseload") + "?tab=queue",
        navigator,
        _counter(lambda i: _caseload_person(oic)),
        _page_rows,
    )


def staff_participants(grant_staff, oic, **_):
    return Page(
        reverse("participants:caseload") + "?tab=all",
        grant_staff,
        _counter(lambda i: _caseload_person(oic)),
        _page_rows,
    )


def support_ledger(navigator, oic, **_):
    budget = BudgetLine.objects.filter(is_active=True).first()

    def make(i):
        record = factories.participant_record(organization=oic)
        return SupportItem.objects.create(
            participant=record,
            type="bus_fare",
            amount=Decimal("2.25"),
            given_on=TODAY - timedelta(days=i),
            budget_line=budget,
            logged_by=navigator,
            decided_by=navigator if i % 2 else None,
            state=SupportItem.State.APPROVED if i % 2 else SupportItem.State.AWAITING_APPROVAL,
        )

    return Page(reverse("participants:support_ledger"), navigator, _counter(make), _page_rows)


def provider_programs(provider_member, brainstation, oic, **_):
    def make(i):
        program = factories.program(provider=brainstation, name=f"Program {i}")
        cohort = factories.cohort(program=program)
        factories.enrollment(participant=factories.participant_record(organization=oic), cohort=cohort)
        factories.enrollment(
            participant=factories.participant_record(organization=oic), cohort=cohort, status="applied"
        )
        return program

    return Page(reverse("programs:provider_home"), provider_member, _counter(make), _page_rows)


def cohort_roster(provider_member, brainstation, oic, **_):
    cohort = factories.cohort(program=factories.program(provider=brainstation))

    def make(i):
        return factories.enrollment(participant=factories.participant_record(organization=oic), cohort=cohort)

    return Page(
        reverse("programs:cohort_roster", args=[cohort.pk]), provider_member, _counter(make), _page_rows
    )


def catalogue(brainstation, oic, **_):
    def make(i):
        program = factories.program(provider=brainstation, name=f"Program {i}")
        cohort = factories.cohort(program=program, start_date=TODAY + timedelta(days=30 + i))
        factories.enrollment(participant=factories.participant_record(organization=oic), cohort=cohort)
        return program

    return Page(reverse("programs:catalogue"), None, _counter(make), _page_rows)


def staff_people(grant_staff, oic, **_):
    return Page(
        reverse("accounts:people_list"),
        grant_staff,
        _counter(lambda i: factories.participant_record(organization=oic)),
        lambda response: 0,  # the cast's own accounts are on the page too: checked below
    )


def jobs_board(employer, **_):
    def make(i):
        opportunity = employer_services.opportunity_save(
            employer=employer, by=None, skills=["Python"], **opportunity_fields(title=f"Developer {i}")
        )
        return employer_services.opportunity_set_state(opportunity=opportunity, by=None, action="open")

    return Page(reverse("employers:board"), None, _counter(make), _page_rows)


def _job(employer, oic, i):
    default_standard()
    record = factories.participant_record(organization=oic)
    return placement_judged(participant=record, employer=employer, start_date=TODAY - timedelta(days=95 + i))


def staff_placements(grant_staff, employer, oic, **_):
    return Page(
        reverse("placements:placements"),
        grant_staff,
        _counter(lambda i: _job(employer, oic, i)),
        _page_rows,
    )


def navigator_retention(navigator, employer, oic, **_):
    return Page(
        reverse("placements:retention_checks"),
        navigator,
        _counter(lambda i: _job(employer, oic, i)),
        lambda response: len(response.context["due"].object_list),
    )


def employer_home(employer_member, employer, oic, **_):
    def make(i):
        opportunity = employer_services.opportunity_save(
            employer=employer, by=None, skills=[], **opportunity_fields(title=f"Developer {i}")
        )
        return employer_services.opportunity_set_state(opportunity=opportunity, by=None, action="open")

    return Page(
        reverse("employers:home"),
        employer_member,
        _counter(make),
        lambda response: len(response.context["opportunities"]),
    )


def participant_home(participant, brainstation, **_):
    record = factories.participant_record(participant)

    def make(i):
        program = factories.program(provider=brainstation, name=f"Program {i}")
        return factories.enrollment(participant=record, cohort=factories.cohort(program=program))

    return Page(
        reverse("participants:home"),
        participant,
        _counter(make),
        lambda response: len(response.context["enrollments"]),
    )


def notifications_inbox(navigator, oic, **_):
    def make(i):
        about = factories.participant_record(organization=oic)
        return Notification.objects.create(
            recipient=navigator,
            kind=Kind.PROGRAM_ENROLLED,
            about=about.user,
            key=f"test:{i}",
            language="en",
            subject=f"Subject {i}",
            body="Body",
        )

    return Page(reverse("notifications:inbox"), navigator, _counter(make), _page_rows)


PAGES = [
    caseload,
    queue,
    staff_participants,
    support_ledger,
    provider_programs,
    cohort_roster,
    catalogue,
    staff_people,
    jobs_board,
    staff_placements,
    navigator_retention,
    employer_home,
    participant_home,
    notifications_inbox,
]
# The catalogue shows 12 programs a page: its "20 rows" are a full page.
ROWS = {catalogue: 12}


@pytest.fixture
def cast(request, navigator, grant_staff, provider_member, employer_member, employer, participant, oic):
    return {
        "navigator": navigator,
        "grant_staff": grant_staff,
        "provider_member": provider_member,
        "employer_member": employer_member,
        "employer": employer,
        "participant": participant,
        "oic": oic,
        "brainstation": request.getfixturevalue("brainstation"),
    }


@pytest.mark.parametrize("make_page", PAGES, ids=[p.__name__ for p in PAGES])
def test_each_key_list_page_takes_the_same_queries_with_2_rows_and_with_20(client, cast, make_page):
    page = make_page(**cast)
    many = ROWS.get(make_page, 20)
    page.add(2)
    few_queries, few_shown, few_sql = _measure(client, page)
    page.add(many)
    many_queries, many_shown, many_sql = _measure(client, page)
    if make_page is not staff_people:  # the rows made are on the page (the cast's own may be too)
        assert many_shown - few_shown == many - 2
    assert many_queries == few_queries, "\n".join(q["sql"] for q in many_sql)
    assert whole_table_counts(few_sql + many_sql) == []


def test_the_staff_people_list_shows_its_rows(client, cast):
    page = staff_people(**cast)
    page.add(20)
    client.force_login(page.viewer)
    response = client.get(page.url)
    assert len(response.context["page"].object_list) == 25  # a full page: the cast and the 20


def test_the_whole_table_check_finds_a_count_of_every_participant():
    """The guard itself: a plain COUNT(*) of a growing table is found, a bounded one is not."""
    plain = {"sql": 'SELECT COUNT(*) AS "__count" FROM "participants_participant"'}
    bounded = {"sql": 'SELECT COUNT(*) AS "__count" FROM "participants_participant" WHERE "navigator_id" = 3'}
    capped = {"sql": 'SELECT COUNT(*) FROM (SELECT "id" FROM "accounts_user" LIMIT 1001) subquery'}
    assert whole_table_counts([plain, bounded, capped]) == [plain["sql"]]


# --- The capped paginator ---------------------------------------------------------------------


def test_a_long_list_is_counted_only_up_to_the_cap_and_still_pages_on(db, oic):
    from participants.models import Participant

    for _ in range(7):
        factories.participant_record(organization=oic)
    people = Participant.objects.order_by("pk")
    paginator = CappedPaginator(people, 2, cap=5)
    with CaptureQueriesContext(connection) as captured:
        assert paginator.count == 6 and paginator.capped
    assert "LIMIT 6" in captured.captured_queries[0]["sql"]
    fourth = paginator.get_page(4)
    assert [p.pk for p in fourth] == [p.pk for p in people][6:7]
    assert fourth.has_previous() and not fourth.has_next()
    assert paginator.get_page(3).has_next()
    assert paginator.get_page(9).number == 1  # past the end: back to the first page


def test_a_short_list_is_counted_exactly(db, oic):
    from participants.models import Participant

    for _ in range(3):
        factories.participant_record(organization=oic)
    paginator = CappedPaginator(Participant.objects.order_by("pk"), 2, cap=5)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (3, False, 2)
    assert paginator.get_page(2).has_next() is False
    assert paginator.get_page(7).number == 2


def test_a_long_queue_says_more_than_the_cap(client, navigator, oic, settings):
    settings.MTW_LIST_COUNT_CAP = 3
    for _ in range(4):
        _caseload_person(oic)
    client.force_login(navigator)
    text = client.get(reverse("participants:caseload") + "?tab=queue").content.decode()
    assert "More than 3 participants" in text
    assert "3+" in text  # the queue's badge


def test_the_read_trail_names_a_navigators_organization_without_a_query_of_its_own(client, navigator, oic):
    from mtw_portal.audit.models import ReadEvent

    _caseload_person(oic, navigator)
    client.force_login(navigator)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("participants:caseload")).status_code == 200
    assert ReadEvent.objects.get().organization == oic.name
    assert not [q for q in captured.captured_queries if "organization__name" in q["sql"]]
