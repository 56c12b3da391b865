from django.urls import path

from programs import views

app_name = "programs"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("provider/", views.provider_home, name="provider_home"),
]
