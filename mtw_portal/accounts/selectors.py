"""Reads of accounts: the people lists for grant staff, and the language to write to someone in."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from mtw_portal.accounts.models import Role, RoleChange, User


def user_list(*, query: str = "", role: str = "") -> QuerySet[User]:
    users = User.objects.select_related(
        "navigator__organization", "provider_staff__provider", "employer_member__employer", "participant"
    ).order_by("email")
    if query:
        users = users.filter(
            Q(email__icontains=query) | Q(first_name__icontains=query) | Q(last_name__icontains=query)
        )
    if role in Role.values:
        users = users.filter(role=role)
    return users


def user_counts_by_role() -> list[tuple[str, str, int]]:
    counts = dict(User.objects.filter(is_active=True).values_list("role").annotate(n=Count("pk")))
    return [(value, label, counts.get(value, 0)) for value, label in Role.choices]


def user_organization(user: User):
    for attr, org_attr in (
        ("navigator", "organization"),
        ("provider_staff", "provider"),
        ("employer_member", "employer"),
    ):
        membership = getattr(user, attr, None)
        if membership is not None:
            return getattr(membership, org_attr)
    return None


def role_change_list(*, user: User) -> QuerySet[RoleChange]:
    return RoleChange.objects.filter(user=user).select_related("changed_by")


def user_language(user: User) -> str:
    """The language to write to ``user`` in (pages after log-in, emails, text messages): the one they
    chose; else, for a participant, the preferred language of their record; else the portal's."""
    if user.language:
        return user.language
    participant = getattr(user, "participant", None)  # the reverse one-to-one, if any
    if participant is not None and participant.preferred_language:
        return participant.preferred_language
    return settings.LANGUAGE_CODE
