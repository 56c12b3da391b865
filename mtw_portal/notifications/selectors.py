"""Reads of notifications: a person's own inbox, their unread count, their preferences."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from mtw_portal import access
from mtw_portal.notifications.models import (
    DIGEST_ROLES,
    KINDS_BY_ROLE,
    Notification,
    NotificationPreference,
    NotificationSettings,
)
from mtw_portal.notifications.sms import sms_number


def notification_list(*, user) -> QuerySet[Notification]:
    """``user``'s own notifications, newest first. Nobody sees another person's; an item naming a
    participant (``about``) shows only while ``user`` may still see that person (access): a partner
    loses a deactivated person, a navigator who moved loses the people of their former organization."""
    notifications = Notification.objects.filter(recipient=user)
    try:
        visible = access.participants_visible_to(user)
    except PermissionDenied:  # a role without its membership: nobody
        notifications = notifications.filter(about__isnull=True)
    else:
        # One probe per notification through the participant's user index (an EXISTS, not an IN over
        # every participant ``user`` may see: that reads the whole table for grant staff).
        notifications = notifications.filter(
            Q(about__isnull=True) | Exists(visible.filter(user_id=OuterRef("about_id")))
        )
    return notifications.order_by("-created_at", "-pk")


def participants_named(notifications) -> list[int]:
    """The ids of the participants these notifications name (``about``): the inbox notes it read them."""
    ids = [n.about_id for n in notifications if n.about_id]
    if not ids:
        return []
    return list(
        Notification.objects.filter(pk__in=[n.pk for n in notifications], about__participant__isnull=False)
        .values_list("about__participant", flat=True)
        .distinct()
    )


def notification_for(*, user, pk: int) -> Notification:
    """One of ``user``'s own notifications; 404 for anyone else's."""
    return get_object_or_404(Notification, pk=pk, recipient=user)


def unread_count(*, user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return notification_list(user=user).filter(read_at=None).count()


def kinds_for(user) -> tuple[str, ...]:
    return tuple(KINDS_BY_ROLE.get(user.role, ()))


def preferences_for(*, user) -> dict:
    """The choices to show on ``user``'s settings page: per kind (email, text), and the digest."""
    stored = {p.kind: p for p in NotificationPreference.objects.filter(user=user)}
    digest = NotificationSettings.objects.filter(user=user, daily_digest=True).exists()
    return {
        "kinds": {
            kind: {
                "email": stored[kind].email if kind in stored else True,
                "sms": stored[kind].sms if kind in stored else True,
            }
            for kind in kinds_for(user)
        },
        "daily_digest": digest,
        "digest_offered": user.role in DIGEST_ROLES,
        "sms_offered": bool(sms_number(user)),
    }
