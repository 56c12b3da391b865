"""scripts/backup and scripts/restore: a backup restored into a new database holds the same data."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.db import connection
from psycopg import sql

from participants import services as participant_services
from tests import factories
from tests.services import require_postgres

# Both tests run scripts/backup (and scripts/restore) in a subprocess.
pytestmark = pytest.mark.subprocess

ROOT = Path(__file__).resolve().parent.parent
KEY_TABLES = ("accounts_user", "participants_participant", "participants_casenote", "programs_enrollment")


def _url(name: str) -> str:
    s = connection.settings_dict
    auth = quote(s["USER"] or "postgres", safe="")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"], safe="")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


def _fingerprint(url: str) -> tuple[dict, dict]:
    """Row counts of every table of the public schema, and a checksum of the key tables' rows."""
    with psycopg.connect(url, autocommit=True) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        counts = {
            t: conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(t))).fetchone()[0]
            for t in tables
        }
        checksum = "SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x.id), '')) FROM {} x"
        sums = {
            t: conn.execute(sql.SQL(checksum).format(sql.Identifier(t))).fetchone()[0] for t in KEY_TABLES
        }
    return counts, sums


def _run(script: str, *args: str, env: dict) -> str:
    result = subprocess.run(
        [str(ROOT / "scripts" / script), *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_a_new_database_has_the_same_data(tmp_path, oic, brainstation):
    require_postgres()
    navigator = factories.navigator_user(organization=oic)
    cohort = factories.cohort(program=factories.program(provider=brainstation))
    for i in range(3):
        record = factories.participant_record(organization=oic)
        factories.enrollment(participant=record, cohort=cohort, status="active")
        participant_services.case_note_add(participant=record, author=navigator, body=f"Note {i} ✓")
    media = tmp_path / "media"
    (media / "receipts" / "1").mkdir(parents=True)
    (media / "receipts" / "1" / "r.png").write_bytes(b"\x89PNG receipt")

    source = _url(connection.settings_dict["NAME"])
    before = _fingerprint(source)
    assert before[0]["participants_participant"] == 3

    out = _run(
        "backup", str(tmp_path / "backups"), env={"DATABASE_URL": source, "MTW_MEDIA_ROOT": str(media)}
    )
    dump, files = out.split()
    assert dump.endswith(".dump") and files.endswith(".media.tar.gz")

    restored_name = f"{connection.settings_dict['NAME']}_restored"
    with psycopg.connect(source, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{restored_name}"')
        conn.execute(f'CREATE DATABASE "{restored_name}"')
    try:
        restored_media = tmp_path / "restored-media"
        target = _url(restored_name)
        _run("restore", dump, env={"DATABASE_URL": target, "MTW_MEDIA_ROOT": str(restored_media)})
        assert _fingerprint(target) == before
        assert (restored_media / "receipts" / "1" / "r.png").read_bytes() == b"\x89PNG receipt"
        # Restoring again over the restored database (--clean --if-exists) gives the same data.
        _run("restore", dump, env={"DATABASE_URL": target, "MTW_MEDIA_ROOT": str(restored_media)})
        assert _fingerprint(target) == before
    finally:
        with psycopg.connect(source, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{restored_name}" WITH (FORCE)')


def test_backup_refuses_a_database_url_that_is_not_postgresql(tmp_path):
    result = subprocess.run(
        [str(ROOT / "scripts" / "backup"), str(tmp_path)],
        env={**os.environ, "DATABASE_URL": "sqlite:///db.sqlite3"},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "postgres://" in result.stderr
