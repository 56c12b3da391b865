"""Who reaches which hiring page: another employer gets 404 on everything of this employer's,
roles without the page get 403, owners manage the employer and recruiters do not."""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from employers import services
from employers.models import Employer, EmployerMember
from mtw_portal.accounts.models import Role, User


@pytest.fixture
def offered(application, employer_member):
    return services.application_move(application=application, by=employer_member, to_state="offered")


def _pages(application):
    pk, opportunity_pk = application.pk, application.opportunity_id
    return {
        "get": [
            reverse("employers:opportunity_edit", args=[opportunity_pk]),
            reverse("employers:applicants", args=[opportunity_pk]),
            reverse("placements:application_hire", args=[pk]),
            reverse("employers:resume", args=[pk]),
        ],
        "post": [
            reverse("employers:opportunity_edit", args=[opportunity_pk]),
            reverse("employers:opportunity_state", args=[opportunity_pk]),
            reverse("employers:application_move", args=[pk, "interview"]),
            reverse("employers:application_move", args=[pk, "offer"]),
            reverse("employers:application_move", args=[pk, "decline"]),
            reverse("placements:application_hire", args=[pk]),
        ],
    }


def test_another_employer_gets_404_on_everything_of_this_employers(client, other_employer_member, offered):
    client.force_login(other_employer_member)
    pages = _pages(offered)
    for url in pages["get"]:
        assert client.get(url).status_code == 404, url
    for url in pages["post"]:
        assert client.post(url, {"action": "close", "title": "Mine now"}).status_code == 404, url
    offered.refresh_from_db()
    assert offered.state == "offered"
    assert offered.opportunity.state == "open" and offered.opportunity.title == "Junior Developer"


def test_another_employer_sees_none_of_the_applicants(client, other_employer_member, application):
    client.force_login(other_employer_member)
    page = client.get(reverse("employers:home")).content.decode()
    assert application.participant.user.email not in page
    assert application.opportunity.title not in page


def test_the_employer_reaches_their_own_pages(client, employer_member, offered):
    client.force_login(employer_member)
    for url in _pages(offered)["get"]:
        assert client.get(url).status_code == 200, url


def test_the_employer_home_counts_applicants_per_state(client, employer_member, application):
    client.force_login(employer_member)
    response = client.get(reverse("employers:home"))
    [row] = response.context["opportunities"]
    assert (row.count_applied, row.count_hired, row.count_all) == (1, 0, 1)
    assert list(response.context["pending"]) == [application]
    assert response.context["state_counts"]["open"] == 1


def test_grant_staff_reach_any_employers_pipeline(client, grant_staff, offered):
    client.force_login(grant_staff)
    assert client.get(reverse("employers:applicants", args=[offered.opportunity_id])).status_code == 200
    client.post(reverse("employers:application_move", args=[offered.pk, "decline"]), {"reason": "Filled."})
    offered.refresh_from_db()
    assert offered.state == "declined" and offered.decided_by == grant_staff


@pytest.mark.parametrize("role", ["navigator", "participant", "provider"])
def test_other_roles_cannot_act_on_applications(client, user_of_role, application, role):
    client.force_login(user_of_role[role])
    for url in (
        reverse("employers:application_move", args=[application.pk, "interview"]),
        reverse("placements:application_hire", args=[application.pk]),
        reverse("employers:applicants", args=[application.opportunity_id]),
    ):
        assert client.post(url).status_code == 403, url
    application.refresh_from_db()
    assert application.state == "applied"


def test_an_employer_cannot_open_a_participants_record(client, employer_member, application):
    client.force_login(employer_member)
    response = client.get(reverse("participants:detail", args=[application.participant_id]))
    assert response.status_code == 403


def test_a_participant_cannot_reach_the_employer_pages(client, participant, application):
    client.force_login(participant)
    assert client.get(reverse("employers:home")).status_code == 403
    assert client.get(reverse("employers:caseload_applications")).status_code == 403


