"""Reads of providers and programs."""

from __future__ import annotations

from django.db.models import QuerySet

from programs.models import Provider, ProviderStaff


def provider_list() -> QuerySet[Provider]:
    return Provider.objects.filter(is_active=True).order_by("name")


def provider_staff_list(*, provider: Provider) -> QuerySet[ProviderStaff]:
    return ProviderStaff.objects.filter(provider=provider).select_related("user").order_by("user__email")
