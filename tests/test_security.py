"""Secure by default, one way in: headers, the admin's door, rate limits, secrets kept out of logs.

The secure settings themselves (HTTPS on unless DJANGO_HTTPS=0, the deploy check with only a key
and a host) are tested in tests/test_settings.py; the MFA-per-session guard in
tests/accounts/test_mfa_requirement.py.
"""

import logging
from pathlib import Path

import pytest
from allauth.account import app_settings as allauth_account_settings
from allauth.core.internal.ratelimit import get_cache_key, parse_rates
from django.contrib.auth.decorators import login_not_required
from django.core import mail
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.test import RequestFactory
from django.urls import include, path, reverse

from mtw_portal.accounts.logfilters import RedactSecretsFilter
from mtw_portal.accounts.models import User
from tests import factories

# --- HTTPS -----------------------------------------------------------------------------------


def test_with_https_on_plain_http_is_sent_to_https_but_the_health_check_is_not(client, db, settings):
    # The suite runs over plain http (conftest); here the production default is put back.
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 60 * 60 * 24 * 30
    response = client.get(reverse("core:landing"))
    assert response.status_code == 301
    assert response["Location"].startswith("https://")
    assert client.get(reverse("healthz")).status_code in (200, 503)
    assert "Strict-Transport-Security" in client.get(reverse("core:landing"), secure=True)


# --- Content-Security-Policy ---------------------------------------------------------------


