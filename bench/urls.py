"""The portal's URLs plus the floor: a view that only returns a response, through the same middleware."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import include, path


@login_not_required
def floor(request):
    return HttpResponse("ok")


urlpatterns = [path("__bench_floor__/", floor), path("", include("mtw_portal.urls"))]
