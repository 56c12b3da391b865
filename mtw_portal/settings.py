"""MTW Portal settings: one module, every difference between environments from the environment.

With no variables set beyond DJANGO_DEBUG=1 (what `make demo` does), the portal runs on
an embedded SQLite database with Celery tasks run inline. Production and CI set
DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis). See README, "Configuration".
"""

import os
import re
from pathlib import Path

from celery.schedules import crontab
from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from mtw_portal.env import database_from_url, env_bool, env_choice, env_int, env_list, env_url

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "").strip()
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105
elif len(SECRET_KEY) < 32 and not DEBUG:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY is too short: use at least 32 random characters.")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
for _origin in CSRF_TRUSTED_ORIGINS:
    if not _origin.startswith(("http://", "https://")):
        raise ImproperlyConfigured(
            f"DJANGO_CSRF_TRUSTED_ORIGINS entry {_origin!r} must start with http:// or https://."
        )

# --- Security (issue 10: secure by default, one way in) -------------------------------------
# Behind TLS unless told otherwise: with DEBUG off, secure cookies, HSTS and the redirect to
# https are on unless DJANGO_HTTPS=0 (a laptop running compose over plain http).
HTTPS = env_bool("DJANGO_HTTPS", default=not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
# The container health check asks over plain http from inside the container.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 30 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
# Browser preload lists are a commitment for the whole domain: on only when asked for.
SECURE_HSTS_PRELOAD = HTTPS and env_bool("DJANGO_HSTS_PRELOAD")
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("DJANGO_BEHIND_PROXY") else None
# How many reverse proxies of ours stand in front of the portal: the client's address (rate
# limits, audit trail) is read that many places from the right of X-Forwarded-For.
MTW_TRUSTED_PROXY_COUNT = env_int("MTW_TRUSTED_PROXY_COUNT", 0, minimum=0, maximum=5)
ALLAUTH_TRUSTED_PROXY_COUNT = MTW_TRUSTED_PROXY_COUNT
# Content-Security-Policy (django-csp): scripts and styles only from our own static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# The shared cache: allauth's rate limits (and ours) must be counted once for all workers.
# Redis when MTW_CACHE_URL is set, otherwise a table in the database (`manage.py
# createcachetable`); never one process's memory.
_cache_url = env_url("MTW_CACHE_URL", schemes=("redis", "rediss"))
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache_url}
    if _cache_url
    else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "mtw_cache"}
}
# Explicit throttles, per client address (ip) or per email or token (key). Our own public forms
# use the same machinery (mtw_portal/accounts/throttle.py) and answer with the 429 page.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip,100/h/ip",
    "reset_password": "20/m/ip,5/h/key",
    "reset_password_from_key": "20/m/ip",
    "reauthenticate": "10/m/user",
    "employer_account_request": "5/h/ip",
    "invitation_accept": "20/m/ip",
    "retention_confirm": "20/m/ip",
}
# Error reports and logs never show these (settings, POST fields and local variables).
DEFAULT_EXCEPTION_REPORTER_FILTER = "mtw_portal.accounts.logfilters.ExceptionReporterFilter"
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_HOURS", 12, minimum=1, maximum=24 * 30) * 3600

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # third party
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    "csp",
    "auditlog",
    # ours
    "mtw_portal.accounts",
    "mtw_portal.core",
    "mtw_portal.imports",
    "mtw_portal.audit",
    "mtw_portal.notifications",
    # the domain
    "programs",
    "participants",
    "employers",
    "placements",
    "coalition",
    # figures and the funder's reports
    "outcomes",
    "reports",
    # demo data (seed_demo)
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response (django-csp; the policy is under "Security").
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Cache-Control: no-store on every response to a signed-in user and on every download.
    "mtw_portal.accounts.middleware.NoStoreMiddleware",
    # Every page needs a signed-in user unless its view is marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "mtw_portal.accounts.middleware.RequireMFAMiddleware",
    # The audit trail: changes (django-auditlog, with our client address) and reads (one insert
    # per request, after the view).
    "mtw_portal.audit.middleware.ChangeHistoryMiddleware",
    "mtw_portal.audit.middleware.ReadTrailMiddleware",
]