def test_an_employer_cannot_see_navigators_pages(client, employer_member):
    client.force_login(employer_member)
    assert client.get(reverse("employers:caseload_applications")).status_code == 403
    assert client.get(reverse("employers:mentor_match")).status_code == 403


# --- The employer's details and colleagues ---------------------------------------------------

INVITE = {"first_name": "Ana", "last_name": "Gómez", "email": "Ana@UKG.example", "role": "recruiter"}


def test_an_owner_invites_a_colleague(
    client, employer_owner, employer, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(employer_owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("employers:colleague_invite"), {**INVITE, "role": "owner"})
    assert response.status_code == 302
    colleague = User.objects.get(email="ana@ukg.example")
    assert colleague.role == Role.EMPLOYER and not colleague.has_usable_password()
    member = EmployerMember.objects.get(user=colleague)
    assert member.employer == employer and member.role == "owner"
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["ana@ukg.example"]
    assert "/invite/" in mailoutbox[0].body


def test_a_recruiter_cannot_invite(client, employer_member, mailoutbox, django_capture_on_commit_callbacks):
    client.force_login(employer_member)
    page = client.get(reverse("employers:colleague_invite"))
    assert page.status_code == 200 and page.context["can_manage"] is False
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("employers:colleague_invite"), INVITE)
    assert response.status_code == 403
    assert not User.objects.filter(email="ana@ukg.example").exists()
    assert mailoutbox == []


def _invite_page(client, email, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("employers:colleague_invite"), {**INVITE, "email": email}, follow=True)
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
    return response.status_code, response.redirect_chain, body.replace(email, "EMAIL")


def test_inviting_an_existing_address_reads_exactly_as_a_new_one(
    client, employer_owner, participant, mailoutbox, django_capture_on_commit_callbacks
):
    """The owner cannot tell whether an address has an account: same redirect, same page, and the
    colleagues list shows neither (an unclaimed invitation is not listed)."""
    client.force_login(employer_owner)
    known = _invite_page(client, participant.email, django_capture_on_commit_callbacks)
    unknown = _invite_page(client, "nobody-yet@ukg.example", django_capture_on_commit_callbacks)
    assert known == unknown
    assert known[1] == [(reverse("employers:home"), 302)]
    # The existing account is untouched and its holder is told by email; the new address is invited.
    participant.refresh_from_db()
    assert participant.role == Role.PARTICIPANT
    assert not EmployerMember.objects.filter(user=participant).exists()
    told = sorted(m.to[0] for m in mailoutbox)
    assert told == sorted([participant.email.lower(), "nobody-yet@ukg.example"])


def test_an_owner_updates_the_employers_details(client, employer_owner, employer):
    client.force_login(employer_owner)
    response = client.post(
        reverse("employers:profile"),
        {"name": "  UKG   Miami ", "industry": "HR software", "size": "1000+", "website": "ukg.example"},
    )
    assert response.status_code == 302
    employer.refresh_from_db()
    assert (employer.name, employer.size, employer.website) == ("UKG Miami", "1000+", "https://ukg.example")


def test_an_owner_cannot_take_another_employers_name(client, employer_owner, other_employer):
    client.force_login(employer_owner)
    response = client.post(reverse("employers:profile"), {"name": other_employer.name.upper()})
    assert "name" in response.context["form"].errors


def test_a_recruiter_sees_but_cannot_change_the_details(client, employer_member, employer):
    client.force_login(employer_member)
    assert client.get(reverse("employers:profile")).status_code == 200
    assert client.post(reverse("employers:profile"), {"name": "Hijacked"}).status_code == 403
    assert Employer.objects.get(pk=employer.pk).name == employer.name


def test_the_colleague_invite_service_refuses_recruiters(employer_member):
    member = EmployerMember.objects.select_related("user", "employer").get(user=employer_member)
    with pytest.raises(PermissionDenied):
        services.employer_colleague_invite(by_member=member, **INVITE)
    assert not User.objects.filter(email="ana@ukg.example").exists()
