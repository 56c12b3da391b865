from django.conf import settings

from mtw_portal import access


def portal(request):
    user = getattr(request, "user", None)
    return {
        "role": getattr(user, "role", None) if user is not None and user.is_authenticated else None,
        "home_url": access.home_url(user),
        "portal_debug": settings.DEBUG,
    }