ROOT_URLCONF = "mtw_portal.urls"
WSGI_APPLICATION = "mtw_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "mtw_portal.core.context_processors.portal",
            ],
        },
    },
]

# Database: SQLite in the checkout unless DATABASE_URL names PostgreSQL.
_database_url = env_url("DATABASE_URL", schemes=("postgres", "postgresql", "pgsql", "sqlite"))
if _database_url:
    DATABASES = {
        "default": database_from_url(
            _database_url, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0)
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "db.sqlite3",
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiler is for long analytical queries: on the dashboard's aggregates (a
    # dozen EXISTS conditions per participant) it spent 2.2 s of a 2.4 s query compiling, at
    # 20,000 participants. Off unless DATABASE_URL sets ?options= itself.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:dispatch"
LOGOUT_REDIRECT_URL = "core:landing"

# django-allauth: email is the login; verification mandatory outside the demo.
ACCOUNT_ADAPTER = "mtw_portal.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = env_choice(
    "ACCOUNT_EMAIL_VERIFICATION", "optional" if DEBUG else "mandatory", ("mandatory", "optional", "none")
)
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[MTW Portal] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "MTW Portal"
# Roles other than participant must set up an authenticator app before using the portal.
MTW_REQUIRE_MFA = env_bool("MTW_REQUIRE_MFA", default=not DEBUG)
# How long an emailed invitation to claim an account stays valid.
MTW_INVITATION_DAYS = env_int("MTW_INVITATION_DAYS", 14, minimum=1, maximum=90)

# Wraparound support: no single item may exceed the cap; items above the threshold need a
# second person's approval before they count.
MTW_SUPPORT_ITEM_CAP = env_int("MTW_SUPPORT_ITEM_CAP", 2000, minimum=1)
MTW_SUPPORT_APPROVAL_THRESHOLD = env_int("MTW_SUPPORT_APPROVAL_THRESHOLD", 250, minimum=0)
if MTW_SUPPORT_APPROVAL_THRESHOLD > MTW_SUPPORT_ITEM_CAP:
    raise ImproperlyConfigured("MTW_SUPPORT_APPROVAL_THRESHOLD cannot be above MTW_SUPPORT_ITEM_CAP.")
# The grant's special project code, sent in every row of the WIOA extract for the local workforce
# board (reports.wioa, PIRL 105 "Special Project ID - 1"). Empty: the extract page says so and
# offers no download.
MTW_WIOA_SPECIAL_PROJECT_ID = os.environ.get("MTW_WIOA_SPECIAL_PROJECT_ID", "").strip().upper()
if MTW_WIOA_SPECIAL_PROJECT_ID and not re.fullmatch(r"[A-Z0-9-]{1,20}", MTW_WIOA_SPECIAL_PROJECT_ID):
    raise ImproperlyConfigured(
        "MTW_WIOA_SPECIAL_PROJECT_ID must be 1 to 20 letters, digits or hyphens (e.g. HG-12345-24)."
    )
# Employers' one-click retention confirmation links stay valid this many days.
MTW_RETENTION_LINK_DAYS = env_int("MTW_RETENTION_LINK_DAYS", 30, minimum=1, maximum=365)
MTW_RESUME_MAX_MB = env_int("MTW_RESUME_MAX_MB", 5, minimum=1, maximum=50)
# Records are kept this many years after the grant's end date before a deactivated participant
# may be anonymized (federal grants: three years after closeout, 2 CFR 200.334).
MTW_RECORD_RETENTION_YEARS = env_int("MTW_RECORD_RETENTION_YEARS", 3, minimum=0, maximum=100)

