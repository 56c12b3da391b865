"""A real Celery worker process consumes tasks from Redis and writes to PostgreSQL."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from mtw_portal.accounts import services
from mtw_portal.accounts.models import Invitation
from mtw_portal.accounts.tasks import invitation_send as invitation_send_task
from tests import factories
from tests.services import require_postgres_and_redis

# Committed transactions: the worker must see the rows. The worker is a subprocess. Under xdist (-n)
# these tests share one xdist worker: two Celery workers on the one broker would take each other's
# tasks, and each is connected to its own xdist worker's test database.
pytestmark = [
    pytest.mark.worker,
    pytest.mark.subprocess,
    pytest.mark.xdist_group("celery_worker"),
    pytest.mark.django_db(transaction=True),
]
ROOT = Path(__file__).resolve().parent.parent


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(tmp_path):
    """Start `celery worker` against this test database; yield a reader of its log."""
    require_postgres_and_redis()
    from mtw_portal.celery import app

    app.control.purge()
    log_path = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DATABASE_CONN_MAX_AGE": "0",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        "PYTHONUNBUFFERED": "1",
    }
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "mtw_portal",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"test-{uuid.uuid4().hex[:8]}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for(
            lambda: "ready." in log_path.read_text(),
            what="the worker to start",
            process=process,
            log_path=log_path,
        )
        yield log_path
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def _wait_for(condition, *, what: str, process, log_path: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if process is not None and process.poll() is not None:
            pytest.fail(f"worker exited while waiting for {what}:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}:\n{log_path.read_text()[-3000:]}")


def test_a_real_worker_emails_an_invitation_and_records_it_in_postgres(worker, oic):
    staff = factories.staff_user()
    invitation = services.user_invite(
        email="worker.test@example.test",
        first_name="Wanda",
        last_name="Worker",
        role="navigator",
        organization=oic,
        invited_by=staff,
    )
    _wait_for(
        lambda: Invitation.objects.filter(pk=invitation.pk, sent_at__isnull=False).exists(),
        what="the worker to send the invitation",
        process=None,
        log_path=worker,
    )
    _wait_for(
        lambda: "/invite/" in worker.read_text(),
        what="the email in the worker's output",
        process=None,
        log_path=worker,
    )
    log = worker.read_text()
    assert "worker.test@example.test" in log
    token = re.search(r"/invite/([^/\s]+)/", log).group(1)
    assert services.invitation_from_token(token) == invitation


def test_a_task_delivered_twice_sends_one_email(worker):
    user = factories.UserFactory(email="twice@example.test")
    user.set_unusable_password()
    user.save()
    invitation = services.invitation_create(user=user, created_by=None)  # autocommit: queued at once
    invitation_send_task.delay(invitation.pk)  # a duplicate delivery
    _wait_for(
        lambda: worker.read_text().count("succeeded") >= 2,
        what="both deliveries to finish",
        process=None,
        log_path=worker,
    )
    assert worker.read_text().count("To: twice@example.test") == 1
