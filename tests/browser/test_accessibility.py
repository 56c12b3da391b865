"""Zero serious or critical axe-core violations on the foundation's pages, in all three languages."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["en", "es", "ht"]
PUBLIC_PAGES = [
    "/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/employers/request-account/",
]


# True once no CSS transition is running: a button still fading into its hover colours (the mouse
# rests on what was just clicked) has, mid-way, text nearly the colour of its background.
TRANSITIONS_DONE = """() => document.getAnimations()
  .every((a) => !(a instanceof CSSTransition) || a.playState !== 'running')"""


def _serious(page) -> list[str]:
    """axe's serious and critical violations on the page as it settles (no transition under way)."""
    page.wait_for_function(TRANSITIONS_DONE)
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _use_language(page, portal, code):
    page.context.add_cookies([{"name": "django_language", "value": code, "url": portal}])


@pytest.mark.parametrize("language", LANGUAGES)
def test_public_pages_have_no_serious_violations(page, portal, language):
    _use_language(page, portal, language)
    problems = {}
    for path in PUBLIC_PAGES:
        page.goto(portal + path)
        assert page.locator("html").get_attribute("lang") == language
        if found := _serious(page):
            problems[path] = found
    assert problems == {}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", ["participant", "navigator", "provider", "employer", "staff"])
def test_each_role_home_has_no_serious_violations(page, portal, user_of_role, role, language):
    # The language a person saved wins at log-in (a participant's preferred one, else the page's):
    # each person here has saved the language under test.
    user = user_of_role[role]
    user.language = language
    user.save(update_fields=["language"])
    _use_language(page, portal, language)
    log_in(page, portal, user)
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == language
    assert _serious(page) == []


def test_a_form_with_errors_has_no_serious_violations(page, portal):
    page.goto(portal + "/employers/request-account/")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert _serious(page) == []
