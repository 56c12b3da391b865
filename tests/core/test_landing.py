import pytest
from django.urls import reverse

from mtw_portal.access import MFA_ROLES, ROLE_HOME
from tests.factories import PASSWORD, totp_code


@pytest.mark.parametrize("role", list(ROLE_HOME))
def test_log_in_lands_each_role_on_its_own_home_page(client, user_of_role, role):
    user = user_of_role[role]
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    if role in MFA_ROLES:
        assert response["Location"] == reverse("mfa_authenticate")
        response = client.post(response["Location"], {"code": totp_code(user)})
    assert response["Location"] == reverse(ROLE_HOME[role])
    home = client.get(response["Location"])
    assert home.status_code == 200


@pytest.mark.parametrize("role", list(ROLE_HOME))
def test_home_dispatch_redirects_to_the_role_home(client, user_of_role, role):
    client.force_login(user_of_role[role])
    response = client.get(reverse("core:dispatch"))
    assert response["Location"] == reverse(ROLE_HOME[role])


def test_navigator_home_names_their_organization(client, navigator):
    client.force_login(navigator)
    response = client.get(reverse("participants:caseload"))
    assert "OIC of South Florida" in response.content.decode()


def test_provider_home_shows_only_their_own_colleagues(client, provider_member, other_provider_member):
    client.force_login(provider_member)
    page = client.get(reverse("programs:provider_home")).content.decode()
    assert "BrainStation" in page
    assert other_provider_member.display_name not in page


def test_employer_home_shows_only_their_own_colleagues(client, employer_member, other_employer_member):
    client.force_login(employer_member)
    page = client.get(reverse("employers:home")).content.decode()
    assert employer_member.employer_member.employer.name in page
    assert other_employer_member.display_name not in page


def test_landing_page_sends_signed_in_people_home(client, participant):
    client.force_login(participant)
    assert client.get("/")["Location"] == reverse("participants:home")


def test_landing_page_welcomes_visitors_with_sign_up(client, db):
    page = client.get("/").content.decode()
    assert reverse("account_signup") in page
    assert '<html lang="en">' in page


def test_unknown_page_uses_our_404(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_server_error_page_renders_without_a_request_context(rf):
    from mtw_portal.core.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


@pytest.mark.parametrize(("code", "phrase"), [("es", 'lang="es"'), ("ht", 'lang="ht"')])
def test_language_switcher_changes_the_page_language(client, db, code, phrase):
    response = client.post(reverse("set_language"), {"language": code, "next": "/"})
    assert response.status_code == 302
    assert phrase in client.get("/").content.decode()


def test_participant_can_sign_up_and_is_asked_to_verify_their_email(client, db, mailoutbox):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new.person@example.test",
            "password1": "a-long-passphrase-1",
            "password2": "a-long-passphrase-1",
        },
    )
    assert response.status_code == 302
    from mtw_portal.accounts.models import Role, User

    user = User.objects.get(email="new.person@example.test")
    assert user.role == Role.PARTICIPANT
    assert len(mailoutbox) == 1
    assert "new.person@example.test" in mailoutbox[0].to


def test_sign_up_in_the_demo_mode_lands_on_the_participant_home(client, db, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "optional"
    response = client.post(
        reverse("account_signup"),
        {
            "email": "demo.person@example.test",
            "password1": "a-long-passphrase-1",
            "password2": "a-long-passphrase-1",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("participants:home")


def test_sign_up_cannot_choose_a_role(client, db, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "optional"
    client.post(
        reverse("account_signup"),
        {
            "email": "sneaky@example.test",
            "password1": "a-long-passphrase-1",
            "password2": "a-long-passphrase-1",
            "role": "staff",
        },
    )
    from mtw_portal.accounts.models import User

    assert User.objects.get(email="sneaky@example.test").role == "participant"


def test_staff_overview_shows_the_targets_and_the_coalition(client, grant_staff):
    from django.core.management import call_command

    call_command("rollup_outcomes", stdout=__import__("io").StringIO())
    client.force_login(grant_staff)
    page = client.get(reverse("core:staff_home")).content.decode()
    assert "0 / 1000" in page and "0 / 500" in page
    assert "working-group members" in page


def test_staff_change_the_targets_and_the_roll_up_uses_them(client, grant_staff):
    import io
    import json

    from django.core.management import call_command

    client.force_login(grant_staff)
    response = client.post(
        reverse("outcomes:targets"),
        {"target_trained": 1200, "target_placed_good_jobs": 600, "grant_end_date": "2027-09-30"},
    )
    assert response["Location"] == reverse("core:staff_home")
    out = io.StringIO()
    call_command("rollup_outcomes", stdout=out)
    data = json.loads(out.getvalue())
    assert data["targets"] == {"trained": 1200, "placed_good_jobs": 600}
    assert data["grant_end_date"] == "2027-09-30"


def test_a_placement_target_above_the_training_target_is_refused(client, grant_staff):
    client.force_login(grant_staff)
    response = client.post(
        reverse("outcomes:targets"), {"target_trained": 100, "target_placed_good_jobs": 500}
    )
    assert "target_placed_good_jobs" in response.context["form"].errors
