"""Skip, or in CI fail, tests that need services this run does not have."""

from __future__ import annotations

import os
import shutil

import pytest
from django.conf import settings
from django.db import connection

CHROMIUM = os.environ.get("MTW_CHROMIUM", "/usr/bin/chromium")


def _missing(reason: str, required_by: str):
    if os.environ.get(required_by) == "1":
        pytest.fail(f"{reason} ({required_by}=1: CI must not skip this)")
    pytest.skip(reason)


def require_postgres() -> None:
    if connection.vendor != "postgresql":
        _missing("needs PostgreSQL: set DATABASE_URL", "MTW_REQUIRE_SERVICES")


def require_postgres_and_redis() -> None:
    require_postgres()
    if settings.CELERY_TASK_ALWAYS_EAGER:
        _missing("needs Redis: set CELERY_BROKER_URL", "MTW_REQUIRE_SERVICES")


def require_chromium() -> None:
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        _missing(f"needs Chromium at {CHROMIUM} (apt-get install chromium)", "MTW_REQUIRE_BROWSER")
