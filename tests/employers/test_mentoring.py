"""Mentoring: employer members offer, navigators match within the mentor's capacity."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from employers import selectors, services
from employers.models import EmployerMember, MentorMatch, MentorOffer
from tests import factories


@pytest.fixture
def member(employer_member):
    return EmployerMember.objects.select_related("user", "employer").get(user=employer_member)


@pytest.fixture
def offer(member):
    return services.mentor_offer_save(member=member, topics="Interview practice", capacity=1)


@pytest.fixture
def mentee(oic):
    return factories.participant_record(organization=oic)


def test_an_employer_member_offers_to_mentor(client, employer_member):
    client.force_login(employer_member)
    response = client.post(
        reverse("employers:mentoring"), {"topics": "Cloud careers", "capacity": "3", "is_active": "on"}
    )
    assert response.status_code == 302
    offer = MentorOffer.objects.get()
    assert offer.member.user == employer_member and offer.capacity == 3 and offer.is_active


def test_a_navigator_matches_their_participant(client, navigator, offer, mentee):
    client.force_login(navigator)
    page = client.get(reverse("employers:mentor_match"))
    assert list(page.context["offers"]) == [offer]
    response = client.post(reverse("employers:mentor_match"), {"offer": offer.pk, "participant": mentee.pk})
    assert response.status_code == 302
    match = MentorMatch.objects.get()
    assert (match.offer, match.participant, match.matched_by) == (offer, mentee, navigator)


def test_the_capacity_is_respected(navigator, member, oic):
    offer = services.mentor_offer_save(member=member, topics="Resumes", capacity=2)
    first, second, third = (factories.participant_record(organization=oic) for _ in range(3))
    services.mentor_match(offer=offer, participant=first, by=navigator)
    services.mentor_match(offer=offer, participant=second, by=navigator)
    with pytest.raises(ValidationError, match="no room"):
        services.mentor_match(offer=offer, participant=third, by=navigator)
    assert list(selectors.mentor_offers_available()) == []


def test_ending_a_match_makes_room(client, navigator, offer, mentee, oic):
    match = services.mentor_match(offer=offer, participant=mentee, by=navigator)
    client.force_login(navigator)
    client.post(reverse("employers:mentor_match_end", args=[match.pk]), {"confirm": "yes"})
    match.refresh_from_db()
    assert match.ended_at is not None
    services.mentor_match(
        offer=offer, participant=factories.participant_record(organization=oic), by=navigator
    )


def test_one_active_match_per_mentor_and_participant(navigator, member, mentee):
    offer = services.mentor_offer_save(member=member, topics="Resumes", capacity=5)
    services.mentor_match(offer=offer, participant=mentee, by=navigator)
    with pytest.raises(ValidationError, match="already matched"):
        services.mentor_match(offer=offer, participant=mentee, by=navigator)


def test_a_paused_offer_takes_no_mentees(client, employer_member, navigator, offer, mentee):
    client.force_login(employer_member)
    client.post(reverse("employers:mentor_offer_pause", args=[offer.pk]))
    offer.refresh_from_db()
    assert not offer.is_active
    with pytest.raises(ValidationError, match="not taking mentees"):
        services.mentor_match(offer=offer, participant=mentee, by=navigator)


def test_another_organizations_navigator_cannot_match_someone_they_cannot_see(
    client, other_navigator, offer, mentee
):
    with pytest.raises(PermissionDenied):
        services.mentor_match(offer=offer, participant=mentee, by=other_navigator)
    client.force_login(other_navigator)
    response = client.post(reverse("employers:mentor_match"), {"offer": offer.pk, "participant": mentee.pk})
    assert response.status_code == 200
    assert "participant" in response.context["form"].errors
    assert not MentorMatch.objects.exists()


def test_another_organizations_navigator_cannot_end_a_match(
    client, navigator, other_navigator, offer, mentee
):
    match = services.mentor_match(offer=offer, participant=mentee, by=navigator)
    client.force_login(other_navigator)
    assert client.post(reverse("employers:mentor_match_end", args=[match.pk])).status_code == 404
    assert client.get(reverse("employers:mentor_match")).context["matches"].count() == 0


def test_capacity_cannot_drop_below_the_current_matches(navigator, member, offer, mentee, oic):
    services.mentor_offer_save(member=member, offer=offer, topics=offer.topics, capacity=2)
    services.mentor_match(offer=offer, participant=mentee, by=navigator)
    services.mentor_match(
        offer=offer, participant=factories.participant_record(organization=oic), by=navigator
    )
    with pytest.raises(ValidationError, match="You mentor 2 people now") as exc_info:
        services.mentor_offer_save(member=member, offer=offer, topics=offer.topics, capacity=1)
    assert "capacity" in exc_info.value.message_dict


def test_the_mentor_sees_their_mentees(client, employer_member, navigator, offer, mentee):
    services.mentor_match(offer=offer, participant=mentee, by=navigator)
    client.force_login(employer_member)
    page = client.get(reverse("employers:mentoring")).content.decode()
    assert mentee.user.display_name in page and navigator.email in page


def test_a_member_cannot_edit_someone_elses_offer(client, other_employer_member, offer):
    client.force_login(other_employer_member)
    assert client.get(reverse("employers:mentor_offer_edit", args=[offer.pk])).status_code == 404
    assert client.post(reverse("employers:mentor_offer_pause", args=[offer.pk])).status_code == 404


def test_a_member_edits_their_offer(client, employer_member, offer):
    client.force_login(employer_member)
    url = reverse("employers:mentor_offer_edit", args=[offer.pk])
    assert client.get(url).context["form"].instance == offer
    response = client.post(url, {"topics": "Salary negotiation", "capacity": "4"})
    assert response.status_code == 302
    offer.refresh_from_db()
    assert (offer.topics, offer.capacity, offer.is_active) == ("Salary negotiation", 4, False)


def test_ending_a_match_without_confirmation_changes_nothing(client, navigator, offer, mentee):
    match = services.mentor_match(offer=offer, participant=mentee, by=navigator)
    client.force_login(navigator)
    assert client.post(reverse("employers:mentor_match_end", args=[match.pk])).status_code == 302
    match.refresh_from_db()
    assert match.ended_at is None
