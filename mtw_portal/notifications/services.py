"""Writes of notifications: ``notify`` (called by the domain's services, inside their transaction),
the email and the text message of one notification, the daily digest, marking as read, preferences.

This app imports no domain app: participants, programs, employers, placements and coalition call it.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext as _

from mtw_portal.accounts.models import User
from mtw_portal.accounts.selectors import user_language
from mtw_portal.core.batch import each_isolated
from mtw_portal.core.queue import enqueue
from mtw_portal.notifications.models import (
    DIGEST_ROLES,
    Kind,
    Notification,
    NotificationPreference,
    NotificationSettings,
)
from mtw_portal.notifications.selectors import notification_list
from mtw_portal.notifications.sms import sms_backend, sms_number

logger = logging.getLogger(__name__)

# A send that failed this many times is no longer tried (the item stays in the inbox).
MAX_ATTEMPTS = 3
# The sweep retries sends that were never queued or failed, for this long after the event.
SWEEP_WINDOW = timedelta(days=2)
SMS_MAX_LENGTH = 320


def absolute_url(path: str) -> str:
    if not path or path.startswith(("http://", "https://")):
        return path
    return settings.MTW_BASE_URL.rstrip("/") + path


_date_format_lazy = lazy(formats.date_format, str)


def day_text(day) -> Promise | str:
    """A date for a notification's context, written out in the recipient's language (the month by
    name), not in the language of the person whose action sent it."""
    return _date_format_lazy(day, "DATE_FORMAT") if day else "—"


def _render(kind: str, context: dict, url: str) -> tuple[str, str]:
    """The subject (the template's first line) and the body (the rest) of ``kind``, in the active language."""
    text = render_to_string(f"notifications/email/{kind}.txt", {**context, "url": absolute_url(url)})
    subject, _sep, body = text.strip().partition("\n")
    # One line, bounded: a name stored before line breaks were refused must not break the header.
    subject = " ".join(subject.split())[: Notification._meta.get_field("subject").max_length]
    return subject, body.strip()


def notify(
    *,
    recipient,
    kind: str,
    key: str,
    context: dict | None = None,
    url: str = "",
    about=None,
    emailed: bool = False,
) -> Notification | None:
    """Tell ``recipient`` about an event: the inbox item now, the email (and text) after the commit.

    Call it inside the domain write's transaction. ``key`` names the event: called again with the
    same key (a retry, a second path to the same write), it does nothing. ``url``: the page to act
    on, a path of this site. ``emailed``: the caller sends its own email about the event (the
    retention reminder, with its link), so only the inbox item is added. Nothing for an inactive account.
    A translated value in ``context`` stays lazy (a choice's ``label``, ``gettext_lazy``, ``day_text``):
    it is rendered in each recipient's language, never in the language of the request that acted.
    """
    if recipient is None or not recipient.is_active:
        return None
    if kind not in Kind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    language = user_language(recipient)
    with translation.override(language):
        subject, body = _render(kind, context or {}, url)
    with transaction.atomic():
        notification, created = Notification.objects.get_or_create(
            recipient=recipient,
            key=key[:200],
            defaults={
                "kind": kind,
                "language": language,
                "subject": subject,
                "body": body,
                "url": url,
                "about": about,
                "emailed_at": timezone.now() if emailed else None,
            },
        )
    notification.just_created = created
    if created and not emailed:
        from mtw_portal.notifications.tasks import notification_deliver  # the task imports this module

        pk = notification.pk
        transaction.on_commit(lambda: enqueue(notification_deliver, pk))
    return notification


def notify_each(
    *,
    recipients,
    kind: str,
    key: str,
    context: dict | None = None,
    url: str = "",
    about=None,
    emailed: bool = False,
) -> int:
    """``notify`` every one of ``recipients`` (each once, whatever the repeats). The number of new
    notifications (0 when the event was already told)."""
    seen, count = set(), 0
    for recipient in recipients:
        if recipient.pk in seen:
            continue
        seen.add(recipient.pk)
        notification = notify(
            recipient=recipient, kind=kind, key=key, context=context, url=url, about=about, emailed=emailed
        )
        count += notification is not None and notification.just_created
    return count


# --- Preferences -----------------------------------------------------------------------------


def preference_for(user, kind: str) -> NotificationPreference:
    return NotificationPreference.objects.filter(user=user, kind=kind).first() or NotificationPreference(
        user=user, kind=kind
    )


def wants_digest(user) -> bool:
    if user.role not in DIGEST_ROLES:
        return False
    return NotificationSettings.objects.filter(user=user, daily_digest=True).exists()


@transaction.atomic
def preferences_save(*, user, choices: dict[str, dict[str, bool]], daily_digest: bool | None = None) -> None:
    """``choices``: {kind: {"email": bool, "sms": bool}}. The inbox always shows every kind."""
    for kind, values in choices.items():
        if kind not in Kind.values:
            raise ValueError(f"unknown notification kind {kind!r}")
        NotificationPreference.objects.update_or_create(
            user=user,
            kind=kind,
            defaults={"email": bool(values.get("email")), "sms": bool(values.get("sms"))},
        )
    if daily_digest is not None and user.role in DIGEST_ROLES:
        NotificationSettings.objects.update_or_create(user=user, defaults={"daily_digest": daily_digest})


# --- Sending ---------------------------------------------------------------------------------


def notification_deliver(*, notification_id: int) -> None:
    """The email and the text message of one notification, each when wanted and not yet sent."""
    notification_email_send(notification_id=notification_id)
    notification_sms_send(notification_id=notification_id)


def _footer(notification: Notification) -> str:
    return render_to_string(
        "notifications/email/_footer.txt",
        {
            "url": absolute_url(notification.url),
            "inbox_url": absolute_url(reverse("notifications:inbox")),
            "settings_url": absolute_url(reverse("notifications:settings")),
        },
    ).strip()


def notification_email_send(*, notification_id: int) -> bool:
    """Email one notification, once. False when not wanted (kind off, daily digest) or already sent.

    The row is claimed by a conditional update before sending, so two runs send one email; a failed
    send releases the claim and counts an attempt (the task retries; after MAX_ATTEMPTS, no more).
    """
    notification = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if notification is None or notification.emailed_at or notification.included_in_digest_at:
        return False
    recipient = notification.recipient
    if not recipient.is_active or not recipient.email:
        return False
    if not preference_for(recipient, notification.kind).email or wants_digest(recipient):
        return False
    claimed = Notification.objects.filter(
        pk=notification_id, emailed_at=None, included_in_digest_at=None, email_attempts__lt=MAX_ATTEMPTS
    ).update(emailed_at=timezone.now())
    if not claimed:
        return False
    try:
        with translation.override(notification.language):
            send_mail(
                subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + notification.subject,
                message=notification.body + "\n\n" + _footer(notification) + "\n",
                from_email=None,
                recipient_list=[recipient.email],
            )
    except Exception:
        Notification.objects.filter(pk=notification_id).update(
            emailed_at=None, email_attempts=F("email_attempts") + 1
        )
        raise
    return True


def _sms_text(notification: Notification) -> str:
    with translation.override(notification.language):
        text = _("MTW Portal: %(subject)s") % {"subject": notification.subject}
    link = absolute_url(notification.url)
    if link and len(text) + 1 + len(link) <= SMS_MAX_LENGTH:
        text = f"{text} {link}"
    return text[:SMS_MAX_LENGTH]


def notification_sms_send(*, notification_id: int) -> bool:
    """Text one notification to a participant who gave a mobile number and opted in, once."""
    notification = (
        Notification.objects.select_related("recipient__participant").filter(pk=notification_id).first()
    )
    if notification is None or notification.sms_sent_at or not notification.recipient.is_active:
        return False
    number = sms_number(notification.recipient)
    if not number or not preference_for(notification.recipient, notification.kind).sms:
        return False
    claimed = Notification.objects.filter(
        pk=notification_id, sms_sent_at=None, sms_attempts__lt=MAX_ATTEMPTS
    ).update(sms_sent_at=timezone.now())
    if not claimed:
        return False
    try:
        sms_backend().send(to=number, body=_sms_text(notification))
    except Exception:
        Notification.objects.filter(pk=notification_id).update(
            sms_sent_at=None, sms_attempts=F("sms_attempts") + 1
        )
        raise
    return True


def notifications_send_pending() -> int:
    """The sweep (beat): the emails and texts of recent notifications that were never queued (broker
    down) or whose sending failed. Each is still sent once; one failing is logged and skipped."""
    since = timezone.now() - SWEEP_WINDOW
    recent = Notification.objects.filter(created_at__gte=since)
    emails = recent.filter(emailed_at=None, included_in_digest_at=None, email_attempts__lt=MAX_ATTEMPTS)
    texts = recent.filter(
        sms_sent_at=None, sms_attempts__lt=MAX_ATTEMPTS, recipient__participant__sms_opt_in=True
    )
    pending = set(emails.values_list("pk", flat=True)) | set(texts.values_list("pk", flat=True))
    return each_isolated(
        sorted(pending),
        lambda pk: bool(notification_deliver(notification_id=pk) or True),
        what="notification",
    )


# --- The daily digest ------------------------------------------------------------------------


def digest_send(*, user_id: int) -> bool:
    """One email listing ``user``'s notifications not emailed yet (kinds they left on), once each.

    The items are claimed (``included_in_digest_at``) before sending: a second run finds none.
    """
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email or not wants_digest(user):
        return False
    off = set(NotificationPreference.objects.filter(user=user, email=False).values_list("kind", flat=True))
    # What the inbox shows them: nothing naming someone they may no longer see.
    candidates = (
        notification_list(user=user).filter(emailed_at=None, included_in_digest_at=None).exclude(kind__in=off)
    )
    ids = list(candidates.values_list("pk", flat=True))
    if not ids:
        return False
    now = timezone.now()
    with transaction.atomic():
        claimed_ids = list(
            Notification.objects.select_for_update()
            .filter(pk__in=ids, emailed_at=None, included_in_digest_at=None)
            .values_list("pk", flat=True)
        )
        Notification.objects.filter(pk__in=claimed_ids).update(included_in_digest_at=now)
    if not claimed_ids:
        return False
    items = list(Notification.objects.filter(pk__in=claimed_ids).order_by("created_at", "pk"))
    language = user_language(user)
    try:
        with translation.override(language):
            count = len(items)
            subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + _("Your daily summary: %(count)s new") % {
                "count": count
            }
            message = render_to_string(
                "notifications/email/digest.txt",
                {
                    "items": [(item, absolute_url(item.url)) for item in items],
                    "count": count,
                    "inbox_url": absolute_url(reverse("notifications:inbox")),
                    "settings_url": absolute_url(reverse("notifications:settings")),
                },
            )
            send_mail(subject=subject, message=message, from_email=None, recipient_list=[user.email])
    except Exception:
        Notification.objects.filter(pk__in=claimed_ids).update(included_in_digest_at=None)
        raise
    return True


def digests_send() -> int:
    """Daily (beat): one digest per person who chose it and has something new."""
    user_ids = (
        NotificationSettings.objects.filter(
            daily_digest=True, user__is_active=True, user__role__in=DIGEST_ROLES
        )
        .filter(user__notifications__emailed_at=None, user__notifications__included_in_digest_at=None)
        .values_list("user_id", flat=True)
        .distinct()
    )
    return each_isolated(list(user_ids), lambda pk: digest_send(user_id=pk), what="digest for user")


# --- Reading ---------------------------------------------------------------------------------


def notification_mark_read(*, user, notification_id: int) -> int:
    """Mark one of ``user``'s own notifications read (0: not theirs, or read already)."""
    return Notification.objects.filter(pk=notification_id, recipient=user, read_at=None).update(
        read_at=timezone.now()
    )


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at=None).update(read_at=timezone.now())


def notifications_forget(*, user) -> int:
    """Anonymization: every notification to ``user`` or about them is deleted (they name the person)."""
    deleted, _detail = Notification.objects.filter(Q(recipient=user) | Q(about=user)).delete()
    return deleted
