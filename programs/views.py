from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render

from mtw_portal import access
from mtw_portal.accounts.models import Role
from programs import selectors


@access.role_required(Role.PROVIDER)
def provider_home(request):
    staff = access.provider_staff_for(request.user)
    return render(
        request,
        "programs/provider_home.html",
        {"membership": staff, "colleagues": selectors.provider_staff_list(provider=staff.provider)},
    )


@login_not_required
def catalogue(request):
    return render(request, "programs/catalogue.html", {"programs": selectors.catalogue_programs()})
