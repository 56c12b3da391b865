"""Writes for participants and navigators."""

from __future__ import annotations

from participants.models import CommunityOrganization, Navigator


def navigator_set(*, user, organization: CommunityOrganization) -> Navigator:
    navigator, _ = Navigator.objects.update_or_create(user=user, defaults={"organization": organization})
    return navigator


def navigator_remove(*, user) -> None:
    Navigator.objects.filter(user=user).delete()
