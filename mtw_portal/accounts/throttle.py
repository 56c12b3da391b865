"""Throttle a public form: allauth's rate limiter over the shared cache, our 429 page.

The rates are in ``ACCOUNT_RATE_LIMITS`` (settings, "Security"), under the action's name, next
to allauth's own (log-in, sign-up, password reset). Only POSTs count: showing the form is free.
"""

from functools import wraps

from allauth.core import ratelimit


def throttled(action: str):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "POST":
                too_many = ratelimit.consume_or_429(request, action=action)
                if too_many is not None:
                    return too_many
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
