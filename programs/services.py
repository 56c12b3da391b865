"""Writes for training providers and their programs."""

from __future__ import annotations

from programs.models import Provider, ProviderStaff


def provider_staff_set(*, user, provider: Provider, can_edit: bool = True) -> ProviderStaff:
    staff, _ = ProviderStaff.objects.update_or_create(
        user=user, defaults={"provider": provider, "can_edit": can_edit}
    )
    return staff


def provider_staff_remove(*, user) -> None:
    ProviderStaff.objects.filter(user=user).delete()
