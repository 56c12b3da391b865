"""Writes of the shared core: the grant's settings row (``grant_settings``, which participants'
record retention and the outcomes both read)."""

from __future__ import annotations

from mtw_portal.core.models import GrantSettings

GRANT_SETTINGS_PK = 1


def grant_settings():
    """The grant's settings row (created with the default targets the first time)."""
    return GrantSettings.objects.get_or_create(pk=GRANT_SETTINGS_PK)[0]
