"""In Chromium at phone width: a receipt chosen on the support form survives an error on another
field and is attached on the next save; the participant's "No" to a provider's enrollment opens a
confirmation first. Both pages pass axe; so does "Who has seen your record" with its table."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from participants.models import BudgetLine, PendingReceipt, SupportItem
from programs.models import Enrollment
from tests import factories
from tests.browser.conftest import PHONE, log_in
from tests.browser.test_accessibility import _serious
from tests.participants.conftest import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_receipt_survives_an_error_and_is_saved_with_the_support(
    browser, portal, participant, oic, navigator, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    # A live-server test's database is emptied between tests: the reference budget line may be gone.
    BudgetLine.objects.get_or_create(
        code="transportation", defaults={"name": "Supportive services: transportation"}
    )
    record = factories.participant_record(participant, organization=oic)
    record.navigator = navigator.navigator
    record.save(update_fields=["navigator"])
    receipt = tmp_path / "fare-card.pdf"
    receipt.write_bytes(PDF)
    page = browser.new_context(viewport=PHONE).new_page()
    log_in(page, portal, navigator)
    page.goto(f"{portal}/participants/{record.pk}/support/new/")
    page.get_by_label("Amount (US dollars)").fill("2.25")
    page.get_by_label("Budget line").select_option(label="Supportive services: transportation")
    page.get_by_label("Date given").fill((timezone.localdate() + timedelta(days=1)).isoformat())
    page.get_by_label("Receipt (optional)").set_input_files(str(receipt))
    page.get_by_role("button", name="Save the support").click()
    expect(page.get_by_text("“fare-card.pdf” is kept; choose another file to replace it.")).to_be_visible()
    assert _serious(page) == []
    page.get_by_label("Date given").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Save the support").click()
    expect(page.get_by_text("Support saved.")).to_be_visible()
    item = SupportItem.objects.get()
    assert Path(item.receipt.path).read_bytes() == PDF
    assert not PendingReceipt.objects.exists()


def test_no_to_a_providers_enrollment_asks_first(browser, portal, participant, oic, brainstation):
    record = factories.participant_record(participant, organization=oic)
    cohort = factories.cohort(program=factories.program(provider=brainstation))
    enrollment = factories.enrollment(
        participant=record, cohort=cohort, origin=Enrollment.Origin.PROVIDER, partner_confirmed_at=None
    )
    page = browser.new_context(viewport=PHONE).new_page()
    log_in(page, portal, participant)
    page.goto(f"{portal}/participants/")
    page.locator(f'[data-awaiting="{enrollment.pk}"] summary', has_text="No").click()
    assert _serious(page) == []
    enrollment.refresh_from_db()
    assert enrollment.partner_declined_at is None  # opening the question changed nothing
    page.get_by_role("button", name="Yes, this enrollment is not right").click()
    expect(page.get_by_text("will not see your record through this enrollment")).to_be_visible()
    enrollment.refresh_from_db()
    assert enrollment.partner_declined_at is not None


def test_who_has_seen_your_record_passes_axe(browser, portal, participant, oic, navigator):
    record = factories.participant_record(participant, organization=oic)
    staff = browser.new_context(viewport=PHONE).new_page()
    log_in(staff, portal, navigator)
    staff.goto(f"{portal}/participants/{record.pk}/")
    page = browser.new_context(viewport=PHONE).new_page()
    log_in(page, portal, participant)
    page.goto(f"{portal}/participants/seen-by/")
    expect(page.locator('[role="region"] table')).to_be_visible()
    assert _serious(page) == []
