"""Settings come from the environment, and bad values stop the portal with a clear message."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from mtw_portal.env import database_from_url, env_bool, env_choice, env_int, env_list, env_url

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("true", True), ("YES", True), ("off", False), ("0", False)]
)
def test_booleans_are_read_in_the_usual_spellings(raw, expected):
    assert env_bool("FLAG", environ={"FLAG": raw}) is expected


def test_an_unset_boolean_takes_its_default():
    assert env_bool("FLAG", default=True, environ={}) is True


def test_a_junk_boolean_is_refused_by_name():
    with pytest.raises(ImproperlyConfigured, match="FLAG='maybe' is not a boolean"):
        env_bool("FLAG", environ={"FLAG": "maybe"})


def test_a_junk_number_is_refused():
    with pytest.raises(ImproperlyConfigured, match="PORT='eighty' is not a whole number"):
        env_int("PORT", 25, environ={"PORT": "eighty"})


def test_a_number_out_of_range_is_refused():
    with pytest.raises(ImproperlyConfigured, match="above the maximum"):
        env_int("PORT", 25, maximum=65535, environ={"PORT": "70000"})


def test_lists_are_comma_separated():
    assert env_list("HOSTS", [], environ={"HOSTS": "a.org, b.org,,"}) == ["a.org", "b.org"]


def test_a_choice_outside_the_list_is_refused():
    with pytest.raises(ImproperlyConfigured, match="must be one of"):
        env_choice("MODE", "a", ("a", "b"), environ={"MODE": "c"})


def test_a_url_with_the_wrong_scheme_is_refused():
    with pytest.raises(ImproperlyConfigured, match="CELERY_BROKER_URL must start with"):
        env_url("CELERY_BROKER_URL", schemes=("redis",), environ={"CELERY_BROKER_URL": "http://localhost"})


def test_a_postgres_url_becomes_a_postgres_database():
    config = database_from_url("postgres://mtw:secret@db.example:5433/mtw")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"], config["USER"]) == (
        "db.example",
        5433,
        "mtw",
        "mtw",
    )


def test_a_database_url_without_a_database_name_is_refused():
    with pytest.raises(ImproperlyConfigured, match="names no database"):
        database_from_url("postgres://mtw@db.example:5432")


def _load_settings(**env) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "CELERY_", "EMAIL_", "MTW_"))
    }
    return subprocess.run(
        [sys.executable, "-c", "import mtw_portal.settings"],
        env={**clean, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.subprocess
def test_settings_load_with_debug_and_nothing_else():
    result = _load_settings(DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off"),
        ({"DJANGO_SECRET_KEY": "short"}, "DJANGO_SECRET_KEY is too short"),
        ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG='maybe' is not a boolean"),
        ({"DJANGO_DEBUG": "1", "DATABASE_URL": "mysql://db/mtw"}, "DATABASE_URL must start with one of"),
        (
            {"DJANGO_DEBUG": "1", "CELERY_BROKER_URL": "amqp://guest@localhost//"},
            "CELERY_BROKER_URL must start with",
        ),
        ({"DJANGO_DEBUG": "1", "EMAIL_PORT": "abc"}, "EMAIL_PORT='abc' is not a whole number"),
        ({"DJANGO_DEBUG": "1", "EMAIL_USE_TLS": "1", "EMAIL_USE_SSL": "1"}, "cannot both be on"),
        (
            {"DJANGO_DEBUG": "1", "MTW_REQUIRE_MFA": "sometimes"},
            "MTW_REQUIRE_MFA='sometimes' is not a boolean",
        ),
        (
            {"DJANGO_DEBUG": "1", "ACCOUNT_EMAIL_VERIFICATION": "never"},
            "ACCOUNT_EMAIL_VERIFICATION='never' must be one of",
        ),
        (
            {"DJANGO_DEBUG": "1", "DJANGO_CSRF_TRUSTED_ORIGINS": "example.org"},
            "must start with http:// or https://",
        ),
        ({"DJANGO_DEBUG": "1", "MTW_BASE_URL": "portal.example.org"}, "MTW_BASE_URL must start with"),
        (
            {"DJANGO_DEBUG": "1", "MTW_SUPPORT_APPROVAL_THRESHOLD": "3000"},
            "cannot be above MTW_SUPPORT_ITEM_CAP",
        ),
        ({"DJANGO_DEBUG": "1", "MTW_SUPPORT_ITEM_CAP": "0"}, "MTW_SUPPORT_ITEM_CAP=0 is below the minimum"),
        ({"DJANGO_DEBUG": "1", "MTW_CACHE_URL": "memcached://cache:11211"}, "MTW_CACHE_URL must start with"),
        ({"DJANGO_DEBUG": "1", "MTW_TRUSTED_PROXY_COUNT": "-1"}, "MTW_TRUSTED_PROXY_COUNT=-1 is below"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
@pytest.mark.subprocess
def test_settings_refuse_bad_values_with_a_clear_message(env, message):
    result = _load_settings(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


@pytest.mark.subprocess
def test_without_a_broker_tasks_run_inline_and_with_one_they_go_to_redis():
    inline = subprocess.run(
        [sys.executable, "-c", "import mtw_portal.settings as s; print(s.CELERY_TASK_ALWAYS_EAGER)"],
        env={**os.environ, "DJANGO_DEBUG": "1", "CELERY_BROKER_URL": ""},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    queued = subprocess.run(
        [
            sys.executable,
            "-c",
            "import mtw_portal.settings as s; print(s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_BROKER_URL)",
        ],
        env={**os.environ, "DJANGO_DEBUG": "1", "CELERY_BROKER_URL": "redis://127.0.0.1:6379/3"},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert inline.stdout.strip() == "True"
    assert queued.stdout.strip() == "False redis://127.0.0.1:6379/3"


@pytest.mark.subprocess
def test_email_verification_is_mandatory_outside_the_demo():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import mtw_portal.settings as s; print(s.ACCOUNT_EMAIL_VERIFICATION, s.MTW_REQUIRE_MFA)",
        ],
        env={
            k: v for k, v in os.environ.items() if k not in ("ACCOUNT_EMAIL_VERIFICATION", "MTW_REQUIRE_MFA")
        }
        | {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "x" * 40},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.stdout.strip() == "mandatory True"


@pytest.mark.subprocess
def test_postgresql_connections_run_without_jit_unless_the_url_says_otherwise():
    def options(url: str) -> str:
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                "import mtw_portal.settings as s; print(s.DATABASES['default'].get('OPTIONS', {}))",
            ],
            env={**os.environ, "DJANGO_DEBUG": "1", "DATABASE_URL": url},
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    assert "'options': '-c jit=off'" in options("postgres://mtw@db.example:5432/mtw")
    assert "jit" not in options("postgres://mtw@db.example:5432/mtw?options=-c%20work_mem%3D64MB")
    assert "jit" not in options("sqlite:////tmp/mtw.sqlite3")


@pytest.mark.django_db
def test_the_test_database_connection_has_jit_off_on_postgresql():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


# --- Secure by default -------------------------------------------------------------------------

_SECURITY_SETTINGS = (
    "import mtw_portal.settings as s; print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, "
    "s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0, s.CACHES['default']['BACKEND'].rsplit('.', 1)[-1], "
    "s.ALLAUTH_TRUSTED_PROXY_COUNT)"
)
_PRODUCTION = {
    "DJANGO_SECRET_KEY": "k" * 25 + "Q7vYp2LwXz9RtB4mNc6HsJd8FgK3aU",
    "DJANGO_ALLOWED_HOSTS": "portal.example.org",
}


def _settings_print(code: str, **env) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DJANGO_", "DATABASE_", "CELERY_", "EMAIL_", "MTW_"))
        }
        | env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.subprocess
def test_with_only_a_key_and_a_host_https_cookies_and_hsts_are_on_and_the_cache_is_shared():
    assert _settings_print(_SECURITY_SETTINGS, **_PRODUCTION) == "True True True True DatabaseCache 0"


@pytest.mark.subprocess
def test_https_is_off_only_when_explicitly_turned_off():
    printed = _settings_print(_SECURITY_SETTINGS, **_PRODUCTION, DJANGO_HTTPS="0")
    assert printed.startswith("False False False False")


@pytest.mark.subprocess
def test_redis_cache_and_proxy_count_come_from_the_environment():
    printed = _settings_print(
        _SECURITY_SETTINGS,
        **_PRODUCTION,
        MTW_CACHE_URL="redis://127.0.0.1:6379/14",
        MTW_TRUSTED_PROXY_COUNT="1",
    )
    assert printed == "True True True True RedisCache 1"


@pytest.mark.subprocess
def test_the_deploy_check_passes_with_only_a_key_and_a_host():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env={
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DJANGO_", "DATABASE_", "CELERY_", "EMAIL_", "MTW_"))
        }
        | {
            "DJANGO_SECRET_KEY": "deploy-check-" + "x7Q" * 15 + "Lm2vB9",
            "DJANGO_ALLOWED_HOSTS": "portal.example.org",
        },
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
