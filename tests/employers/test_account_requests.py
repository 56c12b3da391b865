import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from employers.models import Employer, EmployerAccountRequest, EmployerMember
from employers.services import employer_account_request_decline
from mtw_portal.accounts.models import Role, User

FORM = {
    "organization_name": "Brickell Robotics",
    "website": "brickellrobotics.example",
    "industry": "Robotics",
    "first_name": "Sam",
    "last_name": "Reyes",
    "email": "Sam@BrickellRobotics.example",
    "phone": "305-555-0100",
    "message": "We want interns.",
}


@pytest.fixture
def pending_request(client, db):
    response = client.post(reverse("employers:account_request"), FORM)
    assert response.status_code == 200
    return EmployerAccountRequest.objects.get()


def test_anyone_can_request_an_employer_account(pending_request):
    assert pending_request.state == "pending"
    assert pending_request.email == "sam@brickellrobotics.example"
    assert pending_request.website == "https://brickellrobotics.example"


def test_a_second_pending_request_from_the_same_email_is_refused(client, pending_request):
    response = client.post(reverse("employers:account_request"), FORM)
    assert "email" in response.context["form"].errors
    assert EmployerAccountRequest.objects.count() == 1


def test_a_request_with_missing_fields_names_each_field(client, db):
    response = client.post(reverse("employers:account_request"), {"organization_name": ""})
    assert set(response.context["form"].errors) >= {"organization_name", "first_name", "last_name", "email"}


def test_staff_approval_creates_the_employer_and_invites_its_owner(
    client, grant_staff, pending_request, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(grant_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("employers:account_request_detail", args=[pending_request.pk]), {"decision": "approve"}
        )
    assert response.status_code == 302
    user = User.objects.get(email="sam@brickellrobotics.example")
    assert user.role == Role.EMPLOYER
    member = EmployerMember.objects.get(user=user)
    assert member.employer.name == "Brickell Robotics" and member.role == "owner"
    assert "/invite/" in mailoutbox[0].body
    pending_request.refresh_from_db()
    assert pending_request.state == "approved" and pending_request.decided_by == grant_staff


def test_approval_can_link_to_an_existing_employer(client, grant_staff, pending_request, employer):
    client.force_login(grant_staff)
    client.post(
        reverse("employers:account_request_detail", args=[pending_request.pk]),
        {"decision": "approve", "employer": employer.pk},
    )
    assert EmployerMember.objects.get(user__email="sam@brickellrobotics.example").employer == employer
    assert not Employer.objects.filter(name="Brickell Robotics").exists()


def test_approval_refuses_a_duplicate_employer_name(client, grant_staff, pending_request):
    Employer.objects.create(name="brickell robotics")
    client.force_login(grant_staff)
    response = client.post(
        reverse("employers:account_request_detail", args=[pending_request.pk]), {"decision": "approve"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not User.objects.filter(email="sam@brickellrobotics.example").exists()


def test_declining_needs_a_note(grant_staff, pending_request):
    with pytest.raises(ValidationError):
        employer_account_request_decline(account_request=pending_request, decided_by=grant_staff, note=" ")


def test_a_decided_request_cannot_be_decided_again(client, grant_staff, pending_request):
    employer_account_request_decline(
        account_request=pending_request, decided_by=grant_staff, note="Not local."
    )
    client.force_login(grant_staff)
    response = client.post(
        reverse("employers:account_request_detail", args=[pending_request.pk]), {"decision": "approve"}
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="sam@brickellrobotics.example").exists()


def test_employers_cannot_see_account_requests(client, employer_member, pending_request):
    client.force_login(employer_member)
    assert client.get(reverse("employers:account_request_list")).status_code == 403
    assert (
        client.get(reverse("employers:account_request_detail", args=[pending_request.pk])).status_code == 403
    )
