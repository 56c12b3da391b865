"""Each role's journey in Chromium, in Spanish and in Haitian Creole, ends with the emails and inbox
items its events produce, in the recipient's language.

The events happen through the real pages; the emails are read from the outbox (the live server runs
in this process, with the locmem backend and Celery inline), the inbox in Chromium at 375 px (axe:
no serious or critical violation; nothing wider than the window).

The person who acts is, where the journey allows it, in another language than the recipient
(English): a label or a date formatted in the actor's language must not leak into the recipient's.
Someone of another organization is there each time and must hear nothing.
"""

import datetime
import re

import pytest
from django.core import mail
from django.utils import formats, timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import PHONE, log_in
from tests.browser.test_accessibility import _serious
from tests.employers.conftest import opportunity_fields

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["es", "ht"]


def _new_page(browser):
    return browser.new_context(viewport=PHONE).new_page()


def _in(language, msgid, **values) -> str:
    """``msgid`` (as the email template's blocktranslate writes it) in ``language``, filled in."""
    with translation.override(language):
        text = gettext(msgid)
        assert language == "en" or text != msgid, f"{msgid!r} has no {language} translation"
        return text % values


def _emails_to(user) -> list:
    return [message for message in mail.outbox if user.email in message.to]


def _assert_emailed(user, subject: str, body: str) -> None:
    """Exactly one email went to ``user``: ``subject`` (after the site's prefix), ``body`` in its text."""
    emails = _emails_to(user)
    assert len(emails) == 1, [m.subject for m in emails]
    assert emails[0].subject.endswith(subject), (emails[0].subject, subject)
    assert body in emails[0].body, (emails[0].body, body)


def _assert_inbox(browser, portal, user, language, subjects: list[str]) -> None:
    """``user`` logs in (their saved language wins), sees the unread count in the menu and each
    item on their inbox page, in ``language``; the inbox passes axe and fits the phone."""
    page = _new_page(browser)
    log_in(page, portal, user)
    page.goto(f"{portal}/notifications/")
    assert page.locator("html").get_attribute("lang") == language
    expect(page.get_by_test_id("unread-count").first).to_contain_text(str(len(subjects)))
    items = page.locator("main li.list-group-item")
    expect(items).to_have_count(len(subjects))
    for subject in subjects:
        expect(items.filter(has_text=subject)).to_have_count(1)
    with translation.override(language):
        expect(page.locator("main h1")).to_have_text(gettext("Notifications"))
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert _serious(page) == []
    page.context.close()


