"""The fixed cast of the suite: one user per role, and people of other organizations."""

import importlib
import os
from urllib.parse import urlsplit

import pytest
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from django.conf import settings as django_settings
from django.contrib.auth.signals import user_logged_in
from django.db import connection
from django.http import HttpRequest
from django.utils import translation

from tests import factories


def pytest_configure(config):
    # Tests never run collectstatic: serve static files from the finders, unhashed.
    django_settings.STORAGES = {
        **django_settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    django_settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The test client speaks plain http, as a laptop running compose with DJANGO_HTTPS=0 does.
    # The secure default itself is tested in tests/test_settings.py and tests/test_security.py.
    django_settings.SECURE_SSL_REDIRECT = False
    django_settings.SESSION_COOKIE_SECURE = django_settings.CSRF_COOKIE_SECURE = False
    django_settings.SECURE_HSTS_SECONDS = 0
    _redis_cache_of_this_xdist_worker()


def _redis_cache_of_this_xdist_worker():
    """Under pytest-xdist (-n), xdist worker gwN uses Redis database (MTW_CACHE_URL's) - N for the
    cache: each worker empties its cache before every test (_fresh_cache) and must not empty
    another's mid-test. (The database cache needs nothing: each worker has its own test database.)"""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    cache = django_settings.CACHES["default"]
    if not worker.startswith("gw") or not cache["BACKEND"].endswith("RedisCache"):
        return
    url = urlsplit(cache["LOCATION"])
    database = int(url.path.strip("/") or 0) - int(worker[2:])
    if database < 0:
        raise pytest.UsageError(f"MTW_CACHE_URL: no Redis database left for xdist worker {worker}")
    cache["LOCATION"] = url._replace(path=f"/{database}").geturl()


def pytest_collection_modifyitems(config, items):
    """MTW_SKIP_SUBPROCESS_TESTS=1 (make test FAST=1) deselects the tests marked ``subprocess``,
    whatever -m expression the run was given."""
    if os.environ.get("MTW_SKIP_SUBPROCESS_TESTS") != "1":
        return
    kept, deselected = [], []
    for item in items:
        (deselected if item.get_closest_marker("subprocess") else kept).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


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
def _each_test_starts_in_english():
    """A request in another language (the switcher, a log-in with a saved language) activates it
    for the thread, as LocaleMiddleware does: the next test starts in the portal's language."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


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
def _fresh_cache(request):
    """Each test starts with an empty cache: the rate limits are counted there.

    Redis (MTW_CACHE_URL, a database of its own) is emptied before every test. The database
    cache lives in the test database, so it is emptied only for tests that use the database
    (and the test's rollback removes what it wrote).
    """
    from django.core.cache import caches
    from django.core.cache.backends.db import DatabaseCache

    cache = caches["default"]
    if isinstance(cache, DatabaseCache):
        marker = request.node.get_closest_marker("django_db")
        names = request.fixturenames
        transactional = marker is not None and marker.kwargs.get("transaction")
        if transactional or "transactional_db" in names or "live_server" in names:
            request.getfixturevalue("transactional_db")
        elif "db" in names or marker:
            request.getfixturevalue("db")
        else:
            return
    cache.clear()


def _force_login_passes_mfa(sender, request, user, **kwargs):
    # The client's force_login() logs in through a bare HttpRequest (a real request is a
    # WSGIRequest): treat it as a log-in that answered the authenticator step, as the log-in
    # form makes every user with an authenticator do.
    if type(request) is HttpRequest and user.pk:
        totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if totp is not None:
            record_authentication(request, user, "mfa", id=totp.pk, type=totp.type)


@pytest.fixture(autouse=True)
def _force_login_records_the_second_factor(request):
    """Users of the fixed cast with an authenticator, force_login()'d, count as having entered
    a code in that session. Tests of the MFA guard itself opt out with
    ``@pytest.mark.session_without_mfa``."""
    if request.node.get_closest_marker("session_without_mfa"):
        yield
        return
    user_logged_in.connect(_force_login_passes_mfa, dispatch_uid="tests_force_login_passes_mfa")
    yield
    user_logged_in.disconnect(dispatch_uid="tests_force_login_passes_mfa")


@pytest.fixture(autouse=True)
def _read_trail_emptied_after_transactional_tests(request):
    """Tests that commit (live server, ``transaction=True``) are cleaned by deleting every row.
    The read trail (the reads and the participants each showed) refuses DELETE; on SQLite
    (PostgreSQL cleans with TRUNCATE, which fires no row trigger) the tables' delete triggers are
    lifted for that cleaning alone."""
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
    # The participants shown by each read (0002) first, then the reads (0001): each table's delete
    # trigger lifted and put back.
    tables = (
        ("audit_readeventparticipant", "0002_read_event_participant_index"),
        ("audit_readevent", "0001_read_trail"),
    )
    with connection.cursor() as cursor:
        for table, migration in tables:
            guard = importlib.import_module(f"mtw_portal.audit.migrations.{migration}").SQL["sqlite"]
            cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (our own table names)
            cursor.execute(guard[0][1])
