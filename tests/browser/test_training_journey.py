"""The journey from sign-up to credential, across four people, in real Chromium at phone width:
a visitor signs up, completes intake and applies; the provider enrolls and later completes them
with a credential; a navigator takes them from the queue, logs a $2.25 bus fare and a daycare
payment and writes a note; the participant sees both supports on their home page."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def open_cohort(brainstation):
    program = factories.program(provider=brainstation, name="Data Analytics")
    # It starts today: the last day it takes applications (a cohort that has started offers no Apply),
    # and the first on which the provider may complete someone.
    return factories.cohort(program=program, start_date=timezone.localdate(), seats=20)


@pytest.fixture
def budget_lines(db):
    from participants.models import BudgetLine

    return {
        code: BudgetLine.objects.get_or_create(code=code, defaults={"name": f"Supportive services: {code}"})[
            0
        ]
        for code in ("transportation", "childcare")
    }


def _new_page(browser):
    return browser.new_context(viewport={"width": 375, "height": 812}).new_page()


def test_from_sign_up_to_credential_with_support_on_the_way(
    browser, portal, open_cohort, provider_member, navigator, oic, budget_lines
):
    # A visitor signs up, completes intake choosing OIC, and applies.
    person = _new_page(browser)
    person.goto(f"{portal}/accounts/signup/")
    person.locator("main input[name=email]").fill("lucia@example.test")
    person.locator("main input[name=password1]").fill("a-long-passphrase-1")
    person.locator("main input[name=password2]").fill("a-long-passphrase-1")
    person.locator("main form button[type=submit]").click()
    person.get_by_role("link", name="Complete my profile").click()
    person.locator("input[name=first_name]").fill("Lucía")
    person.locator("input[name=last_name]").fill("Fernández")
    person.locator("input[name=zip_code]").fill("33127")
    person.locator("input[name=date_of_birth]").fill("1995-06-15")
    for field, value in [
        ("employment_status", "unemployed"),
        ("education", "high_school"),
        ("ethnicity", "hispanic"),
        ("race", "prefer_not"),
        ("gender", "woman"),
        ("veteran", "no"),
        ("disability", "no"),
        ("organization", str(oic.pk)),
    ]:
        person.locator(f"select[name={field}]").select_option(value)
    person.locator("input[name=barrier_transportation]").check()
    person.locator("input[name=barrier_childcare]").check()
    person.locator("input[name=consent_to_share]").check()
    person.get_by_role("button", name="Save my profile").click()
    expect(person.get_by_text("Your profile is saved.")).to_be_visible()
    person.goto(f"{portal}/programs/{open_cohort.program_id}/")
    person.get_by_role("button", name="Apply").click()
    expect(person.get_by_text("Your application was sent to BrainStation.")).to_be_visible()

    # The provider enrolls them.
    provider = _new_page(browser)
    log_in(provider, portal, provider_member)
    provider.goto(f"{portal}/programs/provider/cohorts/{open_cohort.pk}/")
    row = provider.get_by_role("row").filter(has_text="lucia@example.test")
    row.get_by_role("button", name="Enroll").click()
    row = provider.get_by_role("row").filter(has_text="lucia@example.test")
    expect(row).to_contain_text("Enrolled")

    # The navigator takes them from the queue, logs two supports and writes a note.
    nav = _new_page(browser)
    log_in(nav, portal, navigator)
    nav.goto(f"{portal}/participants/caseload/?tab=queue")
    nav.get_by_role("row").filter(has_text="Fernández").get_by_role(
        "button", name=re.compile("^Take")
    ).click()
    nav.goto(f"{portal}/participants/caseload/")
    nav.get_by_role("link", name=re.compile("Fernández")).first.click()
    detail_url = nav.url
    for kind, amount, line in [("bus_fare", "2.25", "transportation"), ("daycare", "120.00", "childcare")]:
        nav.get_by_role("link", name="Log support").click()
        nav.locator("select[name=type]").select_option(kind)
        nav.locator("input[name=amount]").fill(amount)
        nav.locator("select[name=budget_line]").select_option(str(budget_lines[line].pk))
        nav.get_by_role("button", name="Save the support").click()
        expect(nav.locator("main")).to_contain_text(f"${amount}")
    nav.goto(detail_url)
    nav.locator("textarea[name=body]").fill("Met Lucía: bus fare and daycare sorted for the first weeks.")
    nav.get_by_role("button", name="Save the note").click()
    expect(nav.locator("main")).to_contain_text("bus fare and daycare sorted")

    # Later the provider completes them with a credential.
    provider.reload()
    provider.get_by_role("row").filter(has_text="lucia@example.test").get_by_role(
        "link", name="Complete"
    ).click()
    provider.locator("select[name=credential_type]").select_option("bootcamp_certificate")
    provider.locator("input[name=credential_name]").fill("Data Analytics Certificate")
    provider.get_by_role("button", name="Save").click()
    expect(provider.get_by_role("row").filter(has_text="lucia@example.test")).to_contain_text("Completed")

    # The participant sees both supports, the navigator and the credential.
    person.goto(f"{portal}/participants/")
    main = person.locator("main")
    expect(main).to_contain_text("Bus fare")
    expect(main).to_contain_text("$2.25")
    expect(main).to_contain_text("Daycare")
    expect(main).to_contain_text(navigator.display_name)
    expect(main).to_contain_text("Data Analytics Certificate")
    expect(main).not_to_contain_text("sorted for the first weeks")  # case notes stay with navigators
