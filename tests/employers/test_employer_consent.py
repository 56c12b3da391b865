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


# --- Training and credentials on the applicants page ----------------------------------------


@pytest.fixture
def trained(detailed, brainstation):
    """The applicant completed a BrainStation program (with a credential) and is in another."""
    from datetime import timedelta

    from django.utils import timezone

    from programs.models import Credential

    person = Participant.objects.get(pk=detailed.participant_id)
    done = factories.enrollment(
        participant=person,
        cohort=factories.cohort(program=factories.program(provider=brainstation, name="Data Analytics")),
        status="completed",
    )
    factories.enrollment(
        participant=person,
        cohort=factories.cohort(program=factories.program(provider=brainstation, name="UX Design")),
        status="active",
    )
    factories.enrollment(  # the provider's import the person never confirmed: never shown
        participant=person,
        cohort=factories.cohort(program=factories.program(provider=brainstation, name="Unconfirmed Course")),
        status="active",
        origin="import",
        partner_confirmed_at=None,
    )
    Credential.objects.create(
        participant=person,
        enrollment=done,
        type="bootcamp_certificate",
        name="Google Data Analytics Certificate",
        issuer="BrainStation",
        awarded_on=timezone.localdate() - timedelta(days=3),
    )
    return detailed


@pytest.mark.parametrize("consent", [True, False])
def test_the_applicants_page_shows_training_and_credentials_only_with_consent(
    client, employer_member, trained, consent
):
    Participant.objects.filter(pk=trained.participant_id).update(consent_to_share=consent)
    client.force_login(employer_member)
    body = client.get(reverse("employers:applicants", args=[trained.opportunity_id])).content.decode()
    for shown in ("Data Analytics", "UX Design", "Google Data Analytics Certificate", "in progress"):
        assert (shown in body) is consent, shown
    assert "Unconfirmed Course" not in body


def test_the_training_rule_for_a_list_follows_consent_and_the_application(
    employer_member, other_employer_member, trained
):
    person = Participant.objects.get(pk=trained.participant_id)
    for consent in (True, False):
        Participant.objects.filter(pk=person.pk).update(consent_to_share=consent)
        mine = access.participants_training_visible_to(employer_member)
        assert mine.filter(pk=person.pk).exists() is consent
        assert (
            not access.participants_training_visible_to(other_employer_member).filter(pk=person.pk).exists()
        )


def test_the_applicants_page_queries_do_not_grow_with_trained_applicants(
    client, employer_member, opportunity, oic, brainstation
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from employers.models import Application

    def applicant_with_training(i: int) -> None:
        person = factories.participant_record(organization=oic)
        Participant.objects.filter(pk=person.pk).update(consent_to_share=True)
        program = factories.program(provider=brainstation, name=f"Program {i}")
        factories.enrollment(participant=person, cohort=factories.cohort(program=program), status="completed")
        Application.objects.create(opportunity=opportunity, participant=person)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("employers:applicants", args=[opportunity.pk]))
        return len(queries)

    applicant_with_training(0)
    client.force_login(employer_member)
    one = count()
    for i in range(1, 6):
        applicant_with_training(i)
    assert count() == one
