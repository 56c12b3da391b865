"""Writing many new rows of one model at once, as fast as the database takes them.

On PostgreSQL: the primary keys from the table's sequence in one query, then the rows through COPY
(Django 5.2's ``bulk_create`` sends each column as an array literal, which psycopg escapes value by
value in Python: a roster of 10,000 people spent more time there than in the database). Elsewhere
(SQLite): ``bulk_create``. Either way the objects come back saved, with their primary keys, and the
values are exactly what ``bulk_create`` would write (each field's ``pre_save`` and
``get_db_prep_save``). No signals are sent (as with ``bulk_create``).

COPY writes one table, every local column, each value as the field prepares it: a model it cannot
write that way goes to ``bulk_create`` instead (see ``copy_can_write``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import GeneratedField
from django.db.models.fields import NOT_PROVIDED, AutoFieldMixin

COPY_MIN = 50  # below this, bulk_create's one INSERT costs no more

# Values psycopg writes exactly as Django's get_db_prep_save would hand them over on PostgreSQL, by
# the field's internal type: a value of exactly this type skips the per-value preparation (a third of
# the time of a large COPY). Anything else (an enum member, a lazy string, a naive datetime, JSON)
# goes through get_db_prep_save.
_AS_IS = {
    "CharField": str,
    "TextField": str,
    "EmailField": str,
    "SlugField": str,
    "AutoField": int,
    "BigAutoField": int,
    "IntegerField": int,
    "BigIntegerField": int,
    "SmallIntegerField": int,
    "PositiveIntegerField": int,
    "PositiveSmallIntegerField": int,
    "PositiveBigIntegerField": int,
    "BooleanField": bool,
    "DateField": date,
    "DateTimeField": datetime,
}


def _preparer(field, connection):
    """``value -> what COPY writes`` for ``field``: the value itself when it is plainly of the
    field's type, else Django's own preparation."""
    prep = field.get_db_prep_save
    target = field.target_field if field.is_relation else field
    kind = _AS_IS.get(target.get_internal_type())
    if kind is None or type(target).__module__ != "django.db.models.fields":  # Django's own classes only
        return lambda value: prep(value, connection)
    aware = kind is datetime

    def prepare(value):
        if value is None or (type(value) is kind and (not aware or value.tzinfo is not None)):
            return value
        return prep(value, connection)

    return prepare


def copy_can_write(model) -> bool:
    """Whether COPY writes ``model``'s rows as ``bulk_create`` would. Not: a multi-table inherited
    model (its parents' tables need rows first; ``bulk_create`` refuses it with a clear error), a
    GeneratedField (the database computes it; COPY may not name it), a field with ``db_default``
    (unset, its value is an expression for the INSERT, not a value COPY can send)."""
    meta = model._meta
    return not meta.parents and not any(
        isinstance(field, GeneratedField) or field.db_default is not NOT_PROVIDED
        for field in meta.local_concrete_fields
    )


def bulk_insert(model, objs: Sequence, *, batch_size: int = 1000) -> list:
    """Save the new ``objs`` of ``model`` (primary keys unset) and return them, keys filled in."""
    objs = list(objs)
    connection = connections[DEFAULT_DB_ALIAS]  # the connection itself, not the per-attribute proxy
    pk = model._meta.pk
    if (
        connection.vendor != "postgresql"
        or len(objs) < COPY_MIN
        or not isinstance(pk, AutoFieldMixin)
        or any(obj.pk is not None for obj in objs)
        or not copy_can_write(model)
    ):
        return model.objects.bulk_create(objs, batch_size=batch_size)
    table = model._meta.db_table
    fields = model._meta.local_concrete_fields
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, pk.column, len(objs)],
        )
        for obj, (value,) in zip(objs, cursor.fetchall(), strict=True):
            setattr(obj, pk.attname, value)
        columns = ", ".join(quote(field.column) for field in fields)
        prepare = [(field.pre_save, _preparer(field, connection)) for field in fields]
        copying = cursor.cursor.copy(f"COPY {quote(table)} ({columns}) FROM STDIN")
        with connection.wrap_database_errors, copying as copy:  # a duplicate: Django's IntegrityError
            write_row = copy.write_row
            for obj in objs:
                write_row([prep(pre_save(obj, True)) for pre_save, prep in prepare])
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
    return objs