def _assert_inbox_empty(user) -> None:
    from mtw_portal.notifications.models import Notification

    assert not Notification.objects.filter(recipient=user).exists()
    assert _emails_to(user) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_application_tells_the_employer_and_a_move_tells_the_applicant_in_their_language(
    browser, portal, language, employer, other_employer, oic
):
    from employers import services

    applicant = factories.participant_user(language=language, first_name="Rosa", last_name="Pierre")
    factories.participant_record(applicant, organization=oic)
    reader = factories.employer_user(employer=employer, language=language)
    mover = factories.employer_user(employer=employer, language="en")  # acts in English
    outsider = factories.employer_user(employer=other_employer, language=language)
    opportunity = services.opportunity_save(
        employer=employer, by=None, skills=["SQL"], **opportunity_fields()
    )
    services.opportunity_set_state(opportunity=opportunity, by=None, action="open")
    title, employer_name = opportunity.title, employer.name

    # The participant applies on the board, in their language.
    person = _new_page(browser)
    log_in(person, portal, applicant)
    person.goto(f"{portal}/employers/board/{opportunity.pk}/apply/")
    assert person.locator("html").get_attribute("lang") == language
    person.locator("textarea[name=note]").fill("Bonjou")
    person.locator("main form button[type=submit]").click()
    expect(person).to_have_url(re.compile(r"/employers/"))
    expect(person.locator(".alert-success, .alert-info").first).to_be_visible()

    # Every member of the employer hears of the applicant, each in their own language.
    for member, lang in ((reader, language), (mover, "en")):
        _assert_emailed(
            member,
            _in(lang, "New applicant for “%(opportunity)s”", opportunity=title),
            _in(
                lang,
                "%(name)s applied to “%(opportunity)s”. Open the applicants to review the "
                "application and move it forward.",
                name="Rosa Pierre",
                opportunity=title,
            ),
        )
    received = _in(language, "Your application to %(employer)s was received", employer=employer_name)
    _assert_emailed(
        applicant,
        received,
        _in(
            language,
            "We sent your application for “%(opportunity)s” to %(employer)s. You will hear "
            "from us when they answer. You can follow it under My applications.",
            opportunity=title,
            employer=employer_name,
        ),
    )
    _assert_inbox_empty(outsider)

    # A member reading English invites the applicant to an interview on the applicants page.
    mail.outbox.clear()
    hiring = _new_page(browser)
    log_in(hiring, portal, mover)
    hiring.goto(f"{portal}/employers/opportunities/{opportunity.pk}/applicants/")
    hiring.get_by_role("button", name="Invite to interview").click()
    expect(hiring.locator("main")).to_contain_text("Interviewing")
    hiring.context.close()

    # The applicant reads it in their language, the new state's name included.
    with translation.override(language):
        state = gettext("Interviewing")
    moved = _in(
        language, "%(employer)s: your application is now “%(state)s”", employer=employer_name, state=state
    )
    _assert_emailed(
        applicant,
        moved,
        _in(
            language,
            "%(employer)s moved your application for “%(opportunity)s” to “%(state)s”. See My "
            "applications for what comes next; your navigator can help you prepare.",
            employer=employer_name,
            opportunity=title,
            state=state,
        ),
    )
    assert [m.to for m in mail.outbox] == [[applicant.email]]
    person.context.close()

    _assert_inbox(browser, portal, applicant, language, [received, moved])
    _assert_inbox(
        browser,
        portal,
        reader,
        language,
        [_in(language, "New applicant for “%(opportunity)s”", opportunity=title)],
    )
    _assert_inbox_empty(outsider)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_support_request_tells_the_navigator_in_their_language(browser, portal, language, oic, united_way):
    navigator = factories.navigator_user(organization=oic, language=language)
    outsider = factories.navigator_user(organization=united_way, language=language)
    asker = factories.participant_user(language="en", first_name="Jean", last_name="Baptiste")
    record = factories.participant_record(asker, organization=oic)
    record.navigator = navigator.navigator
    record.save()

    # The participant (reading English) asks for daycare.
    person = _new_page(browser)
    log_in(person, portal, asker)
    person.goto(f"{portal}/participants/support/request/")
    person.locator("select[name=type]").select_option("daycare")
    person.locator("textarea[name=details]").fill("Daycare for my son while I am in class.")
    person.get_by_role("button", name="Send my request").click()
    expect(person.locator(".alert-success").first).to_be_visible()
    person.context.close()

    with translation.override(language):
        support = gettext("Daycare")
    subject = _in(language, "%(name)s asked for support: %(support)s", name="Jean Baptiste", support=support)
    _assert_emailed(
        navigator,
        subject,
        _in(
            language,
            "%(name)s asked for %(support)s. Open their record to approve or decline the request.",
            name="Jean Baptiste",
            support=support,
        ),
    )
    assert [m.to for m in mail.outbox] == [[navigator.email]]
    _assert_inbox(browser, portal, navigator, language, [subject])
    _assert_inbox_empty(outsider)


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_application_to_a_program_tells_the_provider_in_their_language(
    browser, portal, language, brainstation, fourgeeks, oic
):
    staff = factories.provider_user(provider=brainstation, language=language)
    outsider = factories.provider_user(provider=fourgeeks, language=language)
    program = factories.program(provider=brainstation, name="Data Analytics")
    start = timezone.localdate() + datetime.timedelta(days=40)
    factories.cohort(program=program, start_date=start)
    asker = factories.participant_user(language="en", first_name="Ana", last_name="Lopez")
    factories.participant_record(asker, organization=oic)

    # The participant (reading English) applies to the class on the program's page.
    person = _new_page(browser)
    log_in(person, portal, asker)
    person.goto(f"{portal}/programs/{program.pk}/")
    person.locator("form[action$='/apply/'] button[type=submit]").click()
    expect(person.locator(".alert-success").first).to_be_visible()
    person.context.close()

    subject = _in(language, "New application to %(program)s", program="Data Analytics")
    with translation.override(language):
        start_date = formats.date_format(start, "DATE_FORMAT")
    _assert_emailed(
        staff,
        subject,
        _in(
            language,
            "%(name)s applied to %(program)s (class starting %(start_date)s). Open the class "
            "roster to admit them or not.",
            name="Ana Lopez",
            program="Data Analytics",
            start_date=start_date,
        ),
    )
    assert [m.to for m in mail.outbox] == [[staff.email]]
    _assert_inbox(browser, portal, staff, language, [subject])
    _assert_inbox_empty(outsider)


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_employer_account_request_tells_grant_staff_in_their_language(browser, portal, language):
    staff = factories.staff_user(language=language)
    other_staff = factories.staff_user(language="en")

    # A visitor (reading English) asks for an employer account.
    visitor = _new_page(browser)
    visitor.goto(f"{portal}/employers/request-account/")
    visitor.locator("input[name=organization_name]").fill("Brickell Robotics")
    visitor.locator("input[name=first_name]").fill("Maya")
    visitor.locator("input[name=last_name]").fill("Chen")
    visitor.locator("input[name=email]").fill("maya@brickell.example")
    visitor.get_by_role("button", name="Send request").click()
    expect(visitor).to_have_url(re.compile(r"/employers/request-account/"))
    expect(visitor.locator("main form")).to_have_count(0)
    visitor.context.close()

    for person, lang in ((staff, language), (other_staff, "en")):
        _assert_emailed(
            person,
            _in(lang, "New employer account request: %(employer)s", employer="Brickell Robotics"),
            _in(
                lang,
                "%(name)s of %(employer)s asked for an employer account. Review the request to "
                "approve or decline it.",
                name="Maya Chen",
                employer="Brickell Robotics",
            ),
        )
    _assert_inbox(
        browser,
        portal,
        staff,
        language,
        [_in(language, "New employer account request: %(employer)s", employer="Brickell Robotics")],
    )
