"""The Content-Security-Policy breaks nothing: real Chromium finds no violation on the pages
with the most script (landing, log-in with its forms, the staff dashboard with Chart.js)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from outcomes import services, stored
from outcomes.models import OutcomeSnapshot
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

_LISTEN = (
    "window.__cspViolations = [];"
    "document.addEventListener('securitypolicyviolation',"
    " e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"
)


def _violations(page, console: list[str]) -> list[str]:
    seen = page.evaluate("() => window.__cspViolations || []")
    return seen + [line for line in console if "Content Security Policy" in line]


def test_no_page_breaks_the_content_security_policy(page, portal, grant_staff):
    today = timezone.localdate()
    OutcomeSnapshot.objects.create(
        as_of=today - timedelta(days=60), data={"enrolled": 80, "trained": 20, "placed_good_jobs": 5}
    )
    OutcomeSnapshot.objects.create(as_of=today, data={"enrolled": 120, "trained": 45, "placed_good_jobs": 12})
    history = list(OutcomeSnapshot.objects.order_by("as_of"))
    scopes = stored.board_scopes(today, snapshots=history, grant=services.grant_settings())
    stored.tables_store(history[-1], scopes)  # what the roll-up stores with these (made-up) snapshots
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(_LISTEN)

    page.goto(f"{portal}/")
    assert _violations(page, console) == []
    page.goto(f"{portal}/accounts/login/")
    assert _violations(page, console) == []

    log_in(page, portal, grant_staff)
    page.goto(f"{portal}/staff/dashboard/")
    page.locator('details[data-breakdown="history"] > summary').click()  # folded on a phone
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('outcomes-chart'))")
    expect(page.locator("progress.mtw-bar").first).to_be_visible()
    assert _violations(page, console) == []
