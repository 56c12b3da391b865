"""Reads of the outcomes app: the stored snapshots and their history."""

from __future__ import annotations

from outcomes.models import OutcomeSnapshot


def outcome_snapshot_latest() -> OutcomeSnapshot | None:
    return OutcomeSnapshot.objects.order_by("-as_of").first()


def outcome_snapshot_history(limit: int = 400) -> list[OutcomeSnapshot]:
    """The latest ``limit`` snapshots, oldest first."""
    return list(OutcomeSnapshot.objects.order_by("-as_of")[:limit])[::-1]
