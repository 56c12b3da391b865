"""In Chromium at phone width, without any script of ours: Withdraw opens its confirmation, the
application can be sent again, and the employer's Decline asks a reason the applicant then reads.
The pages pass axe with the confirmations open."""

import pytest
from playwright.sync_api import expect

from employers import services
from tests import factories
from tests.browser.conftest import PHONE, log_in
from tests.browser.test_accessibility import _serious
from tests.employers.conftest import opportunity_fields

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def application(participant, oic, employer):
    record = factories.participant_record(participant, organization=oic)
    opportunity = services.opportunity_save(employer=employer, by=None, skills=[], **opportunity_fields())
    opportunity = services.opportunity_set_state(opportunity=opportunity, by=None, action="open")
    return services.application_create(participant=record, opportunity=opportunity)


def test_withdraw_confirms_and_can_be_undone_and_decline_gives_a_reason(
    browser, portal, participant, employer_member, application
):
    page = browser.new_context(viewport=PHONE).new_page()
    log_in(page, portal, participant)
    page.goto(f"{portal}/employers/applications/mine/")
    page.locator("summary", has_text="Withdraw").click()
    page.get_by_label("Why are you withdrawing? (optional, the employer will see it)").fill("Moving away.")
    assert _serious(page) == []
    page.get_by_role("button", name="Yes, withdraw my application").click()
    expect(page.get_by_text("Your application was withdrawn.")).to_be_visible()
    page.get_by_role("button", name="Apply again").click()
    expect(page.get_by_text("Your application was sent again")).to_be_visible()

    hiring = browser.new_context(viewport=PHONE).new_page()
    log_in(hiring, portal, employer_member)
    hiring.goto(f"{portal}/employers/opportunities/{application.opportunity_id}/applicants/")
    hiring.locator("summary", has_text="Decline").click()
    hiring.get_by_label("Why is this applicant not selected? (they will read it)").fill("We need SQL.")
    assert _serious(hiring) == []
    hiring.get_by_role("button", name="Decline this applicant").click()

    page.goto(f"{portal}/employers/applications/mine/")
    expect(page.get_by_text("We need SQL.")).to_be_visible()
