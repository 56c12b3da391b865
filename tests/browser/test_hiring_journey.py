"""The hiring demo, in real Chromium at phone width: an employer posts and opens a paid
internship; a participant (intake done) finds it on the board and applies with a résumé; the
employer offers and hires; the hire page shows the placement with its good-job judgement.
Then the board, the opportunity and the applicants page pass axe."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import PHONE, log_in
from tests.browser.test_accessibility import _serious
from tests.employers.conftest import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def standard(db):
    """The default good-job standard (a transactional test may have flushed the migration's row)."""
    from placements.models import GoodJobStandard

    return GoodJobStandard.objects.get_or_create(
        effective_from=datetime.date(2022, 1, 1),
        defaults={
            "min_hourly_wage": Decimal("20.00"),
            "min_hours_per_week": 35,
            "health_benefits_required": True,
            "advancement_required": True,
            "source": "Test default.",
        },
    )[0]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _new_page(browser):
    return browser.new_context(viewport=PHONE).new_page()


def test_an_employer_posts_an_internship_and_hires_an_applicant(
    browser, portal, employer_member, participant, oic, standard
):
    factories.participant_record(participant, organization=oic)

    # The employer posts a paid internship and opens it.
    hiring = _new_page(browser)
    log_in(hiring, portal, employer_member)
    hiring.get_by_role("link", name="Post an opportunity").click()
    hiring.locator("select[name=kind]").select_option("internship")
    hiring.locator("input[name=title]").fill("Data Analytics Intern")
    hiring.locator("textarea[name=description]").fill("Build dashboards for our Miami sales team.")
    hiring.locator("input[name=skills]").fill("SQL, Python")
    hiring.locator("input[name=location]").fill("Doral")
    hiring.locator("input[name=hourly_wage]").fill("22.50")
    hiring.locator("input[name=hours_per_week]").fill("20")
    hiring.locator("input[name=benefit_health]").check()
    hiring.locator("textarea[name=advancement_path]").fill("Interns who do well are offered an analyst job.")
    hiring.locator("input[name=deadline]").fill(
        (timezone.localdate() + datetime.timedelta(days=21)).isoformat()
    )
    hiring.get_by_role("button", name="Save as a draft").click()
    expect(hiring.locator("main")).to_contain_text("Saved as a draft")
    hiring.get_by_role("button", name="Open it on the board").click()
    expect(hiring.locator("main")).to_contain_text("Open: it is on the board.")

    # The participant finds it on the board and applies with a résumé.
    person = _new_page(browser)
    log_in(person, portal, participant)
    person.goto(f"{portal}/employers/board/")
    person.locator("input[name=q]").fill("sql")
    person.locator("main form button[type=submit]").click()
    person.get_by_role("link", name="Data Analytics Intern").click()
    expect(person.locator("main")).to_contain_text("$22.50 an hour")
    person.get_by_role("link", name="Apply").click()
    person.locator("textarea[name=note]").fill("I finished the Data Analytics bootcamp in May.")
    person.locator("input[name=resume]").set_input_files(
        files=[{"name": "cv.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    person.get_by_role("button", name="Send my application").click()
    expect(person.locator("main")).to_contain_text("Your application was sent to")
    expect(person.locator("main")).to_contain_text("Applied")

    # The employer offers, then hires; the hire page shows the placement and its judgement.
    hiring.goto(f"{portal}/employers/")
    hiring.get_by_role("link", name="Applicants Data Analytics Intern").click()
    applicant = hiring.locator("li.list-group-item").filter(has_text=participant.email)
    expect(applicant).to_contain_text("I finished the Data Analytics bootcamp in May.")
    applicant.get_by_role("button", name="Make an offer").click()
    applicant = hiring.locator("li.list-group-item").filter(has_text=participant.email)
    expect(applicant).to_contain_text("Offered")
    applicant.get_by_role("link", name="Hire").click()
    expect(hiring.locator("input[name=hourly_wage]")).to_have_value("22.50")
    expect(hiring.locator("input[name=title]")).to_have_value("Data Analytics Intern")
    hiring.get_by_role("button", name="Record the hire").click()
    main = hiring.locator("main")
    expect(main).to_contain_text("is hired")
    expect(main).to_contain_text("Not a good job")
    expect(main).to_contain_text("Not a job (internships cannot be good jobs)")
    expect(main).to_contain_text("Too few hours per week")

    # The participant sees the hire.
    person.goto(f"{portal}/employers/applications/mine/")
    expect(person.locator("main")).to_contain_text("Hired")


def test_the_board_opportunity_and_applicants_pages_pass_axe(
    page, portal, employer, employer_member, participant, oic
):
    from employers import services
    from tests.employers.conftest import opportunity_fields, pdf_upload

    opportunity = services.opportunity_save(
        employer=employer, by=None, skills=["SQL"], **opportunity_fields()
    )
    services.opportunity_set_state(opportunity=opportunity, by=None, action="open")
    services.application_create(
        participant=factories.participant_record(participant, organization=oic),
        opportunity=opportunity,
        note="Hello",
        resume=pdf_upload(),
    )
    problems = {}
    for path in ("/employers/board/", f"/employers/board/{opportunity.pk}/"):
        page.goto(portal + path)
        if found := _serious(page):
            problems[path] = found
    log_in(page, portal, employer_member)
    path = f"/employers/opportunities/{opportunity.pk}/applicants/"
    page.goto(portal + path)
    expect(page.locator("main")).to_contain_text(participant.email)
    if found := _serious(page):
        problems[path] = found
    assert problems == {}


def test_the_other_hiring_pages_pass_axe(
    browser, portal, employer, employer_member, participant, navigator, oic
):
    from employers import services
    from tests.employers.conftest import opportunity_fields

    opportunity = services.opportunity_save(
        employer=employer, by=None, skills=["SQL"], **opportunity_fields()
    )
    services.opportunity_set_state(opportunity=opportunity, by=None, action="open")
    application = services.application_create(
        participant=factories.participant_record(participant, organization=oic), opportunity=opportunity
    )
    services.application_move(application=application, by=employer_member, to_state="offered")
    pages = {
        employer_member: [
            "/employers/",
            f"/employers/opportunities/{opportunity.pk}/",
            "/employers/opportunities/new/",
            f"/employers/applications/{application.pk}/hire/",
            "/employers/mentoring/",
            "/employers/profile/",
            "/employers/colleagues/invite/",
        ],
        participant: [
            "/participants/",
            "/employers/applications/mine/",
            f"/employers/board/{opportunity.pk}/apply/",
        ],
        navigator: ["/employers/applications/", "/employers/mentors/"],
    }
    problems = {}
    for user, paths in pages.items():
        page = _new_page(browser)
        log_in(page, portal, user)
        for path in paths:
            page.goto(portal + path)
            if found := _serious(page):
                problems[path] = found
    assert problems == {}
