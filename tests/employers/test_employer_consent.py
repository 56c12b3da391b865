"""An employer sees only what a participant sent with an application; with consent, also their
training at coalition providers; never contact details, demographics or barriers."""

import pytest
from django.urls import reverse

from mtw_portal import access
from participants.models import Participant
from tests import factories

PHONE = "305-555-0199"
ZIP = "33199"


@pytest.fixture
def detailed(application):
    Participant.objects.filter(pk=application.participant_id).update(
        phone=PHONE, zip_code=ZIP, race="black", barrier_other="Eviction notice"
    )
    return application


@pytest.mark.parametrize("consent", [True, False])
def test_the_applicants_page_shows_the_application_and_nothing_else(
    client, employer_member, detailed, consent
):
    Participant.objects.filter(pk=detailed.participant_id).update(consent_to_share=consent)
    client.force_login(employer_member)
    body = client.get(reverse("employers:applicants", args=[detailed.opportunity_id])).content.decode()
    assert detailed.participant.user.email in body
    for hidden in (PHONE, ZIP, "Black or African American", "Eviction notice"):
        assert hidden not in body, hidden


@pytest.mark.parametrize("consent", [True, False])
def test_an_employer_reads_training_elsewhere_only_with_consent(employer_member, detailed, consent):
    Participant.objects.filter(pk=detailed.participant_id).update(consent_to_share=consent)
    person = Participant.objects.get(pk=detailed.participant_id)
    fields = access.participant_fields_visible_to(employer_member, person)
    assert {"name", "email"} <= fields
    assert not fields & {"phone", "zip_code", "demographics", "barriers", "date_of_birth", "case_notes"}
    assert ("training_elsewhere" in fields) is consent


@pytest.mark.parametrize("consent", [True, False])
def test_another_employer_sees_nothing_of_the_applicant(other_employer_member, detailed, consent):
    Participant.objects.filter(pk=detailed.participant_id).update(consent_to_share=consent)
    person = Participant.objects.get(pk=detailed.participant_id)
    assert not access.participants_visible_to(other_employer_member).filter(pk=person.pk).exists()
    assert access.participant_fields_visible_to(other_employer_member, person) == frozenset()


def test_an_employer_never_sees_someone_who_did_not_apply(employer_member, other_participant):
    person = factories.participant_record(other_participant)
    Participant.objects.filter(pk=person.pk).update(consent_to_share=True)
    assert access.participant_fields_visible_to(employer_member, person) == frozenset()
