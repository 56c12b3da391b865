"""Real Chromium through Playwright, against pytest-django's live server."""

import os
import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, totp_code
from tests.services import CHROMIUM, require_chromium

# Playwright's sync API keeps an event loop running in the test thread; the ORM calls
# the tests make for set-up would otherwise raise SynchronousOnlyOperation.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PHONE = {"width": 375, "height": 812}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    require_chromium()
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """Most participants use phones: every browser test runs at 375 px wide."""
    return {**browser_context_args, "viewport": PHONE, "locale": "en-US"}


@pytest.fixture
def portal(live_server, settings):
    """The live portal as the demo runs it: no email verification or MFA step in the way."""
    settings.ACCOUNT_EMAIL_VERIFICATION = "optional"
    settings.MTW_REQUIRE_MFA = False
    return live_server.url


def log_in(page, portal, user):
    """Log in through the form, answering the authenticator step where the role has one."""
    page.goto(f"{portal}/accounts/login/")
    # Fields by name, not label text: this works in every language.
    page.locator("main input[name=login]").fill(user.email)
    page.locator("main input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    if hasattr(user, "totp_secret"):  # roles other than participant have an authenticator app
        expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
        page.locator("main input[name=code]").fill(totp_code(user))
        page.locator("main form button[type=submit]").first.click()
