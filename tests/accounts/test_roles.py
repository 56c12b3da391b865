import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mtw_portal import access
from mtw_portal.accounts.models import Role, RoleChange
from mtw_portal.accounts.services import user_role_grant
from mtw_portal.accounts.signals import role_granted
from participants.models import Navigator, Participant
from programs.models import ProviderStaff


def test_granting_a_role_records_who_did_it(participant, grant_staff, oic):
    user_role_grant(user=participant, role=Role.NAVIGATOR, organization=oic, granted_by=grant_staff)
    change = RoleChange.objects.get(user=participant)
    assert (change.old_role, change.new_role, change.changed_by) == ("participant", "navigator", grant_staff)
    assert change.organization == "OIC of South Florida"


def test_a_navigator_needs_a_community_organization(participant, grant_staff, brainstation):
    with pytest.raises(ValidationError) as error:
        user_role_grant(
            user=participant, role=Role.NAVIGATOR, organization=brainstation, granted_by=grant_staff
        )
    assert "organization" in error.value.message_dict


def test_grant_staff_belong_to_no_organization(participant, grant_staff, oic):
    with pytest.raises(ValidationError):
        user_role_grant(user=participant, role=Role.STAFF, organization=oic, granted_by=grant_staff)


def test_nobody_changes_their_own_role(grant_staff):
    with pytest.raises(ValidationError):
        user_role_grant(user=grant_staff, role=Role.PARTICIPANT, granted_by=grant_staff)


def test_a_new_role_removes_the_old_membership(navigator, grant_staff, brainstation):
    user_role_grant(user=navigator, role=Role.PROVIDER, organization=brainstation, granted_by=grant_staff)
    assert not Navigator.objects.filter(user=navigator).exists()
    assert ProviderStaff.objects.get(user=navigator).provider == brainstation


def test_a_refused_grant_changes_nothing(navigator, grant_staff, brainstation):
    with pytest.raises(ValidationError):
        user_role_grant(user=navigator, role=Role.EMPLOYER, organization=brainstation, granted_by=grant_staff)
    navigator.refresh_from_db()
    assert navigator.role == Role.NAVIGATOR
    assert Navigator.objects.filter(user=navigator).exists()


def test_staff_change_a_role_through_the_people_page(client, grant_staff, participant, united_way):
    client.force_login(grant_staff)
    response = client.post(
        reverse("accounts:person_detail", args=[participant.pk]),
        {"role": "navigator", "community_organization": united_way.pk},
    )
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.role == Role.NAVIGATOR


def test_role_form_names_the_missing_organization(client, grant_staff, participant):
    client.force_login(grant_staff)
    response = client.post(reverse("accounts:person_detail", args=[participant.pk]), {"role": "provider"})
    assert response.status_code == 200
    assert response.context["form"].errors["provider"] == ["Choose the organization this person works for."]


def test_role_form_refuses_an_unknown_role_without_a_500(client, grant_staff, participant):
    client.force_login(grant_staff)
    response = client.post(reverse("accounts:person_detail", args=[participant.pk]), {"role": "emperor"})
    assert response.status_code == 200
    assert "role" in response.context["form"].errors


def test_people_list_paginates_and_searches(client, grant_staff):
    from tests.factories import UserFactory

    UserFactory.create_batch(30)
    UserFactory(email="findme@example.test")
    client.force_login(grant_staff)
    page = client.get(reverse("accounts:people_list"))
    assert len(page.context["page"].object_list) == 25
    found = client.get(reverse("accounts:people_list"), {"q": "findme"})
    assert [u.email for u in found.context["page"].object_list] == ["findme@example.test"]


def test_people_list_queries_stay_constant_as_people_grow(client, grant_staff, django_assert_max_num_queries):
    from tests import factories

    client.force_login(grant_staff)
    for _ in range(3):
        factories.navigator_user(organization=factories.community_organization("oic"))
        factories.employer_user(employer=factories.EmployerFactory())
    with django_assert_max_num_queries(8):
        client.get(reverse("accounts:people_list"))


def test_a_changed_membership_is_seen_at_once_on_the_same_user_object(navigator, grant_staff, united_way):
    """access keeps a membership on the user object for the request; a role grant drops it."""
    from mtw_portal import access

    assert access.navigator_for(navigator).organization.code == "oic"
    user_role_grant(user=navigator, role=Role.NAVIGATOR, organization=united_way, granted_by=grant_staff)
    assert access.navigator_for(navigator).organization == united_way


def test_an_account_added_in_the_admin_site_gets_its_participant_record(client, grant_staff):
    from participants.models import Participant

    grant_staff.is_staff = grant_staff.is_superuser = True
    grant_staff.save()
    client.force_login(grant_staff)
    passphrase = "a-long-passphrase-1"
    response = client.post(
        reverse("admin:accounts_user_add"),
        {"email": "added@example.test", "password1": passphrase, "password2": passphrase},
    )
    assert response.status_code == 302
    assert Participant.objects.filter(user__email="added@example.test", intake_completed_at=None).exists()


def test_a_role_refused_by_one_app_changes_nothing_in_any_app(
    navigator, participant, grant_staff, brainstation
):
    """Roles reach the domain apps by a signal (accounts.signals.role_granted); a receiver that
    refuses rolls back what the others already did: memberships, caseloads, role, its record."""
    record = Participant.objects.get(user=participant)
    record.navigator = Navigator.objects.get(user=navigator)
    record.save()

    def refuse(sender, **_signal):
        raise ValidationError("refused")

    role_granted.connect(refuse, dispatch_uid="tests.refuse")  # after the apps' receivers
    try:
        with pytest.raises(ValidationError):
            user_role_grant(
                user=navigator, role=Role.PROVIDER, organization=brainstation, granted_by=grant_staff
            )
    finally:
        role_granted.disconnect(dispatch_uid="tests.refuse")
    navigator.refresh_from_db()
    assert navigator.role == Role.NAVIGATOR
    assert access.navigator_for(navigator).organization.code == "oic"
    assert Participant.objects.get(pk=record.pk).navigator.user == navigator
    assert not ProviderStaff.objects.filter(user=navigator).exists()
    assert not RoleChange.objects.filter(user=navigator).exclude(new_role=Role.NAVIGATOR).exists()


def test_reloading_a_user_reloads_their_memberships(navigator, united_way):
    """access keeps a user's memberships on the user object; a membership changed through another
    object for the same person is seen once the first object is reloaded."""
    assert access.navigator_for(navigator).organization.code == "oic"
    Navigator.objects.filter(user=navigator).update(organization=united_way)
    navigator.refresh_from_db()
    assert access.navigator_for(navigator).organization == united_way
