"""The navigators' pages at 375 px: no serious axe-core violations, no sideways scrolling of the page."""

from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from participants import services
from participants.models import BudgetLine
from tests import factories
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _serious(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def caseload_data(participant, navigator, oic, brainstation):
    transportation = BudgetLine.objects.get_or_create(
        code="transportation", defaults={"name": "Supportive services: transportation"}
    )[0]
    record = factories.participant_record(participant, organization=oic)
    record.navigator = navigator.navigator
    record.save()
    factories.participant_record(organization=oic)  # waiting in the queue
    services.case_note_add(participant=record, author=navigator, body="Starts class on Monday.")
    services.support_item_log(
        participant=record,
        by=navigator,
        type="bus_fare",
        amount=Decimal("2.25"),
        given_on=timezone.localdate(),
        budget_line=transportation,
    )
    services.support_item_log(
        participant=record,
        by=navigator,
        type="technology",
        amount=Decimal("1234.56"),
        given_on=timezone.localdate(),
        budget_line=transportation,
    )
    support_request = services.support_request_create(
        participant=record, type="daycare", details="Daycare for my son while I am in class."
    )
    factories.cohort(program=factories.program(provider=brainstation, name="Data Analytics"))
    return record, support_request


def test_navigator_pages_have_no_serious_violations_and_fit_a_phone(page, portal, navigator, caseload_data):
    record, support_request = caseload_data
    log_in(page, portal, navigator)
    paths = [
        "/participants/caseload/",
        "/participants/caseload/?tab=queue",
        f"/participants/{record.pk}/",
        f"/participants/{record.pk}/support/new/",
        f"/participants/{record.pk}/enroll/",
        "/participants/support/",
        f"/participants/support/requests/{support_request.pk}/",
    ]
    problems = {}
    for path in paths:
        page.goto(portal + path)
        found = _serious(page)
        if page.evaluate("document.documentElement.scrollWidth") > 375:
            found.append("the page scrolls sideways at 375 px")
        if found:
            problems[path] = found
    assert problems == {}


def test_a_support_form_with_errors_has_no_serious_violations(page, portal, navigator, caseload_data):
    record, _request = caseload_data
    log_in(page, portal, navigator)
    page.goto(f"{portal}/participants/{record.pk}/support/new/")
    page.locator("main input[name=amount]").fill("0")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert page.locator(".invalid-feedback").count() >= 1
    assert _serious(page) == []
