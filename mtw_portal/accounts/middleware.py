from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from mtw_portal import access

# Paths a signed-in user without an authenticator may still reach: allauth's own pages
# (where the authenticator is set up, and the second factor asked for), the language switcher,
# health and static files.
_OPEN_PREFIXES = ("/accounts/", "/i18n/", "/healthz", "/static/", "/invite/")


def session_passed_mfa(request) -> bool:
    """True when this session (not merely this user) passed the second factor: allauth records
    each authentication step of the session, and an "mfa" step means the code was entered here."""
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, request.user))


class RequireMFAMiddleware:
    """When MTW_REQUIRE_MFA is on, every non-participant (and anyone who may open Django's admin)
    must have passed TOTP in this session.

    Without an authenticator, they are sent to set one up; with one, but a session that never
    asked for it (any way in other than allauth's log-in), to enter a code from it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.MTW_REQUIRE_MFA
            and (access.must_use_mfa(request.user) or request.user.is_staff)
            and not request.path.startswith(_OPEN_PREFIXES)
            and not session_passed_mfa(request)
        ):
            if not _has_totp(request.user):
                messages.warning(
                    request,
                    _(
                        "Your role gives you access to participants' personal data: "
                        "set up an authenticator app to continue."
                    ),
                )
                return redirect("mfa_activate_totp")
            messages.info(request, _("Enter the code from your authenticator app to continue."))
            next_query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('mfa_reauthenticate')}?{next_query}")
        return self.get_response(request)


def _has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


# Public pages: what anyone may see without signing in. A signed-in user's response may hold
# their own or others' personal data wherever it is, so it is never stored.
_CACHEABLE_PREFIXES = ("/static/",)


class NoStoreMiddleware:
    """``Cache-Control: no-store, private`` on every response to a signed-in user and on every
    download (an attachment), so that no browser or proxy keeps personal data."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        download = response.get("Content-Disposition", "").lower().startswith("attachment")
        if (signed_in or download) and not request.path.startswith(_CACHEABLE_PREFIXES):
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response
