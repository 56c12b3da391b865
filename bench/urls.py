"""The portal's URLs plus the floor: a view signed in as staff that only returns a response,
through the same middleware (the session and the user: 2 queries)."""

from django.http import HttpResponse
from django.urls import include, path


def floor(request):
    return HttpResponse("ok")


urlpatterns = [path("__bench_floor__/", floor), path("", include("mtw_portal.urls"))]
