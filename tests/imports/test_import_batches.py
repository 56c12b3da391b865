"""Import batches: a file is read and planned once at upload; old files and rows are purged."""

from __future__ import annotations

import csv
import io
import logging
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mtw_portal.imports import services as import_services
from mtw_portal.imports.models import ImportBatch
from mtw_portal.imports.tasks import import_batches_purge as import_batches_purge_task
from programs.imports import COLUMNS
from programs.models import Enrollment
from tests import factories

START = timezone.localdate() - timedelta(days=120)
BOOTCAMP = "Software Engineering Bootcamp"


def roster(count: int = 2) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for n in range(count):
        values = {
            "email": f"person{n}@example.org",
            "first_name": f"First{n}",
            "last_name": "Diaz",
            "zip_code": "33127",
            "provider": "brainstation",
            "program": BOOTCAMP,
            "start_date": START.isoformat(),
            "status": "active",
        }
        writer.writerow([values.get(c, "") for c in COLUMNS])
    return out.getvalue().encode()


@pytest.fixture
def cohort(brainstation):
    program = factories.program(provider=brainstation, name=BOOTCAMP)
    return factories.cohort(program=program, start_date=START, seats=50)


def upload(client, data: bytes) -> ImportBatch:
    client.post(
        reverse("programs:roster_upload"), {"file": SimpleUploadedFile("roster.csv", data, "text/csv")}
    )
    return ImportBatch.objects.get()


def preview_url(batch: ImportBatch) -> str:
    return reverse("programs:roster_preview", args=[batch.pk])


def test_the_upload_page_states_the_limits_and_how_long_files_are_kept(client, provider_member, settings):
    settings.MTW_IMPORT_RETENTION_DAYS = 45
    client.force_login(provider_member)
    page = client.get(reverse("programs:roster_upload")).content.decode()
    assert "At most 20,000 rows (blank rows count too) and 50 columns." in page
    assert "The file and its rows are deleted 45 days after the upload" in page


# --- Read once, at upload --------------------------------------------------------------------


def test_the_upload_keeps_the_rows_and_the_planned_preview(client, provider_member, cohort):
    client.force_login(provider_member)
    batch = upload(client, roster(3))
    batch = ImportBatch.objects.only("rows", "plan").get(pk=batch.pk)
    assert [number for number, _values in batch.rows["rows"]] == [2, 3, 4]
    assert batch.rows["rows"][0][1][:3] == ["person0@example.org", "First0", "Diaz"]
    assert batch.plan["counts"] == {"created": 3, "updated": 0, "unchanged": 0}


def test_the_preview_shows_the_kept_plan_without_reading_the_file(client, provider_member, cohort):
    client.force_login(provider_member)
    batch = upload(client, roster(2))
    ImportBatch.objects.filter(pk=batch.pk).update(content=b"not a roster at all")
    cohort.delete()  # planning again would now plan a new cohort

    with CaptureQueriesContext(connection) as queries:
        page = client.get(preview_url(batch))
    assert page.context["result"].counts == {"created": 2, "updated": 0, "unchanged": 0}
    assert "new cohort" not in page.content.decode()
    assert "person1@example.org" in page.content.decode()
    assert not any('"content"' in q["sql"] or '"rows"' in q["sql"] for q in queries.captured_queries)


def test_the_preview_of_a_long_file_lists_the_first_rows_and_counts_them_all(client, grant_staff, cohort):
    client.force_login(grant_staff)
    batch = upload(client, roster(230))
    page = client.get(preview_url(batch))
    assert page.context["result"].counts["created"] == 230
    assert len(page.context["actions"]) == 200
    assert "and 30 more rows, counted above." in page.content.decode()


def test_confirming_applies_the_rows_kept_at_upload(client, provider_member, cohort):
    client.force_login(provider_member)
    batch = upload(client, roster(2))
    ImportBatch.objects.filter(pk=batch.pk).update(content=b"not a roster at all")
    client.post(preview_url(batch))
    assert Enrollment.objects.filter(cohort=cohort).count() == 2
    batch.refresh_from_db()
    assert batch.applied_at is not None


def test_an_unreadable_file_keeps_its_problems_and_confirming_writes_nothing(client, provider_member, cohort):
    client.force_login(provider_member)
    batch = upload(client, b"name,phone\r\nAna,555\r\n")
    assert ImportBatch.objects.only("rows").get(pk=batch.pk).rows is None
    page = client.post(preview_url(batch)).content.decode()
    assert "missing columns: email" in page
    assert not Enrollment.objects.exists()
    batch.refresh_from_db()
    assert batch.applied_at is None


