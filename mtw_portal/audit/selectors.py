"""Reading the audit trail: the read trail (ours) and the change history (django-auditlog)."""

from __future__ import annotations

import datetime as dt

from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from mtw_portal.accounts.models import User
from mtw_portal.audit.models import ReadEvent

# The tracked models that hold one participant's data, and the path from each to the participant.
# Named by label: this lower layer imports no domain app.
PARTICIPANT_PATHS = {
    "participants.Participant": "pk",
    "accounts.User": "participant",
    "participants.CaseNote": "participant",
    "participants.SupportItem": "participant",
    "participants.SupportRequest": "participant",
    "programs.Enrollment": "participant",
    "programs.Credential": "participant",
    "programs.CompletionFollowUp": "enrollment__participant",
    "employers.Application": "participant",
    "placements.Placement": "participant",
    "placements.RetentionCheck": "placement__participant",
}


def participant_id_from(value: str) -> int | None:
    """A participant's id from what grant staff typed: the id itself or the person's email."""
    value = (value or "").strip()
    if not value:
        return None
    if value.isascii() and value.isdigit() and len(value) < 10:
        return int(value)
    return User.objects.filter(email__iexact=value).values_list("participant__pk", flat=True).first()


def user_id_from(value: str) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    if value.isascii() and value.isdigit() and len(value) < 10:
        return int(value)
    return User.objects.filter(email__iexact=value).values_list("pk", flat=True).first()


def _in_dates(queryset: QuerySet, field: str, date_from: dt.date | None, date_to: dt.date | None):
    if date_from:
        queryset = queryset.filter(**{f"{field}__date__gte": date_from})
    if date_to:
        queryset = queryset.filter(**{f"{field}__date__lte": date_to})
    return queryset


def read_event_list(
    *,
    participant_id: int | None = None,
    user_id: int | None = None,
    kind: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[ReadEvent]:
    events = ReadEvent.objects.select_related("user")
    if participant_id is not None:
        events = events.for_participant(participant_id)
    if user_id is not None:
        events = events.filter(user_id=user_id)
    if kind:
        events = events.filter(kind=kind)
    return _in_dates(events, "at", date_from, date_to)


def participant_change_filter(participant_id: int) -> Q:
    """Changes to anything of this participant's: the objects that still hold them, and the
    creations and deletions whose recorded values name them."""
    condition = Q(changes__participant__0=str(participant_id)) | Q(
        changes__participant__1=str(participant_id)
    )
    for label, path in PARTICIPANT_PATHS.items():
        model = apps.get_model(label)
        ids = model._default_manager.filter(**{path: participant_id}).values("pk")
        condition |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=ids)
    return condition


def _participant_id(value) -> int | None:
    text = str(value).strip() if value is not None else ""
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


def participant_ids_in(entries: QuerySet[LogEntry]) -> set[int]:
    """The participants whose data ``entries`` show (for the read trail): a query per tracked model
    and one for the recorded values, however many entries."""
    entries = entries.order_by()
    ids = set()
    for label, path in PARTICIPANT_PATHS.items():
        model = apps.get_model(label)
        object_ids = entries.filter(content_type=ContentType.objects.get_for_model(model)).values("object_id")
        found = model._default_manager.filter(pk__in=object_ids).values_list(path, flat=True)
        ids.update(pk for pk in found if pk is not None)
    # Creations and deletions name the participant in their values (the object may be gone).
    for before_after in entries.filter(changes__has_key="participant").values_list(
        "changes__participant", flat=True
    ):
        for value in before_after if isinstance(before_after, list) else [before_after]:
            pk = _participant_id(value)
            if pk is not None:
                ids.add(pk)
    return ids


def change_list(
    *,
    participant_id: int | None = None,
    user_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[LogEntry]:
    entries = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-pk")
    if participant_id is not None:
        entries = entries.filter(participant_change_filter(participant_id))
    if user_id is not None:
        entries = entries.filter(actor_id=user_id)
    return _in_dates(entries, "timestamp", date_from, date_to)


def record_viewers(*, participant_id: int, exclude_user_id: int | None = None) -> QuerySet[ReadEvent]:
    """Who saw this participant's data, for the participant: every read but their own."""
    events = ReadEvent.objects.for_participant(participant_id).select_related("user")
    if exclude_user_id is not None:
        events = events.exclude(user_id=exclude_user_id)
    return events
