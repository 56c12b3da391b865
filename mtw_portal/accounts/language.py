"""The language a signed-in person reads the portal in: the one they saved (User.language).

At log-in it is activated and put in the language cookie, so every page after it is in that
language; the language switcher saves a signed-in person's choice (``views.language_set``).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.utils import translation

from mtw_portal.accounts.models import User
from mtw_portal.accounts.selectors import user_language


def language_at_login(user: User, *, current: str) -> str:
    """The saved language of ``user`` (or a participant's preferred one); for someone who never
    chose one (staff, say), ``current``: the language of the page they signed in from."""
    if user.language or getattr(user, "participant", None) is not None:
        return user_language(user)
    return current


def language_use(request, response: HttpResponse, language: str) -> None:
    """Read the rest of this request, and the pages after it, in ``language`` (the cookie is the
    one Django's set_language writes and LocaleMiddleware reads)."""
    translation.activate(language)
    request.LANGUAGE_CODE = language
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
