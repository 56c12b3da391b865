from __future__ import annotations

from auditlog.middleware import AuditlogMiddleware

from mtw_portal.audit import services
from mtw_portal.clientip import client_ip


class ReadTrailMiddleware:
    """Writes the reads a view noted (``services.record_view``) after the view: one insert of the
    reads, one of the participants they showed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        services.flush(request)
        return response


class ChangeHistoryMiddleware(AuditlogMiddleware):
    """django-auditlog's actor and address for each change, the address read as the rate limits
    read it (behind our proxies, not the first X-Forwarded-For hop, which a client can forge)."""

    @staticmethod
    def _get_remote_addr(request):
        return client_ip(request)
