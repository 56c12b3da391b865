"""Pages of long lists (``mtw_portal.core.paging``): a hostile page number never reaches the
database as an OFFSET it cannot hold; every list answers it with a page, never a 500."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from mtw_portal.core.paging import MAX_PAGE, CappedPaginator, OpenPage
from mtw_portal.core.tables import Quarter
from mtw_portal.notifications.models import Kind, Notification
from participants import services as participant_services
from participants.models import BudgetLine, Participant
from tests import factories

pytestmark = pytest.mark.django_db

HOSTILE = ["99999999999999999999", str(MAX_PAGE + 1), "-99999999999999999999", "1e400", "0", "x", ""]


@pytest.fixture
def lists(grant_staff, brainstation, navigator, settings):
    """Every list below has a row, and each capped list counts past its cap (0), so the page number
    goes through the capped paginator's own check rather than Django's against the number of pages."""
    settings.MTW_LIST_COUNT_CAP = 0
    cohort = factories.cohort(program=factories.program(provider=brainstation))
    person = factories.participant_record(organization=navigator.navigator.organization)
    Participant.objects.filter(pk=person.pk).update(navigator=navigator.navigator)
    factories.enrollment(participant=person, cohort=cohort, status="enrolled")
    line = BudgetLine.objects.get_or_create(code="transportation", defaults={"name": "Transportation"})[0]
    participant_services.support_item_log(
        participant=person, by=navigator, type="bus_fare", amount=Decimal("5.00"),
        given_on=timezone.localdate(), budget_line=line,
    )  # fmt: skip
    Notification.objects.create(
        recipient=grant_staff, kind=Kind.PROGRAM_ADMITTED, key="k", language="en", subject="s", body="b"
    )
    call_command("rollup_outcomes", stdout=None)  # stores the funder's draft
    return {
        "people list": reverse("accounts:people_list"),
        "people behind a number": reverse("outcomes:people") + "?measure=enrolled",
        "funder draft": reverse(
            "reports:funder_report", kwargs={"quarter": str(Quarter.of(timezone.localdate()))}
        ),
        "caseload": reverse("participants:caseload"),
        "support ledger": reverse("participants:support_ledger"),
        "notifications": reverse("notifications:inbox"),
        "catalogue": reverse("programs:catalogue"),
    }


# Not named "page": that is pytest-playwright's browser fixture, which would make these browser tests.
@pytest.mark.parametrize("number", HOSTILE)
@pytest.mark.parametrize(
    "name",
    [
        "people list",
        "people behind a number",
        "funder draft",
        "caseload",
        "support ledger",
        "notifications",
        "catalogue",
    ],
)
def test_every_list_answers_a_hostile_page_number_with_a_page(client, grant_staff, lists, name, number):
    client.force_login(grant_staff)
    url = lists[name]
    response = client.get(url + ("&" if "?" in url else "?") + f"page={number}")
    assert response.status_code == 200, (name, number)


def test_a_capped_list_past_the_highest_page_shows_its_first_page(brainstation):
    for n in range(3):
        factories.program(provider=brainstation, name=f"P{n}")
    paginator = CappedPaginator(brainstation.programs.order_by("pk"), 1, cap=1)
    assert paginator.capped
    assert paginator.get_page(MAX_PAGE + 1).number == 1
    assert paginator.get_page("99999999999999999999").number == 1
    assert paginator.get_page(2).number == 2


def test_an_open_page_past_the_highest_page_reads_the_first(brainstation):
    programs = brainstation.programs.order_by("pk")
    factories.program(provider=brainstation)
    assert OpenPage(programs, MAX_PAGE + 1, 10).number == 1
    assert OpenPage(programs, "99999999999999999999", 10).number == 1
    assert OpenPage(programs, MAX_PAGE, 10).number == MAX_PAGE  # the highest is still read
