import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from mtw_portal.accounts import services
from mtw_portal.accounts.models import Invitation, Role, User


def _invite(client, grant_staff, oic, mailoutbox, django_capture_on_commit_callbacks):
    client.force_login(grant_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:person_invite"),
            {
                "email": "New.Navigator@Example.test",
                "first_name": "Nia",
                "last_name": "Lopez",
                "role": "navigator",
                "community_organization": oic.pk,
            },
        )
    assert response.status_code == 302
    client.logout()
    link = re.search(r"https?://\S+/invite/\S+/", mailoutbox[-1].body).group(0)
    return link.split("8000", 1)[-1] if "8000" in link else link


def test_staff_invite_a_navigator_who_claims_the_account(
    client, grant_staff, oic, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.MTW_REQUIRE_MFA = False
    path = _invite(client, grant_staff, oic, mailoutbox, django_capture_on_commit_callbacks)
    user = User.objects.get(email="new.navigator@example.test")
    assert user.role == Role.NAVIGATOR and not user.has_usable_password()
    assert client.get(path).status_code == 200
    response = client.post(
        path, {"new_password1": "a-fresh-passphrase-9", "new_password2": "a-fresh-passphrase-9"}
    )
    assert response["Location"] == reverse("participants:caseload")
    user.refresh_from_db()
    assert user.check_password("a-fresh-passphrase-9")
    assert user.emailaddress_set.get().verified


def test_an_invitation_link_works_only_once(
    client, grant_staff, oic, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.MTW_REQUIRE_MFA = False
    path = _invite(client, grant_staff, oic, mailoutbox, django_capture_on_commit_callbacks)
    client.post(path, {"new_password1": "a-fresh-passphrase-9", "new_password2": "a-fresh-passphrase-9"})
    client.logout()
    assert client.get(path).status_code == 410


def test_an_expired_invitation_is_refused(
    client, grant_staff, oic, mailoutbox, django_capture_on_commit_callbacks
):
    path = _invite(client, grant_staff, oic, mailoutbox, django_capture_on_commit_callbacks)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post(
        path, {"new_password1": "a-fresh-passphrase-9", "new_password2": "a-fresh-passphrase-9"}
    )
    assert response.status_code == 410
    assert not User.objects.get(email="new.navigator@example.test").has_usable_password()


def test_a_tampered_invitation_link_is_not_found(client, db):
    assert client.get(reverse("accounts:invitation_accept", args=["forged.token"])).status_code == 404


def test_a_new_invitation_replaces_the_old_link(
    client, grant_staff, oic, mailoutbox, django_capture_on_commit_callbacks
):
    old_path = _invite(client, grant_staff, oic, mailoutbox, django_capture_on_commit_callbacks)
    user = User.objects.get(email="new.navigator@example.test")
    services.invitation_create(user=user, created_by=grant_staff)
    assert client.get(old_path).status_code == 410


def test_an_invitation_email_is_sent_once_even_when_the_task_runs_twice(
    participant_without_password, mailoutbox
):
    invitation = services.invitation_create(user=participant_without_password, created_by=None)
    assert services.invitation_send(invitation_id=invitation.pk) is True
    assert services.invitation_send(invitation_id=invitation.pk) is False
    assert len(mailoutbox) == 1


def test_the_sweep_sends_invitations_the_queue_missed(participant_without_password, mailoutbox):
    services.invitation_create(
        user=participant_without_password, created_by=None
    )  # on_commit never runs here
    assert services.invitations_send_pending() == 1
    assert services.invitations_send_pending() == 0
    assert len(mailoutbox) == 1


def test_an_account_already_claimed_gets_no_invitation(participant):
    with pytest.raises(ValidationError):
        services.invitation_create(user=participant, created_by=None)


def test_inviting_an_existing_email_is_refused_on_the_field(client, grant_staff, participant):
    client.force_login(grant_staff)
    response = client.post(
        reverse("accounts:person_invite"),
        {"email": participant.email.upper(), "first_name": "A", "last_name": "B", "role": "staff"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["email"]


@pytest.fixture
def participant_without_password(db):
    user = User(email="unclaimed@example.test")
    user.set_unusable_password()
    user.save()
    return user


def test_an_invitation_whose_email_fails_inline_is_kept_for_the_sweep(
    participant_without_password, settings, mailoutbox, django_capture_on_commit_callbacks
):
    """With no broker, a mail server that is down must not break the request: the sweep resends."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(user=participant_without_password, created_by=None)
    invitation.refresh_from_db()
    assert invitation.sent_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.invitations_send_pending() == 1
    assert len(mailoutbox) == 1
