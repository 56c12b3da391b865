"""The inbox and the settings page: each person's own, marked read by POST, the navbar's count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mtw_portal.notifications import services
from mtw_portal.notifications.models import Kind, Notification, NotificationPreference, NotificationSettings
from tests import factories

INBOX = reverse("notifications:inbox")
SETTINGS = reverse("notifications:settings")


def _notice(user, n=0):
    return services.notify(
        recipient=user,
        kind=Kind.QUEUE_NEW_PERSON,
        key=f"queue:{n}",
        context={"name": f"Person {n}", "organization": "OIC"},
        url="/participants/caseload/",
    )


def test_the_inbox_shows_only_my_own_notifications(client, navigator, other_navigator):
    _notice(navigator, 1)
    _notice(other_navigator, 2)
    client.force_login(navigator)
    page = client.get(INBOX).content.decode()
    assert "Person 1" in page and "Person 2" not in page


def test_marking_another_persons_notification_read_is_404(client, navigator, other_navigator):
    theirs = _notice(other_navigator)
    client.force_login(navigator)
    assert client.post(reverse("notifications:mark_read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_read_takes_a_post(client, navigator):
    mine = _notice(navigator)
    client.force_login(navigator)
    assert client.get(reverse("notifications:mark_read", args=[mine.pk])).status_code == 405
    assert client.post(reverse("notifications:mark_read", args=[mine.pk])).status_code == 302
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_mark_all_read_marks_only_mine(client, navigator, other_navigator):
    for n in range(3):
        _notice(navigator, n)
    theirs = _notice(other_navigator, 9)
    client.force_login(navigator)
    client.post(reverse("notifications:mark_all_read"))
    assert not Notification.objects.filter(recipient=navigator, read_at=None).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_navbar_shows_my_unread_count_with_a_label(client, navigator):
    for n in range(2):
        _notice(navigator, n)
    client.force_login(navigator)
    page = client.get(INBOX).content.decode()
    assert 'data-testid="unread-count">2<span class="visually-hidden"> unread notifications</span>' in page


def test_the_inbox_is_paginated(client, navigator):
    for n in range(30):
        _notice(navigator, n)
    client.force_login(navigator)
    first = client.get(INBOX)
    assert len(first.context["page"].object_list) == 25
    assert len(client.get(INBOX, {"page": 2}).context["page"].object_list) == 5


def test_the_unread_count_costs_the_same_queries_however_many(client, navigator):
    client.force_login(navigator)
    _notice(navigator, 0)
    client.get(INBOX)  # warm up (sessions, content types)
    with CaptureQueriesContext(connection) as few:
        client.get(INBOX)
    for n in range(1, 20):
        _notice(navigator, n)
    with CaptureQueriesContext(connection) as many:
        client.get(INBOX)
    assert len(many) == len(few)


def test_the_settings_page_turns_a_kind_off_and_chooses_the_digest(client, navigator):
    client.force_login(navigator)
    page = client.get(SETTINGS)
    assert set(page.context["form"].fields) == {
        *(
            f"email_{kind}"
            for kind in (
                Kind.QUEUE_NEW_PERSON,
                Kind.SUPPORT_REQUEST_NEW,
                Kind.SUPPORT_APPROVAL_WAITING,
                Kind.FOLLOW_UP_DUE,
            )
        ),
        "daily_digest",
    }
    assert '<label for="id_daily_digest"' in page.content.decode()
    data = {f"email_{kind}": "on" for kind in (Kind.SUPPORT_REQUEST_NEW, Kind.FOLLOW_UP_DUE)} | {
        "daily_digest": "on"
    }
    assert client.post(SETTINGS, data).status_code == 302
    assert NotificationPreference.objects.get(user=navigator, kind=Kind.QUEUE_NEW_PERSON).email is False
    assert NotificationPreference.objects.get(user=navigator, kind=Kind.FOLLOW_UP_DUE).email is True
    assert NotificationSettings.objects.get(user=navigator).daily_digest is True


def test_a_participant_who_opted_in_chooses_texts_per_kind_and_has_no_digest(client, participant):
    record = factories.participant_record(participant)
    record.phone, record.sms_opt_in = "305-555-0100", True
    record.save()
    client.force_login(participant)
    fields = client.get(SETTINGS).context["form"].fields
    assert f"sms_{Kind.PROGRAM_ADMITTED}" in fields and "daily_digest" not in fields
    assert f"email_{Kind.QUEUE_NEW_PERSON}" not in fields  # a navigator's kind


def test_the_profile_offers_text_messages(client, participant):
    factories.participant_record(participant)
    client.force_login(participant)
    page = client.get(reverse("participants:profile")).content.decode()
    assert 'name="sms_opt_in"' in page and '<label for="id_sms_opt_in"' in page


@pytest.mark.parametrize("url", [INBOX, SETTINGS])
def test_the_pages_need_a_sign_in(client, url):
    assert client.get(url).status_code == 302
