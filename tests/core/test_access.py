"""Who reaches which page: checked for every URL pattern, so new pages are covered automatically."""

import pytest
from django.conf import settings
from django.urls import reverse

from mtw_portal.accounts.models import Role
from tests.urlwalk import portal_routes

# The pages an anonymous visitor may reach. Everything else sends them to log in.
PUBLIC = {
    "core:landing",
    "set_language",
    "healthz",
    "employers:account_request",
    "accounts:invitation_accept",
    "programs:catalogue",
    "programs:program_detail",
    "employers:board",
    "employers:opportunity_detail",
    "placements:retention_confirm",
}

ROUTES = portal_routes()


def test_the_walk_finds_the_portal_pages():
    names = {route.name for route in ROUTES}
    assert {"core:staff_home", "participants:home", "employers:account_request_list"} <= names


@pytest.mark.parametrize("route", [r for r in ROUTES if r.name not in PUBLIC], ids=lambda r: r.name or r.url)
def test_anonymous_visitor_is_sent_to_log_in(client, db, route):
    response = client.get(route.url)
    assert response.status_code == 302, route
    assert response["Location"].startswith(reverse(settings.LOGIN_URL)), response["Location"]


@pytest.mark.parametrize("route", [r for r in ROUTES if r.name in PUBLIC], ids=lambda r: r.name)
def test_public_pages_answer_anonymous_visitors(client, db, route):
    response = client.get(route.url)
    assert response.status_code in (200, 302, 404, 405), route  # 404: sample token; 405: POST-only
    assert not response.get("Location", "").startswith(reverse(settings.LOGIN_URL))


ROLE_ROUTES = [r for r in ROUTES if r.allowed_roles]


def test_every_signed_in_page_declares_its_roles():
    """A page behind log-in without role_required would be open to every role: none may exist."""
    open_to_all = {r.name for r in ROUTES if not r.allowed_roles} - PUBLIC - {"core:dispatch"}
    assert open_to_all == set()


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("route", ROLE_ROUTES, ids=lambda r: r.name)
def test_each_role_is_refused_the_pages_of_other_roles(client, user_of_role, role, route):
    client.force_login(user_of_role[role])
    response = client.get(route.url)
    if role in route.allowed_roles:
        assert response.status_code != 403, (role, route)
    else:
        assert response.status_code == 403, (role, route)
