"""A participant's own data download: every field, note and file held about them, as a ZIP.

What is in it is found by walking the models, not listed by hand: every model with a foreign key
to ``Participant`` (``Participant._meta.related_objects``), and one level further every model with
a foreign key to one of those (an enrollment's history and follow-up, a placement's retention
checks), and the account's own rows (role changes, email addresses, notifications). A model added
later is in the download without anyone remembering it. Each model costs one query, whatever the
number of rows.

Withheld, and why (README "The participant's lifecycle"): the password hash and the secrets that
sign links or second factors (``WITHHELD_FIELDS``): they are not information about the person,
and in a file they would let someone else sign in or use a link.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone

from participants.models import Participant

# Secrets, never written to a file: "model label" -> field names.
WITHHELD_FIELDS = {
    "accounts.User": {"password"},
    "placements.RetentionCheck": {"link_nonce"},
    "accounts.Invitation": {"nonce"},
}
# Rows of the user account included besides the participant's (one query each): their inbox
# (notifications to them) too. Notifications about them in someone else's inbox are that person's.
ACCOUNT_RELATIONS = ("role_changes", "emailaddress_set", "notifications")
FILES_DIR = "files"


def _label(model) -> str:
    return model._meta.label


def _value(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or None
    return value


def _row(obj, user_names: dict[int, str]) -> dict:
    """Every concrete field of ``obj``; a link to a user also gives their name."""
    withheld = WITHHELD_FIELDS.get(obj._meta.label, set())
    row = {}
    for field in obj._meta.concrete_fields:
        if field.name in withheld:
            continue
        if field.is_relation:
            pk = getattr(obj, field.attname)
            row[field.name] = pk
            if field.related_model is get_user_model() and pk is not None:
                row[f"{field.name}_name"] = user_names.get(pk, "")
        else:
            row[field.name] = _value(getattr(obj, field.attname))
    return row


def related_models() -> list[tuple[str, models.Field]]:
    """(key, foreign key field) of every model holding rows about a participant, in a fixed order.

    First level: the foreign keys to Participant. Second level: foreign keys to a first-level model
    from a model that is not itself first level.
    """
    first = list(Participant._meta.related_objects)
    first_models = {rel.related_model for rel in first}
    found = [(_label(rel.related_model), rel.field, rel.field.name) for rel in first]
    for rel in first:
        for child in rel.related_model._meta.related_objects:
            if child.related_model in first_models or child.related_model is Participant:
                continue
            if not child.field.concrete:
                continue
            path = f"{child.field.name}__{rel.field.name}"
            found.append((_label(child.related_model), child.field, path))
    return [(label, field, path) for label, field, path in sorted(found, key=lambda f: (f[0], f[2]))]


def participant_data(*, participant: Participant) -> tuple[dict, list]:
    """Everything held about ``participant``: the JSON document, and the stored files
    (``FieldFile``) to put beside it."""
    user = participant.user
    rows: dict[str, list] = {}
    objects = []
    for label, field, path in related_models():
        queryset = field.model._default_manager.filter(**{path: participant}).order_by("pk")
        key = label if label not in rows else f"{label} ({path})"
        found = list(queryset)
        objects.extend(found)
        rows[key] = found
    for relation in ACCOUNT_RELATIONS:
        manager = getattr(user, relation)
        found = list(manager.order_by("pk"))
        objects.extend(found)
        rows[_label(manager.model)] = found
    # Names of the people who wrote notes, logged support, decided: one query.
    user_ids = {user.pk}
    for obj in objects + [participant]:
        for field in obj._meta.concrete_fields:
            if field.is_relation and field.related_model is get_user_model():
                value = getattr(obj, field.attname)
                if value is not None:
                    user_ids.add(value)
    user_names = {
        u.pk: u.display_name
        for u in get_user_model().objects.filter(pk__in=user_ids).only("first_name", "last_name", "email")
    }
    document = {
        "exported_at": timezone.now().isoformat(),
        "about": "Every field the Miami Tech Works portal holds about you. Files are in files/.",
        "account": _row(user, user_names),
        "participant": _row(participant, user_names),
        "organization": str(participant.organization) if participant.organization_id else None,
        "navigator": user_names.get(participant.navigator.user_id) if participant.navigator_id else None,
        "records": {key: [_row(obj, user_names) for obj in found] for key, found in rows.items()},
        "withheld_fields": {label: sorted(names) for label, names in WITHHELD_FIELDS.items()},
    }
    files = []
    for obj in objects:
        for field in obj._meta.concrete_fields:
            if isinstance(field, models.FileField):
                value = getattr(obj, field.attname)
                if value:
                    files.append(value)
    return document, files


def _json_default(value):
    return _value(value) if not isinstance(value, str) else value


def participant_data_zip(*, participant: Participant) -> bytes:
    """The download: ``data.json`` (every field and note) and ``files/`` (receipts, résumés)."""
    document, files = participant_data(participant=participant)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "data.json", json.dumps(document, indent=2, ensure_ascii=False, default=_json_default)
        )
        written = set()
        for stored in files:
            name = f"{FILES_DIR}/{stored.name}"
            if name in written:
                continue
            try:
                with stored.storage.open(stored.name, "rb") as handle:
                    archive.writestr(name, handle.read())
            except FileNotFoundError:
                archive.writestr(f"{name}.missing.txt", "This file is listed but no longer stored.\n")
            written.add(name)
    return buffer.getvalue()


def participant_data_filename() -> str:
    return f"my-mtw-data-{timezone.localdate():%Y-%m-%d}.zip"
