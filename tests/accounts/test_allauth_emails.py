"""allauth's emails (address confirmation, password reset, a taken or unknown address) are ours:
our wording, in our catalog, so they read in Spanish and Haitian Creole (allauth has no Creole)."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from mtw_portal.accounts.models import User

PASSWORD = "a-long-passphrase-1"
# allauth's own English, which has no Creole translation anywhere.
ALLAUTH_RESET = "You're receiving this email because you or someone else has requested a password reset"
ALLAUTH_HELLO = "Hello from"


@pytest.fixture
def member(db, settings):
    settings.MTW_REQUIRE_MFA = False
    user = User.objects.create_user(email="member@example.test", password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def _in(language, *msgids):
    with translation.override(language):
        return [gettext(msgid) for msgid in msgids]


def _reset_email(client, user, mailoutbox):
    client.post(reverse("account_reset_password"), {"email": user.email})
    assert len(mailoutbox) == 1
    return mailoutbox[-1]


def test_a_password_reset_uses_our_wording(client, member, mailoutbox):
    member.language = "en"
    member.save()
    body = _reset_email(client, member, mailoutbox).body
    assert body.startswith("Hello,\n")
    assert "Someone, probably you, asked to reset the password of your MTW Portal account." in body
    assert "To choose a new password, open this link:" in body
    assert "/accounts/password/reset/key/" in body
    assert "The Miami Tech Works team" in body
    assert ALLAUTH_RESET not in body and ALLAUTH_HELLO not in body


def test_a_password_reset_for_a_creole_reader_goes_through_our_catalog_in_creole(client, member, mailoutbox):
    member.language = "ht"
    member.save()
    with translation.override("en"):
        email = _reset_email(client, member, mailoutbox)
    for text in _in(
        "ht",
        "Hello,",
        "Someone, probably you, asked to reset the password of your MTW Portal account.",
        "To choose a new password, open this link:",
        "If you did not ask for this, you can ignore this email: your password stays the same.",
        "The Miami Tech Works team",
    ):
        assert text in email.body
    assert _in("ht", "Password Reset Email")[0] in email.subject
    assert ALLAUTH_RESET not in email.body  # allauth's English, untranslatable in Creole


def test_a_signup_confirmation_uses_our_wording_and_the_link(client, db, mailoutbox, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    client.post(
        reverse("account_signup"),
        {"email": "new@example.test", "password1": PASSWORD, "password2": PASSWORD},
    )
    body = mailoutbox[-1].body
    assert "Someone, probably you, gave this email address for an account on the MTW Portal" in body
    assert "To confirm that it is yours, open this link:" in body
    assert "/accounts/confirm-email/" in body


def test_a_reset_for_an_unknown_address_uses_our_wording(client, db, mailoutbox):
    client.post(reverse("account_reset_password"), {"email": "nobody@example.test"})
    body = mailoutbox[-1].body
    assert "tried to reach an MTW Portal account with nobody@example.test" in body
    assert "/accounts/signup/" in body
