"""Writing the read trail: views note what they show during the request, written at its end.

A view calls ``record_view(request, kind=..., participants=[...])`` once the viewer has been let
through; the notes wait on the request, and ``ReadTrailMiddleware`` writes them all when the
response is ready: one bulk insert of the reads, one of the participants they showed (the index by
participant). A list of 50 people costs the same queries as a list of 1.
"""

from __future__ import annotations

from collections.abc import Iterable

from auditlog.cid import get_cid
from auditlog.context import auditlog_disabled
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models.signals import pre_save
from django.utils.encoding import smart_str

from mtw_portal.accounts.models import Role, User
from mtw_portal.audit.models import ReadEvent, ReadEventParticipant, ReadKind
from mtw_portal.audit.selectors import participant_change_filter
from mtw_portal.clientip import client_ip

__all__ = [
    "ReadKind",
    "change_history_forget_participant",
    "change_history_record_created",
    "flush",
    "mask_note",
    "pending_reads",
    "record_view",
]

_PENDING = "_audit_reads"

# Where each role's organization is, from the user: (membership, organization) relations.
_ORGANIZATION_NAME = {
    Role.NAVIGATOR: "navigator__organization__name",
    Role.PROVIDER: "provider_staff__provider__name",
    Role.EMPLOYER: "employer_member__employer__name",
}


def record_view(request, *, kind: str, participants: Iterable = ()) -> None:
    """Note that this request shows ``participants`` (ids or objects with ``pk``) as ``kind``.
    A page that shows nobody is not noted; an export of the audit trail always is."""
    ids = sorted({int(getattr(p, "pk", p)) for p in participants if p is not None})
    if not ids and kind != ReadKind.AUDIT:  # nobody shown (an empty list, a staff member's page)
        return
    pending = getattr(request, _PENDING, None)
    if pending is None:
        pending = []
        setattr(request, _PENDING, pending)
    pending.append((kind, ids))


def pending_reads(request) -> list[tuple[str, list[int]]]:
    return list(getattr(request, _PENDING, None) or [])


def mask_note(value) -> str:
    """django-auditlog's mask for a case note's text: the history says a note changed, not what it says."""
    return "[hidden]"


def _organization_label(user) -> str:
    lookup = _ORGANIZATION_NAME.get(user.role)
    if lookup is None:
        return ""
    return User.objects.filter(pk=user.pk).values_list(lookup, flat=True).first() or ""


def flush(request) -> int:
    """Write the request's notes: one insert of the reads, one of the participants they showed.
    Returns how many reads were written."""
    pending = pending_reads(request)
    if not pending:
        return 0
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        user = None  # a page open without log-in (the retention-check link): who is the address
    setattr(request, _PENDING, [])
    match = request.resolver_match
    common = {
        "user_id": user.pk if user else None,
        "role": user.role if user else "",
        "organization": _organization_label(user)[:200] if user else "",
        "ip": client_ip(request)[:45],
        "url_name": (match.view_name if match else "")[:100],
        # The path only: a query string may hold a name typed into a search box.
        "path": request.path[:500],
    }
    rows = [
        ReadEvent(
            kind=kind,
            participant_ids="," + ",".join(map(str, ids)) + "," if ids else "",
            participant_count=len(ids),
            **common,
        )
        for kind, ids in pending
    ]
    # Both inserts or neither. No savepoint: the response is ready, nothing after this can fail
    # in the request's own transaction, and a savepoint costs two more statements per page.
    with transaction.atomic(savepoint=False):
        if connection.features.can_return_rows_from_bulk_insert:  # PostgreSQL, SQLite 3.35+
            ReadEvent.objects.bulk_create(rows)
        else:  # a database that gives no ids back from a bulk insert: one insert per read
            for row in rows:
                row.save()
        ReadEventParticipant.objects.bulk_create(
            ReadEventParticipant(event_id=row.pk, participant_id=pk)
            for row, (_kind, ids) in zip(rows, pending, strict=True)
            for pk in ids
        )
    return len(rows)


def change_history_forget_participant(*, participant_id: int, user_id: int) -> int:
    """Anonymization: the change history keeps that this person's records changed, when and by whom,
    but none of the values (before or after) nor the objects' descriptions, and no longer names
    the person where they were the actor. Returns how many entries were scrubbed.

    Runs last in the anonymization's transaction, so the entries its own saves wrote are scrubbed
    too. ``update()`` on purpose: the change history records no change to itself.
    """
    scrubbed = 0
    entries = LogEntry.objects.filter(participant_change_filter(participant_id)).only("pk", "changes")
    for entry in entries.iterator():
        changes = {field: ["[removed]", "[removed]"] for field in (entry.changes or {})}
        scrubbed += LogEntry.objects.filter(pk=entry.pk).update(
            changes=changes,
            changes_text="",
            object_repr=f"#{entry.object_id or entry.object_pk}",
            serialized_data=None,
            additional_data=None,
        )
    LogEntry.objects.filter(actor_id=user_id).update(actor_email="")
    return scrubbed


def change_history_record_created(instances: Iterable) -> int:
    """The change history's "created" entries of records just written by ``bulk_create`` (which
    sends no signals): the entries django-auditlog writes on a ``save()``, the same actor and client
    address (its context's ``pre_save`` receiver fills them in), written in one insert per 1,000.
    Records of a model the history does not track are skipped. Returns how many entries were written.
    """
    if auditlog_disabled.get():
        return 0
    entries = []
    for instance in instances:
        if not auditlog.contains(type(instance)):
            continue
        changes = model_instance_diff(
            None, instance, use_json_for_changes=getattr(settings, "AUDITLOG_STORE_JSON_CHANGES", False)
        )
        if not changes:
            continue
        entry = LogEntry(
            content_type=ContentType.objects.get_for_model(instance),  # cached after the first
            object_pk=str(instance.pk),
            object_id=instance.pk if isinstance(instance.pk, int) else None,
            object_repr=smart_str(instance),
            serialized_data=LogEntry.objects._get_serialized_data_or_none(instance),
            action=LogEntry.Action.CREATE,
            changes=changes,
            cid=get_cid(),
        )
        get_additional_data = getattr(instance, "get_additional_data", None)
        if callable(get_additional_data):
            entry.additional_data = get_additional_data()
        pre_save.send(sender=LogEntry, instance=entry, raw=False, using="default", update_fields=None)
        entries.append(entry)
    LogEntry.objects.bulk_create(entries, batch_size=1000)
    return len(entries)
