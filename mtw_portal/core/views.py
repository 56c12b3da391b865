from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from coalition.selectors import coalition_counts
from employers.selectors import employer_account_request_pending_count
from mtw_portal import access
from mtw_portal.accounts.models import Role
from mtw_portal.accounts.selectors import user_counts_by_role
from mtw_portal.core import health
from outcomes.selectors import outcome_snapshot_latest


@login_not_required
def landing(request):
    if request.user.is_authenticated:
        return redirect(access.home_url(request.user))
    return render(request, "core/landing.html")


def dispatch(request):
    """Where log-in lands: each role's own home page."""
    return redirect(access.home_url(request.user))


@access.role_required(Role.STAFF)
def staff_home(request):
    return render(
        request,
        "core/staff_home.html",
        {
            "counts": user_counts_by_role(),
            "pending_employer_requests": employer_account_request_pending_count(),
            "snapshot": outcome_snapshot_latest(),
            "coalition": coalition_counts(),
        },
    )


@login_not_required
@never_cache
@require_GET
def healthz(request):
    database = health.database_state()
    broker = health.broker_state()
    status = 200 if database == "ok" else 503
    return JsonResponse(
        {"status": "ok" if status == 200 else "error", "database": database, "broker": broker}, status=status
    )


@login_not_required
def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


@login_not_required
def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


@login_not_required
def server_error(request):
    # No context processors: the database or anything else may be what failed.

    return HttpResponseServerError(loader.get_template("500.html").render())
