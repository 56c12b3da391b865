"""What notifications tell about a participant, to whom, and what the trail records of it."""

from datetime import date

from django.urls import reverse

from employers import services as employer_services
from mtw_portal.audit.models import ReadEvent
from mtw_portal.core.models import GrantSettings
from mtw_portal.notifications import selectors as services_selectors
from mtw_portal.notifications import services
from mtw_portal.notifications.models import Kind, Notification
from participants import services as participant_services
from participants.models import Navigator
from tests.notifications.conftest import items, mails_to

INBOX = reverse("notifications:inbox")


def _name(user):
    return " ".join(user.display_name.split())


def test_a_name_with_an_apostrophe_and_ampersand_reads_as_written_in_the_email_and_inbox(
    committed, client, navigator
):
    with committed():
        services.notify(
            recipient=navigator,
            kind=Kind.QUEUE_NEW_PERSON,
            key="queue:x",
            context={"name": "Ann O'Brien & Co", "organization": "OIC"},
            url="/participants/caseload/",
        )
    [notification] = items(navigator)
    assert "O'Brien & Co" in notification.subject
    [message] = mails_to(navigator)
    assert "O'Brien & Co" in message.subject and "O'Brien & Co" in message.body
    client.force_login(navigator)
    page = client.get(INBOX).content.decode()
    assert "&amp;#x27;" not in page and "&amp;amp;" not in page


def test_an_employers_digest_does_not_name_an_applicant_deactivated_since(
    committed, applicant, opportunity, employer_member, grant_staff
):
    services.preferences_save(user=employer_member, choices={}, daily_digest=True)
    with committed():
        employer_services.application_create(participant=applicant, opportunity=opportunity)
    participant_services.participant_deactivate(
        participant=applicant, by=grant_staff, reason="Asked to leave"
    )
    services.digests_send()
    assert all(_name(applicant.user) not in m.body for m in mails_to(employer_member))


def test_an_employers_inbox_does_not_name_an_applicant_deactivated_since(
    client, applicant, opportunity, employer_member, grant_staff
):
    employer_services.application_create(participant=applicant, opportunity=opportunity)
    participant_services.participant_deactivate(
        participant=applicant, by=grant_staff, reason="Asked to leave"
    )
    client.force_login(employer_member)
    assert _name(applicant.user) not in client.get(INBOX).content.decode()


def test_the_inbox_records_a_read_of_the_participants_it_names(
    client, applicant, opportunity, employer_member
):
    employer_services.application_create(participant=applicant, opportunity=opportunity)
    client.force_login(employer_member)
    client.get(INBOX)
    assert ReadEvent.objects.for_participant(applicant.pk).filter(user=employer_member).exists()


def test_anonymizing_a_participant_deletes_the_notifications_naming_them(
    applicant, opportunity, employer_member, grant_staff, settings
):
    """participant_anonymize itself (not only notifications_forget) scrubs the rows naming the person."""
    employer_services.application_create(participant=applicant, opportunity=opportunity)
    assert Notification.objects.filter(about=applicant.user).exists()
    assert Notification.objects.filter(recipient=applicant.user).exists()
    participant_services.participant_deactivate(
        participant=applicant, by=grant_staff, reason="Asked to leave"
    )
    settings.MTW_RECORD_RETENTION_YEARS = 5
    GrantSettings.objects.update_or_create(pk=1, defaults={"grant_end_date": date(2020, 6, 30)})
    applicant.refresh_from_db()
    participant_services.participant_anonymize(participant=applicant, by=grant_staff)
    assert not Notification.objects.filter(about=applicant.user).exists()
    assert not Notification.objects.filter(recipient=applicant.user).exists()


def test_a_navigator_who_moved_no_longer_reads_the_names_of_the_former_organizations_people(
    client, navigator, applicant, united_way
):
    services.notify(
        recipient=navigator,
        kind=Kind.QUEUE_NEW_PERSON,
        key="queue:moved",
        context={"name": _name(applicant.user), "organization": "OIC"},
        url="/participants/caseload/",
        about=applicant.user,
    )
    client.force_login(navigator)
    assert _name(applicant.user) in client.get(INBOX).content.decode()
    Navigator.objects.filter(user=navigator).update(organization=united_way)
    page = client.get(INBOX).content.decode()
    assert _name(applicant.user) not in page
    assert services_selectors.unread_count(user=navigator) == 0


def test_a_navigators_digest_leaves_out_people_of_an_organization_they_left(
    committed, navigator, applicant, united_way
):
    services.preferences_save(user=navigator, choices={}, daily_digest=True)
    with committed():
        services.notify(
            recipient=navigator,
            kind=Kind.QUEUE_NEW_PERSON,
            key="queue:digest-moved",
            context={"name": _name(applicant.user), "organization": "OIC"},
            url="/participants/caseload/",
            about=applicant.user,
        )
    Navigator.objects.filter(user=navigator).update(organization=united_way)
    services.digests_send()
    assert all(_name(applicant.user) not in m.body for m in mails_to(navigator))


def test_a_second_interview_after_applying_again_is_told(application, employer_member):
    applicant_user = application.participant.user
    employer_services.application_move(application=application, by=employer_member, to_state="interviewing")
    employer_services.application_withdraw(application=application, by=applicant_user)
    employer_services.application_reapply(application=application, by=applicant_user)
    # and the employer hears it is back
    assert any(n.key.endswith(":round1") for n in items(employer_member, Kind.JOB_APPLICANT_NEW))
    employer_services.application_move(application=application, by=employer_member, to_state="interviewing")
    assert len(items(applicant_user, Kind.JOB_APPLICATION_MOVED)) == 2
