from django.urls import path

from participants import views

app_name = "participants"

urlpatterns = [
    path("", views.home, name="home"),
    path("caseload/", views.caseload, name="caseload"),
]
