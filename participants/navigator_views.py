"""Pages of navigators (and grant staff): caseload, participant record, case notes, support ledger."""

from django.shortcuts import render

from mtw_portal import access
from mtw_portal.accounts.models import Role


@access.role_required(Role.NAVIGATOR)
def caseload(request):
    navigator = access.navigator_for(request.user)
    return render(request, "participants/caseload.html", {"navigator": navigator})
