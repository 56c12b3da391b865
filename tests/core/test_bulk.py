"""core.bulk writes through COPY only the models COPY can write as bulk_create would: a field the
database fills (db_default, GeneratedField) or a multi-table inherited model goes to bulk_create."""

from __future__ import annotations

import pytest
from django.db import connection, models
from django.db.models.functions import Lower
from django.test.utils import isolate_apps

from mtw_portal.core import bulk


@pytest.fixture
def postgresql(db):
    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's; SQLite always writes with bulk_create")


@isolate_apps("django.contrib.contenttypes")
def test_fields_the_database_fills_are_written_by_bulk_create_not_copy(postgresql):
    class Defaulted(models.Model):  # noqa: DJ008
        name = models.CharField(max_length=40)
        status = models.CharField(max_length=20, db_default="new")

        class Meta:
            app_label = "contenttypes"
            db_table = "test_bulk_defaulted"

    class Generated(models.Model):  # noqa: DJ008
        name = models.CharField(max_length=40)
        lowered = models.GeneratedField(
            expression=Lower("name"), output_field=models.CharField(max_length=40), db_persist=True
        )

        class Meta:
            app_label = "contenttypes"
            db_table = "test_bulk_generated"

    with connection.schema_editor() as editor:
        editor.create_model(Defaulted)
        editor.create_model(Generated)
    assert not bulk.copy_can_write(Defaulted) and not bulk.copy_can_write(Generated)
    many = range(bulk.COPY_MIN)
    rows = bulk.bulk_insert(Defaulted, [Defaulted(name=f"Row {i}") for i in many])
    assert all(row.pk is not None for row in rows)
    assert list(Defaulted.objects.order_by("pk").values_list("name", "status")) == [
        (f"Row {i}", "new") for i in many
    ]
    bulk.bulk_insert(Generated, [Generated(name=f"Row {i}") for i in many])
    assert list(Generated.objects.order_by("pk").values_list("lowered", flat=True)) == [
        f"row {i}" for i in many
    ]


@isolate_apps("django.contrib.contenttypes")
def test_a_multi_table_inherited_model_is_refused_as_bulk_create_refuses_it(postgresql):
    class Parent(models.Model):  # noqa: DJ008
        name = models.CharField(max_length=40)

        class Meta:
            app_label = "contenttypes"
            db_table = "test_bulk_parent"

    class Child(Parent):  # noqa: DJ008
        extra = models.CharField(max_length=40)

        class Meta:
            app_label = "contenttypes"
            db_table = "test_bulk_child"

    assert bulk.copy_can_write(Parent) and not bulk.copy_can_write(Child)
    with pytest.raises(ValueError, match="multi-table inherited"):
        bulk.bulk_insert(Child, [Child(name="a", extra="b") for _ in range(bulk.COPY_MIN)])
