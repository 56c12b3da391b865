"""The fixed cast of the suite: one user per role, and people of other organizations."""

import importlib

import pytest
from django.conf import settings as django_settings
from django.db import connection

from tests import factories


def pytest_configure(config):
    # Tests never run collectstatic: serve static files from the finders, unhashed.
    django_settings.STORAGES = {
        **django_settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    django_settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def participant(db):
    return factories.participant_user()


@pytest.fixture
def other_participant(db):
    return factories.participant_user()


@pytest.fixture
def oic(db):
    return factories.community_organization("oic")


@pytest.fixture
def united_way(db):
    return factories.community_organization("united-way")


@pytest.fixture
def brainstation(db):
    return factories.provider("brainstation")


@pytest.fixture
def fourgeeks(db):
    return factories.provider("4geeks")


@pytest.fixture
def navigator(oic):
    return factories.navigator_user(organization=oic)


@pytest.fixture
def other_navigator(united_way):
    return factories.navigator_user(organization=united_way)


@pytest.fixture
def provider_member(brainstation):
    return factories.provider_user(provider=brainstation)


@pytest.fixture
def read_only_provider_member(brainstation):
    return factories.provider_user(provider=brainstation, can_edit=False)


@pytest.fixture
def other_provider_member(fourgeeks):
    return factories.provider_user(provider=fourgeeks)


@pytest.fixture
def employer(db):
    return factories.EmployerFactory()


@pytest.fixture
def other_employer(db):
    return factories.EmployerFactory()


@pytest.fixture
def employer_member(employer):
    return factories.employer_user(employer=employer)


@pytest.fixture
def other_employer_member(other_employer):
    return factories.employer_user(employer=other_employer)


@pytest.fixture
def grant_staff(db):
    return factories.staff_user()


@pytest.fixture
def user_of_role(participant, navigator, provider_member, employer_member, grant_staff):
    """Look up the fixed cast by role value."""
    return {
        "participant": participant,
        "navigator": navigator,
        "provider": provider_member,
        "employer": employer_member,
        "staff": grant_staff,
    }


@pytest.fixture(autouse=True)
def _tasks_run_inline(request):
    """Tasks run inline so a test sees their effect, even when a broker is configured.

    Tests marked ``worker`` are left alone: they exercise a real worker through Redis.
    """
    from mtw_portal.celery import app

    if request.node.get_closest_marker("worker"):
        yield
        return
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: allauth's log-in rate limits are counted there."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _read_trail_emptied_after_transactional_tests(request):
    """Tests that commit (live server, ``transaction=True``) are cleaned by deleting every row.
    The read trail refuses DELETE; on SQLite (PostgreSQL cleans with TRUNCATE, which fires no row
    trigger) its delete trigger is lifted for that cleaning alone."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "live_server" in request.fixturenames or (
        marker is not None and marker.kwargs.get("transaction")
    )
    if not transactional:
        yield
        return
    request.getfixturevalue("transactional_db")
    yield
    if connection.vendor != "sqlite":
        return
    guard = importlib.import_module("mtw_portal.audit.migrations.0001_read_trail").SQL["sqlite"]
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER IF EXISTS audit_readevent_no_delete")
        cursor.execute("DELETE FROM audit_readevent")
        cursor.execute(guard[0][1])
