"""Sending: once per notification whatever the retries, not when turned off, the daily digest, texts."""

import json
import logging
import urllib.parse
from smtplib import SMTPException

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured, ValidationError

from mtw_portal.notifications import services, tasks
from mtw_portal.notifications.models import Kind, Notification, NotificationSettings
from mtw_portal.notifications.sms import ConsoleSMSBackend, SMSError, TwilioSMSBackend, e164
from participants import services as participant_services
from tests import factories
from tests.notifications.conftest import items, mails_to


def _notify(user, key="event:1", kind=Kind.SUPPORT_REQUEST_NEW, **context):
    return services.notify(
        recipient=user,
        kind=kind,
        key=key,
        context={"name": "Ana Pérez", "support": "Bus fare", **context},
        url="/participants/support/requests/1/",
    )


def test_the_same_event_twice_makes_one_item_and_one_email(committed, navigator):
    with committed():
        _notify(navigator)
        _notify(navigator)
    assert len(items(navigator)) == 1
    assert len(mails_to(navigator)) == 1


def test_the_email_task_run_twice_sends_one_email(committed, navigator):
    with committed():
        notification = _notify(navigator)
    tasks.notification_deliver.delay(notification.pk)
    services.notification_email_send(notification_id=notification.pk)
    assert len(mails_to(navigator)) == 1


def test_the_email_links_to_the_page_with_the_sites_address(committed, settings, navigator):
    settings.MTW_BASE_URL = "http://127.0.0.1:8765"
    with committed():
        _notify(navigator)
    [message] = mails_to(navigator)
    assert "http://127.0.0.1:8765/participants/support/requests/1/" in message.body
    assert "http://127.0.0.1:8765/notifications/settings/" in message.body
    assert "Ana Pérez" in message.subject


