import pytest
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
