from django.urls import path

from mtw_portal.core import views

app_name = "core"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("home/", views.dispatch, name="dispatch"),
    path("staff/", views.staff_home, name="staff_home"),
]
