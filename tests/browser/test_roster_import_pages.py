"""The roster import at 375 px: upload, preview and confirm, without serious axe-core violations."""

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import expect

from programs.models import Enrollment
from tests import factories
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAMPLE = Path(settings.BASE_DIR) / "docs" / "samples" / "enrollment-roster.csv"


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
def providers(brainstation, fourgeeks):
    """The sample's providers (reference data, gone after an earlier transactional test)."""
    return [brainstation, fourgeeks, factories.provider("mdc")]


def test_grant_staff_import_the_sample_roster_on_a_phone(page, portal, grant_staff, providers):
    log_in(page, portal, grant_staff)
    page.goto(portal + "/programs/import/")
    assert _serious(page) == []
    assert _fits_a_phone(page)

    page.locator("main input[type=file]").set_input_files(str(SAMPLE))
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main h1")).to_have_text("Check the roster before importing it")
    assert _serious(page) == []
    assert _fits_a_phone(page)

    page.get_by_role("button", name="Import this roster").click()
    expect(page.locator("main h1")).to_have_text("Roster imported")
    assert _serious(page) == []
    assert Enrollment.objects.count() == 12


def test_a_rejected_roster_is_shown_with_its_problems_on_a_phone(
    page, portal, provider_member, providers, tmp_path
):
    bad = tmp_path / "roster.csv"
    bad.write_text(SAMPLE.read_text().replace("33135", "3313"))  # a bad ZIP, and rows of other providers
    log_in(page, portal, provider_member)
    page.goto(portal + "/programs/import/")
    page.locator("main input[type=file]").set_input_files(str(bad))
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("link", name="Upload a corrected file")).to_be_visible()
    expect(page.locator("main")).to_contain_text("you can only import rosters of BrainStation")
    assert page.get_by_role("button", name="Import this roster").count() == 0
    assert _serious(page) == []
    assert _fits_a_phone(page)
