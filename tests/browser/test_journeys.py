"""Each role's first journey, in real Chromium at phone width."""

import re

import pytest
from playwright.sync_api import expect

from mtw_portal.access import ROLE_HOME
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_signs_up_on_a_phone_and_lands_on_their_home(page, portal):
    page.goto(portal)
    page.get_by_role("link", name="Sign up for training").click()
    page.get_by_label("Email").fill("maria.new@example.test")
    page.get_by_label("Password", exact=True).fill("a-long-passphrase-1")
    page.get_by_label("Password (again)").fill("a-long-passphrase-1")
    page.get_by_role("button", name="Sign Up").click()
    expect(page).to_have_url(re.compile(r"/participants/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")


@pytest.mark.parametrize("role", ["participant", "navigator", "provider", "employer", "staff"])
def test_each_role_logs_in_and_lands_on_its_home(page, portal, user_of_role, role):
    log_in(page, portal, user_of_role[role])
    expect(page).to_have_url(re.compile(re.escape(_path(ROLE_HOME[role])) + "$"))


def test_staff_reach_people_through_the_phone_menu(page, portal, grant_staff):
    log_in(page, portal, grant_staff)
    page.get_by_role("button", name="Open the menu").click()
    page.get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", name="People")).to_be_visible()


def test_the_language_switcher_turns_the_page_spanish(page, portal):
    page.goto(portal)
    page.get_by_label("Language").select_option("es")
    page.get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")


def _path(url_name):
    from django.urls import reverse

    return reverse(url_name)
