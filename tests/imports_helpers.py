"""What the tests of each kind of import share: its files, its command, its upload and preview pages.

A test module makes one :class:`ImportKit` for its kind and takes its helpers from it, e.g.
``csv_bytes, write, run, run_failing = KIT.csv_bytes, KIT.write, KIT.run, KIT.run_failing``.
"""

from __future__ import annotations

import csv
import io
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from mtw_portal.imports.management.commands.import_roster import ImportFailed
from mtw_portal.imports.models import ImportBatch


@dataclass(frozen=True)
class ImportKit:
    """One kind of import, as its tests drive it."""

    kind: str  # as ``import_roster KIND`` names it
    columns: tuple[str, ...]
    filename: str  # of the files written and uploaded
    upload_url_name: str
    preview_url_name: str
    good_row: Callable[[], dict]  # a row that imports cleanly: what ``upload`` sends by default

    def csv_bytes(self, rows: list[dict], *, header: str | None = None, bom: bool = False) -> bytes:
        header = header if header is not None else ",".join(self.columns)
        out = io.StringIO()
        out.write(header + "\r\n")
        writer = csv.writer(out)
        for r in rows:
            writer.writerow([r.get(c, "") for c in header.split(",")])
        return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8")

    def write(self, tmp_path: Path, data: bytes, name: str | None = None) -> Path:
        path = tmp_path / (name or self.filename)
        path.write_bytes(data)
        return path

    def run(self, path: Path, *args: str) -> str:
        out = io.StringIO()
        call_command("import_roster", self.kind, str(path), *args, stdout=out, stderr=io.StringIO())
        return out.getvalue().strip()

    def run_failing(self, path: Path, *args: str) -> list[str]:
        err = io.StringIO()
        with pytest.raises(ImportFailed) as failure:
            call_command("import_roster", self.kind, str(path), *args, stdout=io.StringIO(), stderr=err)
        assert failure.value.returncode == 1
        return err.getvalue().strip().splitlines()

    def upload(self, client, rows: list[dict] | None = None, *, data: bytes | None = None):
        content = data if data is not None else self.csv_bytes(rows or [self.good_row()])
        return client.post(
            reverse(self.upload_url_name), {"file": SimpleUploadedFile(self.filename, content, "text/csv")}
        )

    def preview_url(self, batch: ImportBatch) -> str:
        return reverse(self.preview_url_name, args=[batch.pk])


def snapshot(*models) -> dict:
    """Every record of ``models``, field by field."""
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in models}


def manage_command(tmp_path: Path) -> tuple[list[str], dict[str, str]]:
    """``manage.py`` as a command, and an environment to run it in on a SQLite database of its own."""
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "DJANGO_SECRET_KEY": "test-only-secret-key-not-for-production-use",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    env.pop("CELERY_BROKER_URL", None)
    return [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")], env
