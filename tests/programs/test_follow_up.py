"""Recording what became of someone six months after completing training."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from programs.models import CompletionFollowUp
from programs.services import completion_follow_up_record
from tests import factories


@pytest.fixture
def program(brainstation):
    return factories.program(provider=brainstation)


@pytest.fixture
def cohort(program):
    return factories.cohort(program=program, start_date=date(2025, 1, 6), end_date=date(2025, 4, 30))


@pytest.fixture
def person(oic):
    return factories.participant_record(organization=oic)


@pytest.fixture
def completed(person, cohort):
    return factories.enrollment(
        participant=person, cohort=cohort, status="completed", end_date=date(2025, 4, 30)
    )


def test_recording_again_updates_the_one_row(completed, navigator, grant_staff):
    completion_follow_up_record(enrollment=completed, status="looking", by=navigator)
    completion_follow_up_record(enrollment=completed, status="no_contact", by=grant_staff, note=" moved ")
    follow_up = CompletionFollowUp.objects.get()
    assert (follow_up.status, follow_up.recorded_by, follow_up.note) == ("no_contact", grant_staff, "moved")


def test_only_completed_training_has_a_follow_up(person, cohort, navigator):
    active = factories.enrollment(participant=person, cohort=cohort, status="active")
    with pytest.raises(ValidationError, match="completed training"):
        completion_follow_up_record(enrollment=active, status="looking", by=navigator)
    assert not CompletionFollowUp.objects.exists()


def test_an_unknown_status_is_refused(completed, navigator):
    with pytest.raises(ValidationError):
        completion_follow_up_record(enrollment=completed, status="retired", by=navigator)


def test_navigator_of_the_organization_records_it_on_the_participant_page(
    client, navigator, person, completed
):
    client.force_login(navigator)
    url = reverse("participants:detail", args=[person.pk])
    assert b"Save the follow-up" in client.get(url).content
    response = client.post(
        url, {"enrollment": completed.pk, "status": "not_looking", "note": "caring for family"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#follow-up")
    follow_up = CompletionFollowUp.objects.get(enrollment=completed)
    assert (follow_up.status, follow_up.recorded_by) == ("not_looking", navigator)
    assert b"Not looking for work" in client.get(url).content


def test_grant_staff_may_record_it(client, grant_staff, person, completed):
    client.force_login(grant_staff)
    response = client.post(
        reverse("participants:detail", args=[person.pk]), {"enrollment": completed.pk, "status": "looking"}
    )
    assert response.status_code == 302
    assert CompletionFollowUp.objects.get().status == "looking"


def test_an_invalid_choice_shows_the_form_again(client, navigator, person, completed):
    client.force_login(navigator)
    response = client.post(reverse("participants:detail", args=[person.pk]), {"enrollment": completed.pk})
    assert response.status_code == 200
    assert response.context["follow_up_form"].errors["status"]
    assert not CompletionFollowUp.objects.exists()


def test_an_enrollment_of_someone_else_is_not_a_choice(client, navigator, person, completed, cohort, oic):
    someone_else = factories.enrollment(
        participant=factories.participant_record(organization=oic), cohort=cohort, status="completed"
    )
    client.force_login(navigator)
    response = client.post(
        reverse("participants:detail", args=[person.pk]), {"enrollment": someone_else.pk, "status": "looking"}
    )
    assert response.status_code == 200
    assert not CompletionFollowUp.objects.exists()


def test_provider_staff_see_the_person_but_cannot_record(client, provider_member, person, completed):
    client.force_login(provider_member)
    url = reverse("participants:detail", args=[person.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert b"Save the follow-up" not in page.content
    response = client.post(url, {"enrollment": completed.pk, "status": "looking"})
    assert response.status_code == 403
    assert not CompletionFollowUp.objects.exists()


def test_navigator_of_another_organization_gets_404(client, other_navigator, person, completed):
    client.force_login(other_navigator)
    response = client.post(
        reverse("participants:detail", args=[person.pk]), {"enrollment": completed.pk, "status": "looking"}
    )
    assert response.status_code == 404
    assert not CompletionFollowUp.objects.exists()
