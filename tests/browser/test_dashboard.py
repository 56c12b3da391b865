"""The grant dashboard in a real browser at 375 px: the chart renders, no serious axe violations."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mtw_portal.core.models import OutcomeSnapshot
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import _serious

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_dashboard_renders_the_chart(page, portal, grant_staff):
    today = timezone.localdate()
    OutcomeSnapshot.objects.create(
        as_of=today - timedelta(days=60), data={"enrolled": 80, "trained": 20, "placed_good_jobs": 5}
    )
    OutcomeSnapshot.objects.create(as_of=today, data={"enrolled": 120, "trained": 45, "placed_good_jobs": 12})
    log_in(page, portal, grant_staff)
    page.goto(f"{portal}/staff/dashboard/")
    expect(page.locator("canvas#outcomes-chart")).to_be_visible()
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('outcomes-chart'))")
    expect(page.locator("main h1")).to_have_text("Grant dashboard")
    assert _serious(page) == []
