"""Placements, the good-job standard and retention checks at 375 px, without serious axe-core
violations; the employer's one-click confirmation from start to finish."""

from datetime import timedelta
from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from participants.models import Navigator
from placements import services as placement_services
from placements.models import RetentionCheck
from tests import factories
from tests.browser.conftest import log_in
from tests.placements.placement_factories import default_standard, placement_judged

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _serious(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _fits_a_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def jobs(participant, oic, navigator, employer):
    """Two jobs of the navigator's caseload: a near miss whose 90-day check is due, and a good job."""
    default_standard()
    record = factories.participant_record(participant, organization=oic)
    record.navigator = Navigator.objects.get(user=navigator)
    record.save()
    today = timezone.localdate()
    near = placement_judged(
        participant=record,
        employer=employer,
        title="Support Analyst",
        hourly_wage=Decimal("19.50"),
        start_date=today - timedelta(days=110),
    )
    good = placement_judged(
        participant=record, employer=employer, title="Developer", start_date=today - timedelta(days=20)
    )
    return near, good


def test_a_navigator_goes_through_placements_and_records_a_retention_check(page, portal, navigator, jobs):
    near, _good = jobs
    log_in(page, portal, navigator)
    for path in ("/employers/placements/", f"/employers/placements/{near.pk}/", "/employers/placements/new/"):
        page.goto(portal + path)
        assert _serious(page) == [], path
        assert _fits_a_phone(page), path

    page.goto(portal + "/employers/retention/")
    assert _serious(page) == []
    assert _fits_a_phone(page)
    page.locator("main details summary").first.click()
    form = page.locator("main details form").first
    form.locator("select[name=outcome]").select_option("employed")
    form.locator("select[name=evidence]").select_option("self_reported")
    form.locator("button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("Nothing is due.")
    assert near.retention_checks.get(days=90).outcome == "employed"


def test_grant_staff_see_the_standard_and_re_judge(page, portal, grant_staff, jobs):
    log_in(page, portal, grant_staff)
    page.goto(portal + "/employers/standard/")
    assert _serious(page) == []
    assert _fits_a_phone(page)
    expect(page.locator("main")).to_contain_text("Support Analyst")  # the near miss
    page.get_by_role("button", name="Re-judge all placements").click()
    expect(page.locator("main")).to_contain_text("0 changed, 2 unchanged")


def test_an_employer_confirms_with_one_click_and_the_link_then_refuses(page, portal, jobs):
    check = jobs[0].retention_checks.get(days=90)
    url = portal + f"/employers/retention/confirm/{placement_services.retention_link_token(check)}/"
    page.goto(url)
    assert _serious(page) == []
    assert _fits_a_phone(page)
    page.get_by_role("button", name="Still employed").click()
    expect(page.locator("main h1")).to_have_text("Thank you")
    assert RetentionCheck.objects.get(pk=check.pk).evidence == "employer_confirmed"
    response = page.goto(url)
    assert response.status == 410
    assert _serious(page) == []