def _csp(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.fixture
def landing_csp(client, db):
    return _csp(client.get(reverse("core:landing")))


def test_scripts_come_only_from_the_portal_never_inline_or_eval(landing_csp):
    assert landing_csp["script-src"] == ["'self'"]


def test_styles_come_only_from_the_portal_never_inline(landing_csp):
    assert landing_csp["style-src"] == ["'self'"]


def test_everything_else_defaults_to_the_portal(landing_csp):
    assert landing_csp["default-src"] == ["'self'"]


def test_images_from_the_portal_or_data_urls(landing_csp):
    assert landing_csp["img-src"] == ["'self'", "data:"]


def test_no_page_may_be_framed(landing_csp):
    assert landing_csp["frame-ancestors"] == ["'none'"]


def test_forms_post_only_to_the_portal(landing_csp):
    assert landing_csp["form-action"] == ["'self'"]


def test_base_url_cannot_be_changed(landing_csp):
    assert landing_csp["base-uri"] == ["'self'"]


def test_no_plugins(landing_csp):
    assert landing_csp["object-src"] == ["'none'"]


def test_signed_in_pages_carry_the_policy_too(client, grant_staff):
    client.force_login(grant_staff)
    response = client.get(reverse("outcomes:dashboard"))
    assert response.status_code == 200
    assert _csp(response)["script-src"] == ["'self'"]


def test_no_template_has_an_inline_script_handler_or_style_attribute(client, grant_staff):
    """The dashboard (Chart.js, progress bars) renders with no inline script or style."""
    client.force_login(grant_staff)
    html = client.get(reverse("outcomes:dashboard")).content.decode()
    assert " style=" not in html
    assert " onclick=" not in html and " onload=" not in html
    for chunk in html.split("<script")[1:]:
        opening = chunk.split(">", 1)[0]
        assert " src=" in opening or 'type="application/json"' in opening, opening


# --- Cache-Control: no-store ---------------------------------------------------------------


def _cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.mark.parametrize("role", ["participant", "navigator", "provider", "employer", "staff"])
def test_pages_for_a_signed_in_user_are_never_stored(client, user_of_role, role):
    from mtw_portal.access import home_url

    user = user_of_role[role]
    client.force_login(user)
    response = client.get(home_url(user))
    assert response.status_code == 200
    assert {"no-store", "private"} <= _cache_control(response)


def test_a_download_is_never_stored(client, participant):
    client.force_login(participant)
    response = client.get(reverse("participants:profile_download"))
    assert response.status_code == 200
    assert {"no-store", "private"} <= _cache_control(response)


def test_public_pages_for_visitors_may_be_cached(client, db):
    response = client.get(reverse("programs:catalogue"))
    assert response.status_code == 200
    assert "no-store" not in _cache_control(response)


# --- One way in: the admin's log-in sends to allauth -----------------------------------------


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser(email="root@example.org", password=factories.PASSWORD)


def test_the_admin_log_in_page_sends_to_the_portal_log_in(client, db):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")


def test_a_password_posted_to_the_admin_log_in_opens_no_session(client, superuser):
    response = client.post(
        "/admin/login/?next=/admin/", {"username": superuser.email, "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


# --- Rate limits: a shared cache, keyed right behind the proxy ------------------------------


def _fail_login(client, email, forwarded_for):
    return client.post(
        reverse("account_login"),
        {"login": email, "password": "wrong-password-1"},
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_behind_one_proxy_failures_from_one_client_do_not_lock_out_another(client, settings, participant):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    # Client A fails ten times, each with a different address so no one account's limit applies.
    for n in range(10):
        _fail_login(client, f"nobody{n}@example.org", "203.0.113.7")
    blocked = _fail_login(client, "nobody-else@example.org", "203.0.113.7")
    assert blocked.status_code == 429 or "Too many" in blocked.content.decode()
    # Client B, through the same proxy (same REMOTE_ADDR), still logs in.
    response = client.post(
        reverse("account_login"),
        {"login": participant.email, "password": factories.PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.20",
    )
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(participant.pk)


@pytest.mark.parametrize("forwarded_for", ["", "garbage", "not-an-ip, also-not", ",,,"])
def test_a_short_or_garbled_forwarded_for_header_never_answers_500(client, settings, db, forwarded_for):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 3
    response = client.post(
        reverse("account_login"),
        {"login": "nobody@example.org", "password": "wrong-password-1"},
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )
    assert response.status_code == 200


def test_failed_log_ins_are_counted_in_the_shared_cache_not_in_this_process(client, db):
    """Another worker process sees the count: a fresh connection to the configured cache finds it."""
    assert not isinstance(caches["default"], LocMemCache)
    _fail_login(client, "nobody@example.org", "")
    request = RequestFactory().post("/", REMOTE_ADDR="127.0.0.1")
    rate = parse_rates(allauth_account_settings.RATE_LIMITS["login_failed"])[0]
    key = get_cache_key(request, app="allauth.account", action="login_failed", rate=rate)
    other_process_cache = caches.create_connection("default")
    assert len(other_process_cache.get(key, [])) == 1


# --- Throttled public forms ----------------------------------------------------------------


def _post_until_refused(client, url, data, allowed):
    for _ in range(allowed):
        assert client.post(url, data).status_code != 429
    return client.post(url, data)


def test_the_employer_account_request_is_throttled(client, db):
    data = {"organization_name": "", "email": "not-an-address"}
    response = _post_until_refused(client, reverse("employers:account_request"), data, allowed=5)
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()


def test_invitation_links_are_throttled(client, db):
    url = reverse("accounts:invitation_accept", args=["not-a-token"])
    response = _post_until_refused(client, url, {"new_password1": "x", "new_password2": "x"}, allowed=20)
    assert response.status_code == 429


def test_retention_check_links_are_throttled(client, db):
    url = reverse("placements:retention_confirm", args=["not-a-token"])
    response = _post_until_refused(client, url, {"outcome": "employed"}, allowed=20)
    assert response.status_code == 429


def test_log_in_is_throttled_per_client(client, db):
    data = {"login": "nobody@example.org", "password": "wrong-password-1"}
    for n in range(30):
        client.post(reverse("account_login"), {**data, "login": f"nobody{n}@example.org"})
    assert client.post(reverse("account_login"), data).status_code == 429


def test_failed_log_ins_lock_the_account_for_a_while(client, participant):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": participant.email, "password": "wrong-password-1"})
    response = client.post(
        reverse("account_login"), {"login": participant.email, "password": factories.PASSWORD}
    )
    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in response.content.decode()


def test_sign_up_is_throttled(client, db):
    data = {"email": "not-an-address", "password1": "x", "password2": "x"}
    response = _post_until_refused(client, reverse("account_signup"), data, allowed=20)
    assert response.status_code == 429


def test_password_reset_is_throttled_per_address(client, participant):
    data = {"email": participant.email}
    for _ in range(5):
        client.post(reverse("account_reset_password"), data)
    response = client.post(reverse("account_reset_password"), data)
    assert response.status_code == 429 or "Too many" in response.content.decode()
    assert len(mail.outbox) <= 5


# --- Secrets never logged ------------------------------------------------------------------


@login_not_required
def _crashing_view(request):
    password = request.POST["password"]  # noqa: F841 (a local variable the report would show)
    form_data = request.POST.dict()  # noqa: F841
    raise RuntimeError("boom")


urlpatterns = [
    path("crash/", _crashing_view),
    path("", include("mtw_portal.urls")),
]


def test_a_server_error_during_a_post_logs_no_password_anywhere(client, db, settings, caplog):
    settings.ROOT_URLCONF = __name__
    settings.ADMINS = [("Admin", "admin@example.org")]
    settings.DATABASE_URL_FOR_TEST = "postgres://mtw:db-secret-xyz@db.example:5432/mtw"
    client.raise_request_exception = False
    secret = "hunter2-very-secret-password"
    with caplog.at_level(logging.ERROR):
        response = client.post("/crash/", {"email": "a@example.org", "password": secret})
    assert response.status_code == 500
    assert "Internal Server Error" in caplog.text
    assert secret not in caplog.text
    assert len(mail.outbox) == 1
    report = mail.outbox[0].body + "".join(str(a[0]) for a in mail.outbox[0].alternatives)
    assert "a@example.org" in report  # the report is there, with the harmless field
    assert secret not in report
    assert "db-secret-xyz" not in report


def test_link_tokens_and_url_passwords_never_reach_the_log():
    token = "MQ:1tXyZa:invitation-token-value-0123456789"
    handlers = [h for h in logging.getLogger().handlers if isinstance(h.formatter, logging.Formatter)]
    console = next(h for h in handlers if any(isinstance(f, RedactSecretsFilter) for f in h.filters))
    lines = [
        ("django.request", "Not Found: %s", (f"/invite/{token}/",)),
        ("django.request", "Gone: %s", (f"/employers/retention/confirm/{token}/",)),
        ("celery", "broker at %s", ("redis://:broker-pass@redis:6379/0",)),
    ]
    for name, message, args in lines:
        record = logging.LogRecord(name, logging.WARNING, __file__, 1, message, args, None)
        assert console.filter(record)
        assert token not in record.getMessage()
        assert "broker-pass" not in record.getMessage()


def test_gunicorn_access_log_never_shows_a_link_token():
    import datetime
    import runpy
    from types import SimpleNamespace

    from gunicorn.config import Config

    logger_class = runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))[
        "logger_class"
    ]
    token = "MQ:1tXyZa:retention-link-token-0123456789"
    path = f"/employers/retention/confirm/{token}/"
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": path,
        "PATH_INFO": path,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.7",
    }
    response = SimpleNamespace(status="200 OK", headers=[], sent=10)
    atoms = logger_class(Config()).atoms(response, [], environ, datetime.timedelta(seconds=1))
    assert token not in atoms["r"] and token not in atoms["U"]
    assert "/employers/retention/confirm/" in atoms["U"]
