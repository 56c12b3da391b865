"""Reads of the core app: the latest outcome snapshot."""

from __future__ import annotations

from mtw_portal.core.models import OutcomeSnapshot


def outcome_snapshot_latest() -> OutcomeSnapshot | None:
    return OutcomeSnapshot.objects.order_by("-as_of").first()