def test_a_batch_kept_from_before_plans_were_stored_is_planned_once(client, provider_member, cohort):
    batch = ImportBatch.objects.create(
        kind="enrollments",
        uploaded_by=provider_member,
        scope_provider=cohort.program.provider,
        filename="r.csv",
        content=roster(1),
    )
    client.force_login(provider_member)
    assert client.get(preview_url(batch)).context["result"].counts["created"] == 1
    assert ImportBatch.objects.only("plan").get(pk=batch.pk).plan["counts"]["created"] == 1
    client.post(preview_url(batch))
    assert Enrollment.objects.count() == 1


# --- Purge after MTW_IMPORT_RETENTION_DAYS ------------------------------------------------------


def aged(batch: ImportBatch, days: int) -> ImportBatch:
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=timezone.now() - timedelta(days=days))
    return batch


def test_the_purge_deletes_old_files_and_rows_and_keeps_the_summary(
    client, provider_member, cohort, settings
):
    settings.MTW_IMPORT_RETENTION_DAYS = 30
    client.force_login(provider_member)
    old = aged(upload(client, roster(2)), 31)
    client.post(preview_url(old))
    recent = upload_another(client, roster(1))

    assert import_services.import_batches_purge() == 1

    old = ImportBatch.objects.defer(None).get(pk=old.pk)
    assert (bytes(old.content), old.rows, old.filename) == (b"", None, "")
    assert old.plan == {"kind": "enrollments", "counts": {"created": 2, "updated": 0, "unchanged": 0}}
    assert old.result == {"kind": "enrollments", "applied": True, "counts": old.plan["counts"]}
    assert (old.uploaded_by, old.applied_at is not None, old.purged_at is not None) == (
        provider_member,
        True,
        True,
    )
    recent = ImportBatch.objects.defer(None).get(pk=recent.pk)
    assert bytes(recent.content) == roster(1)
    assert recent.rows is not None and recent.purged_at is None
    assert "Imported on" in client.get(preview_url(old)).content.decode()


def upload_another(client, data: bytes) -> ImportBatch:
    client.post(reverse("programs:roster_upload"), {"file": SimpleUploadedFile("b.csv", data, "text/csv")})
    return ImportBatch.objects.order_by("-pk").first()


def test_the_purge_run_twice_purges_nothing_more(client, provider_member, cohort):
    client.force_login(provider_member)
    aged(upload(client, roster(1)), settings.MTW_IMPORT_RETENTION_DAYS + 1)
    assert import_batches_purge_task.delay().get() == 1
    assert import_services.import_batches_purge() == 0


def test_a_batch_that_cannot_be_purged_is_logged_and_the_others_are_purged(
    client, provider_member, cohort, caplog
):
    client.force_login(provider_member)
    days = settings.MTW_IMPORT_RETENTION_DAYS + 1
    first = aged(upload(client, roster(1)), days)
    missing = aged(upload_another(client, roster(1)), days)
    ImportBatch.objects.filter(pk=missing.pk).update(content=b"", rows=None)  # the file is already gone
    broken = aged(upload_another(client, roster(1)), days)
    ImportBatch.objects.filter(pk=broken.pk).update(plan=["not", "a", "plan"])
    last = aged(upload_another(client, roster(1)), days)

    with caplog.at_level(logging.ERROR, logger="mtw_portal.imports.services"):
        assert import_services.import_batches_purge() == 3

    purged = set(ImportBatch.objects.exclude(purged_at=None).values_list("pk", flat=True))
    assert purged == {first.pk, missing.pk, last.pk}
    assert f"import batch {broken.pk} could not be purged" in caplog.text


def test_a_purged_batch_that_was_never_imported_cannot_be_confirmed(client, provider_member, cohort):
    client.force_login(provider_member)
    batch = aged(upload(client, roster(1)), settings.MTW_IMPORT_RETENTION_DAYS + 1)
    import_services.import_batches_purge()
    page = client.get(preview_url(batch)).content.decode()
    assert "the file was deleted" in page
    assert "Import this roster" not in page
    client.post(preview_url(batch))
    assert not Enrollment.objects.exists()
    batch.refresh_from_db()
    assert batch.applied_at is None


def test_the_purge_command_says_how_many_batches_it_purged(client, provider_member, cohort):
    client.force_login(provider_member)
    aged(upload(client, roster(1)), settings.MTW_IMPORT_RETENTION_DAYS + 1)
    out = io.StringIO()
    call_command("purge_import_files", stdout=out)
    assert (
        out.getvalue().strip()
        == f"1 import batches purged (older than {settings.MTW_IMPORT_RETENTION_DAYS} days)"
    )


def test_the_purge_runs_every_night():
    entry = next(
        e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"].endswith("import_batches_purge")
    )
    assert entry["task"] == "mtw_portal.imports.tasks.import_batches_purge"