def test_a_failed_send_is_released_and_sent_by_the_retry(committed, monkeypatch, navigator):
    notification = _notify(navigator)
    calls = {"n": 0}
    real = services.send_mail

    def flaky(**kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise SMTPException("down")
        return real(**kwargs)

    monkeypatch.setattr(services, "send_mail", flaky)
    with pytest.raises(SMTPException):
        services.notification_email_send(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.emailed_at is None and notification.email_attempts == 1
    assert services.notifications_send_pending() == 1  # the sweep
    assert len(mails_to(navigator)) == 1
    assert services.notifications_send_pending() == 0 and len(mails_to(navigator)) == 1  # never twice


def test_an_inactive_account_gets_nothing(navigator):
    navigator.is_active = False
    navigator.save()
    assert _notify(navigator) is None
    assert items(navigator) == []


def test_a_kind_turned_off_still_reaches_the_inbox_but_sends_no_email(committed, navigator):
    services.preferences_save(user=navigator, choices={Kind.SUPPORT_REQUEST_NEW: {"email": False}})
    with committed():
        _notify(navigator)
        _notify(navigator, key="queue:1", kind=Kind.QUEUE_NEW_PERSON, organization="OIC")
    assert len(items(navigator)) == 2
    [message] = mails_to(navigator)  # the other kind is still emailed
    assert "queue" in message.subject.lower()


# --- The daily digest ------------------------------------------------------------------------


def test_the_digest_sends_one_email_listing_every_new_item_and_never_again(
    committed, navigator, employer_member
):
    services.preferences_save(user=navigator, choices={}, daily_digest=True)
    with committed():
        for n in range(3):
            _notify(navigator, key=f"event:{n}", name=f"Person {n}")
    assert mails_to(navigator) == []  # no email per event
    assert tasks.digests_send.delay().get() == 1
    [digest] = mails_to(navigator)
    for n in range(3):
        assert f"Person {n}" in digest.body
    assert "3" in digest.subject
    assert services.digests_send() == 0
    assert len(mails_to(navigator)) == 1
    assert all(item.included_in_digest_at for item in items(navigator))
    with committed():
        _notify(navigator, key="event:later", name="Someone Later")
    assert services.digests_send() == 1
    later = mails_to(navigator)[-1]
    assert "Someone Later" in later.body and "Person 0" not in later.body


def test_the_digest_leaves_out_kinds_turned_off(committed, navigator):
    services.preferences_save(
        user=navigator, choices={Kind.QUEUE_NEW_PERSON: {"email": False}}, daily_digest=True
    )
    with committed():
        _notify(navigator, key="a")
        _notify(navigator, key="b", kind=Kind.QUEUE_NEW_PERSON, organization="OIC")
    services.digests_send()
    [digest] = mails_to(navigator)
    assert "Second" not in digest.body and "queue" not in digest.body.lower()


def test_the_digest_is_offered_to_navigators_and_employers_only(participant):
    services.preferences_save(user=participant, choices={}, daily_digest=True)
    assert not NotificationSettings.objects.filter(user=participant).exists()


# --- Text messages ---------------------------------------------------------------------------


@pytest.fixture
def texts(settings):
    """The messages the SMS backend was asked to send."""
    sent = []

    class Recording(ConsoleSMSBackend):
        def send(self, *, to, body):
            sent.append((to, body))

    settings.MTW_SMS_BACKEND = f"{__name__}.RecordingBackend"
    globals()["RecordingBackend"] = Recording
    return sent


def _participant_with_phone(user, *, phone="305-555-0100", opt_in=True):
    record = factories.participant_record(user)
    record.phone = phone
    record.sms_opt_in = opt_in
    record.save()
    return record


def _participant_notice(user, key="enrollment:1:admitted"):
    return services.notify(
        recipient=user,
        kind=Kind.PROGRAM_ADMITTED,
        key=key,
        context={"program": "Data", "provider": "BrainStation", "start_date": "May 4"},
        url="/participants/",
    )


def test_a_participant_who_opted_in_gets_a_short_text_in_their_language_once(committed, texts, participant):
    participant.language = "es"
    participant.save()
    _participant_with_phone(participant)
    with committed():
        notification = _participant_notice(participant)
    services.notification_sms_send(notification_id=notification.pk)
    [(to, body)] = texts
    assert to == "+13055550100"
    assert notification.subject in body and len(body) <= services.SMS_MAX_LENGTH
    notification.refresh_from_db()
    assert notification.sms_sent_at and notification.language == "es"


@pytest.mark.parametrize(("phone", "opt_in"), [("305-555-0100", False), ("", False)])
def test_no_text_without_opt_in_or_a_number(committed, texts, participant, phone, opt_in):
    _participant_with_phone(participant, phone=phone, opt_in=opt_in)
    with committed():
        _participant_notice(participant)
    assert texts == []
    assert len(mails_to(participant)) == 1


def test_no_text_for_a_kind_turned_off(committed, texts, participant):
    _participant_with_phone(participant)
    services.preferences_save(
        user=participant, choices={Kind.PROGRAM_ADMITTED: {"email": True, "sms": False}}
    )
    with committed():
        _participant_notice(participant)
    assert texts == []


def test_the_profile_refuses_text_messages_without_a_number(participant):
    record = factories.participant_record(participant)
    with pytest.raises(ValidationError) as refused:
        participant_services.participant_intake_save(
            participant=record, first_name="Ana", last_name="Pérez", phone="", sms_opt_in=True
        )
    assert "sms_opt_in" in refused.value.message_dict


@pytest.mark.parametrize("phone", ["555-0100", "(305) 555-01", "+1"])
def test_the_profile_refuses_text_messages_to_a_number_that_cannot_be_texted(participant, phone):
    """A number the text-message backend cannot use (e164 gives nothing) would leave the person
    opted in and never texted, without knowing it."""
    record = factories.participant_record(participant)
    with pytest.raises(ValidationError) as refused:
        participant_services.participant_intake_save(
            participant=record, first_name="Ana", last_name="Pérez", phone=phone, sms_opt_in=True
        )
    assert "sms_opt_in" in refused.value.message_dict


def test_the_console_backend_logs_the_message(caplog, capsys):
    with caplog.at_level(logging.INFO, logger="mtw_portal.sms"):
        ConsoleSMSBackend().send(to="+13055550100", body="MTW Portal: hello")
    assert "MTW Portal: hello" in caplog.text
    assert "+13055550100" in capsys.readouterr().out


class FakeTransport:
    def __init__(self, status=201, content=b'{"sid": "SM1"}'):
        self.status, self.content, self.requests = status, content, []

    def __call__(self, request, timeout):
        self.requests.append(request)
        return self.status, self.content


def _twilio(transport):
    return TwilioSMSBackend(
        transport=transport, account_sid="AC123", auth_token="secret", from_number="+13055550000"
    )


def test_the_twilio_adapter_posts_the_message_to_the_accounts_messages():
    transport = FakeTransport()
    _twilio(transport).send(to="+13055550100", body="Hola: admitido")
    [request] = transport.requests
    assert request.get_method() == "POST"
    assert request.full_url == "https://api.twilio.com/2010-04-01/Accounts/AC123/Messages.json"
    assert request.get_header("Authorization") == "Basic QUMxMjM6c2VjcmV0"  # AC123:secret
    assert urllib.parse.parse_qs(request.data.decode()) == {
        "To": ["+13055550100"],
        "From": ["+13055550000"],
        "Body": ["Hola: admitido"],
    }


def test_a_twilio_refusal_raises_so_the_task_retries():
    transport = FakeTransport(status=400, content=json.dumps({"code": 21211}).encode())
    with pytest.raises(SMSError, match="21211"):
        _twilio(transport).send(to="+1305", body="x")


def test_twilio_without_credentials_is_a_configuration_error(settings):
    settings.TWILIO_ACCOUNT_SID = ""
    with pytest.raises(ImproperlyConfigured):
        TwilioSMSBackend()


@pytest.mark.parametrize(
    ("phone", "number"),
    [
        ("305-555-0100", "+13055550100"),
        ("1 (305) 555-0100", "+13055550100"),
        ("+509 3456 7890", "+50934567890"),
        ("555", ""),
    ],
)
def test_phone_numbers_are_written_as_providers_want(phone, number):
    assert e164(phone) == number


def test_anonymizing_a_participant_deletes_what_was_written_to_and_about_them(participant, navigator):
    services.notify(recipient=participant, kind=Kind.PROGRAM_ADMITTED, key="a", context={})
    services.notify(
        recipient=navigator, kind=Kind.QUEUE_NEW_PERSON, key="b", context={"name": "X"}, about=participant
    )
    services.notify(recipient=navigator, kind=Kind.QUEUE_NEW_PERSON, key="c", context={"name": "Y"})
    assert services.notifications_forget(user=participant) == 2
    assert list(Notification.objects.values_list("key", flat=True)) == ["c"]
    assert mail.outbox == []  # nothing committed in this test: nothing sent
