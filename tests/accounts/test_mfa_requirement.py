import time

import pytest
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.urls import reverse

from mtw_portal.access import ROLE_HOME
from mtw_portal.accounts.models import Role
from tests import factories


@pytest.fixture
def navigator_without_totp(oic):
    user = factories.UserFactory()
    from mtw_portal.accounts.services import user_role_grant

    return user_role_grant(user=user, role=Role.NAVIGATOR, organization=oic, granted_by=None)


def test_staff_roles_without_an_authenticator_are_sent_to_set_one_up(
    client, settings, navigator_without_totp
):
    settings.MTW_REQUIRE_MFA = True
    client.force_login(navigator_without_totp)
    response = client.get(reverse("participants:caseload"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_logging_in_without_an_authenticator_ends_on_its_set_up_page(
    client, settings, navigator_without_totp
):
    settings.MTW_REQUIRE_MFA = True
    response = client.post(
        reverse("account_login"),
        {"login": navigator_without_totp.email, "password": factories.PASSWORD},
        follow=True,
    )
    # allauth asks for the password once more before an authenticator is added.
    assert response.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
    response = client.post(response.redirect_chain[-1][0], {"password": factories.PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("mfa_activate_totp")
    assert response.status_code == 200


def test_with_the_requirement_off_no_authenticator_is_needed(client, settings, navigator_without_totp):
    settings.MTW_REQUIRE_MFA = False
    client.force_login(navigator_without_totp)
    assert client.get(reverse("participants:caseload")).status_code == 200


def test_participants_never_need_an_authenticator(client, settings, participant):
    settings.MTW_REQUIRE_MFA = True
    client.force_login(participant)
    assert client.get(reverse(ROLE_HOME[Role.PARTICIPANT])).status_code == 200


def test_navigator_with_an_authenticator_gets_in(client, settings, navigator):
    settings.MTW_REQUIRE_MFA = True
    client.force_login(navigator)
    assert client.get(reverse("participants:caseload")).status_code == 200


# --- A session counts only if it passed the second factor itself ----------------------------


@pytest.mark.session_without_mfa
def test_a_session_that_never_entered_a_code_is_sent_to_the_second_factor(client, settings, navigator):
    # force_login is any way in but allauth's log-in: the navigator has an authenticator,
    # but this session never asked for a code from it.
    settings.MTW_REQUIRE_MFA = True
    client.force_login(navigator)
    response = client.get(reverse("participants:caseload"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('mfa_reauthenticate')}?next=%2Fparticipants%2Fcaseload%2F"


@pytest.mark.session_without_mfa
def test_after_entering_a_code_the_session_reaches_the_page(client, settings, navigator):
    settings.MTW_REQUIRE_MFA = True
    client.force_login(navigator)
    asked = client.get(reverse("participants:caseload"))["Location"]
    response = client.post(asked, {"code": factories.totp_code(navigator)})
    assert response.status_code == 302
    assert response["Location"] == reverse("participants:caseload")
    assert client.get(reverse("participants:caseload")).status_code == 200


@pytest.mark.session_without_mfa
def test_a_wrong_code_does_not_open_the_session(client, settings, navigator):
    settings.MTW_REQUIRE_MFA = True
    client.force_login(navigator)
    asked = client.get(reverse("participants:caseload"))["Location"]
    client.post(asked, {"code": "000000" if factories.totp_code(navigator) != "000000" else "111111"})
    assert client.get(reverse("participants:caseload")).status_code == 302


def test_logging_in_with_password_and_code_reaches_the_page(client, settings, navigator):
    settings.MTW_REQUIRE_MFA = True
    response = client.post(
        reverse("account_login"), {"login": navigator.email, "password": factories.PASSWORD}
    )
    assert response["Location"] == reverse("mfa_authenticate")
    client.post(reverse("mfa_authenticate"), {"code": factories.totp_code(navigator)})
    assert client.get(reverse("participants:caseload")).status_code == 200


@pytest.mark.django_db(transaction=True)  # allauth signals the new authenticator on commit
def test_setting_up_an_authenticator_counts_as_entering_a_code(client, settings, navigator_without_totp):

    settings.MTW_REQUIRE_MFA = True
    client.post(
        reverse("account_login"), {"login": navigator_without_totp.email, "password": factories.PASSWORD}
    )
    client.post(reverse("account_reauthenticate"), {"password": factories.PASSWORD})
    client.get(reverse("mfa_activate_totp"))
    secret = client.session[SECRET_SESSION_KEY]
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    response = client.post(reverse("mfa_activate_totp"), {"code": code})
    assert response.status_code == 302
    assert client.get(reverse("participants:caseload")).status_code == 200


@pytest.mark.session_without_mfa
def test_admin_users_also_need_the_second_factor(client, settings, participant):
    settings.MTW_REQUIRE_MFA = True
    participant.is_staff = True
    participant.save()
    client.force_login(participant)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
