import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from employers.models import Employer
from mtw_portal.access import ROLE_HOME
from mtw_portal.accounts.models import Role, User
from participants.models import CommunityOrganization
from programs.models import Provider


def test_healthz_reports_the_database_and_broker(client, db, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["database"] == "ok"
    assert body["broker"] == ("inline" if settings.CELERY_TASK_ALWAYS_EAGER else "ok")


def test_reference_data_is_there_after_migrate(db):
    assert set(Provider.objects.values_list("code", flat=True)) >= {
        "brainstation",
        "4geeks",
        "mdc",
        "fiu",
        "fmu",
    }
    assert set(CommunityOrganization.objects.values_list("name", flat=True)) >= {
        "OIC of South Florida",
        "United Way Miami",
    }


def _snapshot():
    return (
        sorted(User.objects.values_list("email", "role", "password")),
        sorted(Employer.objects.values_list("name", flat=True)),
    )


def test_seed_demo_twice_changes_nothing(db):
    call_command("seed_demo", stdout=None)
    first = _snapshot()
    call_command("seed_demo")
    assert _snapshot() == first
    from demo.seed import DEMO_ACCOUNTS

    assert User.objects.filter(email__in=[spec.email for spec in DEMO_ACCOUNTS]).count() == 8


@pytest.mark.parametrize(
    ("email", "role", "organization"),
    [
        ("participant@demo.test", Role.PARTICIPANT, None),
        ("navigator@demo.test", Role.NAVIGATOR, "OIC of South Florida"),
        ("navigator2@demo.test", Role.NAVIGATOR, "United Way Miami"),
        ("provider@demo.test", Role.PROVIDER, "BrainStation"),
        ("employer@demo.test", Role.EMPLOYER, "UKG"),
        ("staff@demo.test", Role.STAFF, None),
    ],
)
def test_demo_accounts_log_in_with_the_demo_password(client, db, settings, email, role, organization):
    settings.MTW_REQUIRE_MFA = False
    call_command("seed_demo")
    response = client.post(reverse("account_login"), {"login": email, "password": "mtw-demo-pass"})
    assert response["Location"] == reverse(ROLE_HOME[role])
    from mtw_portal.accounts.selectors import user_organization

    assert str(user_organization(User.objects.get(email=email)) or "") == (organization or "")


def test_demo_password_can_be_overridden(db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "another-demo-pass")
    call_command("seed_demo")
    assert User.objects.get(email="staff@demo.test").check_password("another-demo-pass")