# Uploads (receipts, rosters): size limits in megabytes.
MTW_RECEIPT_MAX_MB = env_int("MTW_RECEIPT_MAX_MB", 5, minimum=1, maximum=50)
MTW_IMPORT_MAX_MB = env_int("MTW_IMPORT_MAX_MB", 10, minimum=1, maximum=100)
# Days an uploaded import file, its rows and its preview are kept; the nightly purge deletes them after.
MTW_IMPORT_RETENTION_DAYS = env_int("MTW_IMPORT_RETENTION_DAYS", 30, minimum=1, maximum=3650)
# Outcomes roll-up: a change queues one roll-up this many seconds later; changes meanwhile join it.
MTW_ROLLUP_DEBOUNCE_SECONDS = env_int("MTW_ROLLUP_DEBOUNCE_SECONDS", 60, minimum=1, maximum=3600)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Internationalisation: English, Spanish and Haitian Creole.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("ht", _("Haitian Creole")),
]
LANG_INFO.setdefault(
    "ht", {"bidi": False, "code": "ht", "name": "Haitian Creole", "name_local": "Kreyòl ayisyen"}
)
LOCALE_PATHS = [BASE_DIR / "locale"]
# Short dates name the month in every language; Miami's number formats (see mtw_portal/formats/).
FORMAT_MODULE_PATH = ["mtw_portal.formats"]
USE_I18N = True
TIME_ZONE = "America/New_York"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("MTW_MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on.")
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "MTW Portal <no-reply@miamitechworks.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ADMINS = [("Admin", a) for a in env_list("DJANGO_ADMINS", [])]

# Celery: Redis when CELERY_BROKER_URL is set; tasks run inline (eagerly) when it is not.
CELERY_BROKER_URL = env_url("CELERY_BROKER_URL", schemes=("redis", "rediss"))
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
if CELERY_BROKER_URL is None:
    CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# Publishing must fail fast when Redis is down: the row that asked for the task is
# already committed, and the periodic sweeps below pick up whatever was not queued.
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "send-pending-invitations": {
        "task": "mtw_portal.accounts.tasks.invitations_send_pending",
        "schedule": 300.0,
    },
    "send-due-retention-reminders": {
        "task": "placements.tasks.retention_reminders_send_due",
        "schedule": 6 * 3600.0,
    },
    "clear-expired-sessions": {
        "task": "mtw_portal.core.tasks.sessions_clear_expired",
        "schedule": 24 * 3600.0,
    },
    "nightly-outcomes-rollup": {
        "task": "outcomes.tasks.outcomes_rollup",
        "schedule": crontab(hour=2, minute=30),
    },
    "send-pending-notifications": {
        "task": "mtw_portal.notifications.tasks.notifications_send_pending",
        "schedule": 300.0,
    },
    "daily-notification-digest": {
        "task": "mtw_portal.notifications.tasks.digests_send",
        "schedule": crontab(hour=7, minute=0),
    },
    "daily-follow-ups-due": {
        "task": "programs.tasks.follow_ups_due_notify",
        "schedule": crontab(hour=6, minute=30),
    },
    "nightly-import-files-purge": {
        "task": "mtw_portal.imports.tasks.import_batches_purge",
        "schedule": crontab(hour=3, minute=15),
    },
    "nightly-pending-receipts-purge": {
        "task": "participants.tasks.pending_receipts_purge",
        "schedule": crontab(hour=3, minute=30),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Link tokens and URL passwords are blanked out of every line (mtw_portal/accounts/logfilters.py).
    "filters": {"redact_secrets": {"()": "mtw_portal.accounts.logfilters.RedactSecretsFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact_secrets"]}
    },
    "root": {
        "handlers": ["console"],
        "level": env_choice("DJANGO_LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")),
    },
}

# Where the portal is reached from outside: links in emails sent by background tasks.
MTW_BASE_URL = env_url("MTW_BASE_URL", schemes=("http", "https")) or "http://127.0.0.1:8000"

# Text messages (participants who gave a mobile number and opted in): a dotted path to a backend in
# mtw_portal/notifications/sms.py. The console backend logs them; Twilio needs the three settings below.
MTW_SMS_BACKEND = os.environ.get("MTW_SMS_BACKEND", "mtw_portal.notifications.sms.ConsoleSMSBackend")
TWILIO_ACCOUNT_SID = os.environ.get("TWILIO_ACCOUNT_SID", "")
TWILIO_AUTH_TOKEN = os.environ.get("TWILIO_AUTH_TOKEN", "")
TWILIO_FROM_NUMBER = os.environ.get("TWILIO_FROM_NUMBER", "")
