"""The grant dashboard in a real browser at 375 px: the chart renders, no serious axe violations."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from outcomes.models import OutcomeSnapshot
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import _serious

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_dashboard_renders_the_chart(page, portal, grant_staff):
    today = timezone.localdate()
    OutcomeSnapshot.objects.create(
        as_of=today - timedelta(days=60), data={"enrolled": 80, "trained": 20, "placed_good_jobs": 5}
    )
    OutcomeSnapshot.objects.create(as_of=today, data={"enrolled": 120, "trained": 45, "placed_good_jobs": 12})
    from outcomes import services, stored

    history = list(OutcomeSnapshot.objects.order_by("as_of"))
    scopes = stored.board_scopes(today, snapshots=history, grant=services.grant_settings())
    stored.tables_store(history[-1], scopes)  # what the roll-up stores with these (made-up) snapshots
    log_in(page, portal, grant_staff)
    page.goto(f"{portal}/staff/dashboard/")
    page.locator('details[data-breakdown="history"] > summary').click()  # folded on a phone
    expect(page.locator("canvas#outcomes-chart")).to_be_visible()
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('outcomes-chart'))")
    expect(page.locator("main h1")).to_have_text("Grant dashboard")
    assert _serious(page) == []


def test_staff_open_the_people_behind_a_number_and_a_provider_sees_its_own(
    page, portal, grant_staff, provider_member, brainstation, fourgeeks
):
    from tests import factories

    bs = factories.cohort(program=factories.program(provider=brainstation))
    fg = factories.cohort(program=factories.program(provider=fourgeeks, name="Full Stack Development"))
    for _ in range(6):
        factories.enrollment(participant=factories.participant_record(), cohort=bs, status="completed")
    factories.enrollment(participant=factories.participant_record(), cohort=fg, status="active")
    from django.core.management import call_command

    call_command("rollup_outcomes", stdout=None)
    log_in(page, portal, grant_staff)
    page.goto(f"{portal}/staff/dashboard/")
    programs = page.locator('table[data-table="programs"]')
    expect(programs).to_be_hidden()  # on a phone the tables are folded: the summary comes first
    page.locator('details[data-breakdown="programs"] > summary').click()
    page.wait_for_function(
        "() => Chart.getChart(document.querySelector('canvas[data-chart=\"chart-programs\"]'))"
    )
    programs.locator('tr[data-group] td[data-field="trained"] a').first.click()
    expect(page.locator("main h1")).to_have_text("The people behind a figure")
    expect(page.locator("table[data-people] tbody tr")).to_have_count(6)
    assert _serious(page) == []

    page.context.clear_cookies()
    log_in(page, portal, provider_member)
    page.goto(f"{portal}/provider/dashboard/")
    expect(page.locator('table[data-table="programs"]')).to_contain_text(brainstation.name)
    expect(page.locator("main")).not_to_contain_text("Full Stack Development")
    assert _serious(page) == []


@pytest.mark.parametrize("language", ["en", "es", "ht"])
def test_staff_read_and_submit_last_quarters_funder_report(page, portal, grant_staff, brainstation, language):
    from mtw_portal.core.tables import Quarter
    from reports.models import FunderReport
    from tests import factories
    from tests.browser.test_accessibility import _use_language

    last = Quarter.of(timezone.localdate()).previous()
    cohort = factories.cohort(
        program=factories.program(provider=brainstation, name="Software Engineering"),
        start_date=last.start + timedelta(days=7),
        end_date=last.end + timedelta(days=60),
    )
    for _ in range(3):
        factories.enrollment(
            participant=factories.participant_record(), cohort=cohort, status="active", enrolled_on=last.start
        )
    from django.core.management import call_command

    call_command("rollup_outcomes", stdout=None)  # the draft is the roll-up's
    _use_language(page, portal, language)
    log_in(page, portal, grant_staff)
    page.goto(f"{portal}/staff/reports/{last}/")
    expect(page.locator("#table-training")).to_contain_text("Software Engineering")
    expect(page.locator("#table-participants tbody tr")).to_have_count(3)
    assert _serious(page) == []
    page.locator(f'form[action$="/staff/reports/{last}/submit/"] button[type="submit"]').click()
    expect(page.locator('[data-state="submitted"]')).to_be_visible()
    assert FunderReport.objects.filter(year=last.year, quarter=last.number).exists()
    assert _serious(page) == []


def test_the_dashboard_reads_at_a_glance_on_a_phone_and_a_laptop(page, portal, grant_staff, brainstation):
    """Progress bars first, a sticky menu of sections, breakdowns folded on a phone and open with
    their charts on a laptop, never wider than the window."""
    from django.core.management import call_command

    from tests import factories

    cohort = factories.cohort(program=factories.program(provider=brainstation))
    for status in ("completed", "completed", "active"):
        factories.enrollment(participant=factories.participant_record(), cohort=cohort, status=status)
    call_command("rollup_outcomes", stdout=None)
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    log_in(page, portal, grant_staff)
    page.goto(f"{portal}/staff/dashboard/")
    bar = page.locator('[data-target="trained"] [role="progressbar"]')
    expect(bar).to_have_attribute("aria-valuemin", "0")
    expect(bar).to_have_attribute("aria-valuemax", "100")
    assert bar.get_attribute("aria-valuenow") and bar.get_attribute("aria-labelledby")
    menu = page.locator("nav.dashboard-menu")
    for section in ("targets", "funnel", "training", "equity", "support", "coalition"):
        expect(menu.locator(f'a[href="#{section}"]')).to_have_count(1)
        expect(page.locator(f"section#{section}")).to_have_count(1)
    assert page.locator("details[data-open-wide][open]").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert _serious(page) == []

    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()
    expect(page.locator('details[data-breakdown="programs"]')).to_have_attribute("open", "")
    page.wait_for_function(
        "() => Chart.getChart(document.querySelector('canvas[data-chart=\"chart-programs\"]'))"
    )
    page.locator('a[href="#equity"]').click()
    expect(menu).to_be_in_viewport()  # sticky
    assert page.evaluate(
        "document.querySelector('main').scrollWidth <= document.querySelector('main').clientWidth"
    )
    assert _serious(page) == []
    assert not [text for text in console if "Content Security Policy" in text]  # charts sized by script


def test_the_participant_sees_their_path_to_a_good_job(page, portal, participant, brainstation):
    from tests import factories

    record = factories.participant_record(participant)
    factories.enrollment(
        participant=record, cohort=factories.cohort(program=factories.program(provider=brainstation))
    )
    log_in(page, portal, participant)
    page.goto(f"{portal}/participants/")
    steps = page.locator("[data-progress-line] > li")
    expect(steps).to_have_count(7)
    expect(page.locator('[data-progress-line] [aria-current="step"]')).to_have_attribute(
        "data-step", "trained"
    )
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert _serious(page) == []
