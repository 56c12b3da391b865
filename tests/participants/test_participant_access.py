"""Who opens a participant's record, and which parts of it they see."""

import pytest
from django.urls import reverse

from participants import services
from programs.models import Enrollment
from tests import factories
from tests.participants.conftest import BARRIER_TEXT, RACE_LABEL

NOTE = "Confidential: going through a divorce."


def _detail(record) -> str:
    return reverse("participants:detail", args=[record.pk])


@pytest.mark.parametrize("who", ["navigator", "colleague", "grant_staff"])
def test_the_organizations_navigators_and_grant_staff_see_the_whole_record(client, request, assigned, who):
    services.case_note_add(participant=assigned, author=request.getfixturevalue("navigator"), body=NOTE)
    client.force_login(request.getfixturevalue(who))
    response = client.get(_detail(assigned))
    assert response.status_code == 200
    body = response.content.decode()
    for shown in (RACE_LABEL, BARRIER_TEXT, "childcare", NOTE, "OIC of South Florida", "Log support"):
        assert shown in body, shown


def test_a_navigator_of_another_organization_gets_404(client, other_navigator, assigned):
    client.force_login(other_navigator)
    assert client.get(_detail(assigned)).status_code == 404


def test_a_participant_gets_403_on_the_record_page_even_their_own(client, participant, record):
    client.force_login(participant)
    assert client.get(_detail(record)).status_code == 403


def test_an_employer_gets_403(client, employer_member, record):
    client.force_login(employer_member)
    assert client.get(_detail(record)).status_code == 403


def test_an_unknown_participant_is_404(client, navigator):
    client.force_login(navigator)
    assert client.get(reverse("participants:detail", args=[999999])).status_code == 404


# --- Provider staff ----------------------------------------------------------------------


@pytest.fixture
def full_record(assigned, navigator, log_support, brainstation_enrollment, fourgeeks):
    """Everything a record can hold: a note, support, a request, and an enrollment elsewhere too."""
    services.case_note_add(participant=assigned, author=navigator, body=NOTE)
    log_support(assigned, navigator, "17.50")
    services.support_request_create(participant=assigned, type="technology", details="My laptop died.")
    other_program = factories.program(provider=fourgeeks, name="Full Stack Night Course")
    factories.enrollment(participant=assigned, cohort=factories.cohort(program=other_program))
    return assigned


@pytest.mark.parametrize("who", ["provider_member", "read_only_provider_member"])
def test_provider_staff_see_only_contact_details_and_their_enrollments(client, request, full_record, who):
    # With consent to share (without it, see tests/participants/test_consent.py).
    full_record.consent_to_share = True
    full_record.save()
    client.force_login(request.getfixturevalue(who))
    response = client.get(_detail(full_record))
    assert response.status_code == 200
    body = response.content.decode()
    for shown in (
        full_record.user.display_name,
        full_record.user.email,
        "305-555-0142",
        "33127",
        "Data Analytics",
    ):
        assert shown in body, shown
    for hidden in (
        RACE_LABEL,
        BARRIER_TEXT,
        NOTE,
        "$17.50",
        "My laptop died.",
        "Full Stack Night Course",  # another provider's enrollment
        "1994",  # date of birth
        "Consent",
        "Log support",
        "Enroll in a cohort",
    ):
        assert hidden not in body, hidden
    assert not {"support_items", "support_totals", "support_requests", "case_notes"} & set(
        response.context.keys()
    )


def test_provider_staff_get_404_for_someone_not_enrolled_with_them(client, provider_member, record):
    client.force_login(provider_member)
    assert client.get(_detail(record)).status_code == 404


def test_another_providers_staff_get_404(client, other_provider_member, brainstation_enrollment, record):
    client.force_login(other_provider_member)
    assert client.get(_detail(record)).status_code == 404


@pytest.mark.parametrize(
    "url_name", ["participants:assign", "participants:case_note_add", "participants:support_item_new"]
)
def test_provider_staff_cannot_act_on_a_record_they_see(
    client, provider_member, brainstation_enrollment, url_name
):
    client.force_login(provider_member)
    assert client.post(reverse(url_name, args=[brainstation_enrollment.participant_id])).status_code == 403


# --- Enrolling -----------------------------------------------------------------------------


@pytest.fixture
def open_cohort(brainstation):
    return factories.cohort(program=factories.program(provider=brainstation, name="UX Design"), seats=2)


def test_navigator_enrolls_their_participant_in_an_open_cohort(client, navigator, assigned, open_cohort):
    client.force_login(navigator)
    page = client.get(reverse("participants:enroll", args=[assigned.pk]))
    assert "UX Design" in page.content.decode()
    response = client.post(reverse("participants:enroll", args=[assigned.pk]), {"cohort": open_cohort.pk})
    assert response.status_code == 302
    enrollment = Enrollment.objects.get(participant=assigned)
    assert (enrollment.cohort, enrollment.status) == (open_cohort, "enrolled")
    assert "UX Design" in client.get(_detail(assigned)).content.decode()


def test_a_full_cohort_shows_the_seat_error_on_the_form(client, navigator, assigned, open_cohort):
    for _ in range(2):
        factories.enrollment(participant=factories.participant_record(), cohort=open_cohort)
    client.force_login(navigator)
    response = client.post(reverse("participants:enroll", args=[assigned.pk]), {"cohort": open_cohort.pk})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["This cohort is full: all 2 seats are taken."]
    assert not Enrollment.objects.filter(participant=assigned).exists()


def test_an_ended_cohort_cannot_be_chosen(client, navigator, assigned, brainstation):
    from datetime import timedelta

    from django.utils import timezone

    past = timezone.localdate() - timedelta(days=200)
    ended = factories.cohort(
        program=factories.program(provider=brainstation, name="Old Course"),
        start_date=past,
        end_date=past + timedelta(days=30),
    )
    client.force_login(navigator)
    response = client.post(reverse("participants:enroll", args=[assigned.pk]), {"cohort": ended.pk})
    assert "cohort" in response.context["form"].errors


def test_a_navigator_of_another_organization_cannot_enroll(client, other_navigator, assigned, open_cohort):
    client.force_login(other_navigator)
    response = client.post(reverse("participants:enroll", args=[assigned.pk]), {"cohort": open_cohort.pk})
    assert response.status_code == 404
    assert not Enrollment.objects.exists()
