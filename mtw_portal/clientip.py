"""The client's address, as every part of the portal sees it: rate limits, the audit trail.

Behind a reverse proxy, ``REMOTE_ADDR`` is the proxy's address. ``MTW_TRUSTED_PROXY_COUNT``
(settings: ``ALLAUTH_TRUSTED_PROXY_COUNT``) says how many proxies of ours stand in front of the
portal; the client is then the address that many places from the right of X-Forwarded-For,
the last one a client cannot forge. A header shorter than that (a request that did not come
through our proxies) falls back to ``REMOTE_ADDR`` rather than failing.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    count = getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0)
    remote = request.META.get("REMOTE_ADDR", "") or ""
    forwarded = request.headers.get("x-forwarded-for", "")
    if count > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",")]
        if len(hops) >= count:
            candidate = hops[-count]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                pass
    return remote or "0.0.0.0"  # noqa: S104 (a placeholder address, never bound)
