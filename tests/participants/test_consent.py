"""What a participant's consent to share allows, per role, given and withheld (README, "Accounts,
roles and access"). Rules live in ``mtw_portal.access``."""

import pytest
from django.urls import reverse

from mtw_portal import access
from participants.models import Participant
from tests import factories
from tests.participants.conftest import BARRIER_TEXT, RACE_LABEL

PHONE = "305-555-0142"
ZIP = "33127"


def _detail(record) -> str:
    return reverse("participants:detail", args=[record.pk])


def _consent(record, value: bool) -> None:
    Participant.objects.filter(pk=record.pk).update(consent_to_share=value)
    record.refresh_from_db()


@pytest.fixture
def linked(assigned, brainstation_enrollment):
    """A person in OIC's caseload, enrolled at BrainStation through a navigator (a confirmed link)."""
    return assigned


# --- Provider staff --------------------------------------------------------------------------


def test_a_provider_without_consent_sees_name_email_and_its_enrollments_only(client, provider_member, linked):
    _consent(linked, False)
    client.force_login(provider_member)
    response = client.get(_detail(linked))
    assert response.status_code == 200
    body = response.content.decode()
    for shown in (linked.user.display_name, linked.user.email, "Data Analytics"):
        assert shown in body, shown
    for hidden in (PHONE, ZIP, "OIC of South Florida", RACE_LABEL, BARRIER_TEXT, "1994"):
        assert hidden not in body, hidden


def test_a_provider_with_consent_also_sees_contact_and_the_navigator(
    client, provider_member, navigator, linked
):
    _consent(linked, True)
    client.force_login(provider_member)
    body = client.get(_detail(linked)).content.decode()
    for shown in (PHONE, ZIP, "OIC of South Florida", navigator.display_name):
        assert shown in body, shown
    for hidden in (RACE_LABEL, BARRIER_TEXT, "1994"):  # never, whatever the consent
        assert hidden not in body, hidden


@pytest.mark.parametrize("consent", [True, False])
def test_another_provider_never_sees_the_person(client, other_provider_member, linked, consent):
    _consent(linked, consent)
    client.force_login(other_provider_member)
    assert client.get(_detail(linked)).status_code == 404
    assert not access.participant_fields_visible_to(other_provider_member, linked)


@pytest.mark.parametrize("consent", [True, False])
def test_a_provider_with_only_an_unconfirmed_enrollment_gets_404(client, provider_member, linked, consent):
    _consent(linked, consent)
    linked.enrollments.update(partner_confirmed_at=None)
    client.force_login(provider_member)
    assert client.get(_detail(linked)).status_code == 404


def test_withdrawing_consent_hides_contact_details_on_the_next_request(
    client, participant, provider_member, linked
):
    from tests.participants.test_intake_and_home import INTAKE

    _consent(linked, True)
    client.force_login(provider_member)
    assert PHONE in client.get(_detail(linked)).content.decode()

    client.force_login(participant)
    client.post(reverse("participants:profile"), {**INTAKE, "phone": PHONE, "consent_to_share": ""})
    linked.refresh_from_db()
    assert linked.consent_to_share is False and linked.consent_at is not None

    client.force_login(provider_member)
    body = client.get(_detail(linked)).content.decode()
    assert PHONE not in body and linked.user.email in body


# --- Navigators and grant staff: always, whatever the consent ------------------------------


@pytest.mark.parametrize("consent", [True, False])
@pytest.mark.parametrize("who", ["navigator", "grant_staff"])
def test_the_own_organizations_navigators_and_grant_staff_always_see_everything(
    client, request, linked, who, consent
):
    _consent(linked, consent)
    client.force_login(request.getfixturevalue(who))
    body = client.get(_detail(linked)).content.decode()
    for shown in (PHONE, ZIP, RACE_LABEL, BARRIER_TEXT):
        assert shown in body, shown


@pytest.mark.parametrize("consent", [True, False])
def test_a_navigator_of_another_organization_never_sees_the_person(client, other_navigator, linked, consent):
    _consent(linked, consent)
    client.force_login(other_navigator)
    assert client.get(_detail(linked)).status_code == 404
    assert not access.participant_fields_visible_to(other_navigator, linked)


# --- Employers -------------------------------------------------------------------------------


@pytest.mark.parametrize("consent", [True, False])
def test_an_employer_never_sees_someone_who_did_not_apply(client, employer_member, linked, consent):
    _consent(linked, consent)
    assert not access.participants_visible_to(employer_member).filter(pk=linked.pk).exists()
    assert not access.participant_fields_visible_to(employer_member, linked)
    client.force_login(employer_member)
    assert client.get(_detail(linked)).status_code == 403


# --- The rules as data -----------------------------------------------------------------------


@pytest.mark.parametrize("consent", [True, False])
def test_the_fields_each_role_may_read(linked, participant, navigator, grant_staff, provider_member, consent):
    _consent(linked, consent)
    everything = {"phone", "zip_code", "demographics", "barriers", "date_of_birth"}
    assert everything <= access.participant_fields_visible_to(participant, linked)
    assert everything | {"case_notes"} <= access.participant_fields_visible_to(navigator, linked)
    assert everything | {"case_notes"} <= access.participant_fields_visible_to(grant_staff, linked)
    provider = access.participant_fields_visible_to(provider_member, linked)
    assert {"name", "email"} <= provider
    assert ("phone" in provider) is consent and ("zip_code" in provider) is consent
    assert not provider & {"demographics", "barriers", "date_of_birth", "case_notes", "support"}


def test_the_profile_explains_consent_in_plain_words(client, participant):
    factories.participant_record(participant)
    client.force_login(participant)
    body = client.get(reverse("participants:profile")).content.decode()
    assert "You can change your answer here at any time" in body
    assert "If you say no" in body and "If you say yes" in body
