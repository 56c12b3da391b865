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
from auditlog.diff import get_field_value, get_mask_function, model_instance_diff, track_field
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection, transaction
from django.db.models import DateTimeField, JSONField
from django.db.models.signals import pre_save
from django.utils.encoding import smart_str

from mtw_portal import access
from mtw_portal.audit.models import ReadEvent, ReadEventParticipant, ReadKind
from mtw_portal.audit.selectors import participant_change_filter
from mtw_portal.clientip import client_ip
from mtw_portal.core.bulk import bulk_insert

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
        "organization": access.organization_name_of(user)[:200] if user else "",
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


def _created_changes(model):
    """``instance -> changes`` for a record of ``model`` just created: what django-auditlog's
    ``model_instance_diff(None, instance)`` returns (every tracked field that differs from the string
    "None", as ("None", value)), with the field list and each field's reader worked out once per
    model instead of once per record. Datetimes and JSON fields, and any value whose reading fails,
    go through django-auditlog's own ``get_field_value``."""
    options = auditlog.get_model_fields(model)
    fields = [f for f in model._meta.get_fields() if track_field(f)]
    if options["include_fields"]:
        fields = [f for f in fields if f.name in options["include_fields"]]
    fields = [f for f in fields if f.name not in options["exclude_fields"]]
    mask = get_mask_function(options.get("mask_callable")) if options["mask_fields"] else None
    by_fk_id = not settings.AUDITLOG_USE_FK_STRING_REPRESENTATION
    readers = []
    for f in fields:
        if isinstance(f, DateTimeField | JSONField):
            reader = None
        elif by_fk_id and (f.one_to_one or f.many_to_one) and hasattr(f, "rel_class"):
            reader = (f.get_attname(), True)
        else:
            reader = (f.name, False)
        readers.append((f, reader, mask if mask and f.name in options["mask_fields"] else None))

    def changes_of(instance) -> dict | None:
        changes = {}
        for f, reader, masked in readers:
            try:
                if reader is None:
                    value = get_field_value(instance, f)
                elif reader[1]:  # a key: smart_str(strings_only=True) keeps an int or None as it is
                    value = getattr(instance, reader[0])
                    if value is not None and type(value) is not int:
                        value = smart_str(value, strings_only=True)
                else:
                    value = getattr(instance, reader[0])
                    if type(value) is not str:  # smart_str of a str is the str itself
                        value = smart_str(value)
                        if type(value).__name__ == "__proxy__":
                            value = str(value)
            except (ObjectDoesNotExist, AttributeError):
                value = get_field_value(instance, f)
            if value != "None":  # the "old" value of a new record, as django-auditlog reads it
                new = value if type(value) is str else smart_str(value)
                changes[f.name] = (masked("None"), masked(new)) if masked else ("None", new)
        return changes or None

    return changes_of


def change_history_record_created(instances: Iterable) -> int:
    """The change history's "created" entries of records just written by ``bulk_create`` (which
    sends no signals): the entries django-auditlog writes on a ``save()`` (same changes, actor, client
    address, content type, keys and text), written together (COPY on PostgreSQL). The actor and client
    address come from django-auditlog's context (its ``pre_save`` receiver), read once for them all.
    Records of a model the history does not track are skipped. Returns how many entries were written.
    """
    if auditlog_disabled.get():
        return 0
    use_json = getattr(settings, "AUDITLOG_STORE_JSON_CHANGES", False)
    context = LogEntry()
    pre_save.send(sender=LogEntry, instance=context, raw=False, using="default", update_fields=None)
    from_context = {
        f.attname: getattr(context, f.attname)
        for f in LogEntry._meta.concrete_fields
        if f.attname not in ("id", "timestamp") and getattr(context, f.attname) != f.get_default()
    }
    cid = get_cid()
    readers, content_types, serialized = {}, {}, {}
    entries = []
    for instance in instances:
        model = type(instance)
        if model not in readers:
            readers[model] = None
            if auditlog.contains(model):
                readers[model] = (
                    (lambda i: model_instance_diff(None, i, use_json_for_changes=True))
                    if use_json
                    else _created_changes(model)
                )
                content_types[model] = ContentType.objects.get_for_model(instance)
                serialized[model] = auditlog.get_serialize_options(model)["serialize_data"]
        if not readers[model]:
            continue
        changes = readers[model](instance)
        if not changes:
            continue
        entry = LogEntry(
            content_type_id=content_types[model].pk,
            object_pk=str(instance.pk),
            object_id=instance.pk if isinstance(instance.pk, int) else None,
            object_repr=smart_str(instance),
            serialized_data=LogEntry.objects._get_serialized_data_or_none(instance)
            if serialized[model]
            else None,
            action=LogEntry.Action.CREATE,
            changes=changes,
            cid=cid,
            **from_context,
        )
        get_additional_data = getattr(instance, "get_additional_data", None)
        if callable(get_additional_data):
            entry.additional_data = get_additional_data()
        entries.append(entry)
    bulk_insert(LogEntry, entries)
    return len(entries)
