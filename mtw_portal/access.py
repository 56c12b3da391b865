"""The one module that decides who may see or change what.

Views never test roles or memberships themselves: they call these helpers, and
selectors scope their querysets with them. Conventions (see STYLE.md):

- not signed in: the LoginRequiredMiddleware sends the visitor to log in;
- signed in with the wrong role for a page: 403 (``PermissionDenied``);
- no link to the object asked for: 404, so its existence is not revealed;
- linked, but read-only, asking to change: 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from mtw_portal.accounts.models import Role

# Each role's landing page after log-in.
ROLE_HOME = {
    Role.PARTICIPANT: "participants:home",
    Role.NAVIGATOR: "participants:caseload",
    Role.PROVIDER: "programs:provider_home",
    Role.EMPLOYER: "employers:home",
    Role.STAFF: "core:staff_home",
}

# Roles that must use two-factor authentication when MTW_REQUIRE_MFA is on.
MFA_ROLES = frozenset({Role.NAVIGATOR, Role.PROVIDER, Role.EMPLOYER, Role.STAFF})


def has_role(user, *roles: Role) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role in roles)


def is_grant_staff(user) -> bool:
    return has_role(user, Role.STAFF)


def home_url(user) -> str:
    if not (user and user.is_authenticated):
        return reverse("core:landing")
    return reverse(ROLE_HOME.get(user.role, "core:landing"))


def must_use_mfa(user) -> bool:
    return has_role(user, *MFA_ROLES)


def role_required(*roles: Role) -> Callable:
    """Let only signed-in holders of one of ``roles`` through; others get 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.allowed_roles = roles
        return wrapped

    return decorator


# Organization memberships. Each returns the membership of a user who holds the role,
# or raises PermissionDenied (a role without its membership is a broken account,
# never a reason to show someone else's data).


def navigator_for(user):
    from participants.models import Navigator

    if not has_role(user, Role.NAVIGATOR):
        raise PermissionDenied
    try:
        return Navigator.objects.select_related("organization").get(user=user)
    except Navigator.DoesNotExist:
        raise PermissionDenied from None


def provider_staff_for(user, *, edit: bool = False):
    from programs.models import ProviderStaff

    if not has_role(user, Role.PROVIDER):
        raise PermissionDenied
    try:
        staff = ProviderStaff.objects.select_related("provider").get(user=user)
    except ProviderStaff.DoesNotExist:
        raise PermissionDenied from None
    if edit and not staff.can_edit:
        raise PermissionDenied
    return staff


def employer_member_for(user):
    from employers.models import EmployerMember

    if not has_role(user, Role.EMPLOYER):
        raise PermissionDenied
    try:
        return EmployerMember.objects.select_related("employer").get(user=user)
    except EmployerMember.DoesNotExist:
        raise PermissionDenied from None
