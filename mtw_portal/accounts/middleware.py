from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from mtw_portal import access

# Paths a signed-in user without an authenticator may still reach: allauth's own pages
# (where the authenticator is set up), the language switcher, health and static files.
_OPEN_PREFIXES = ("/accounts/", "/i18n/", "/healthz", "/static/", "/invite/")


class RequireMFAMiddleware:
    """When MTW_REQUIRE_MFA is on, send every non-participant without TOTP to set it up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.MTW_REQUIRE_MFA
            and access.must_use_mfa(request.user)
            and not request.path.startswith(_OPEN_PREFIXES)
            and not _has_totp(request)
        ):
            messages.warning(
                request,
                _(
                    "Your role gives you access to participants' personal data: "
                    "set up an authenticator app to continue."
                ),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)


def _has_totp(request) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP).exists()
