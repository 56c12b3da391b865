from django.urls import path

from participants import navigator_views, views

app_name = "participants"

urlpatterns = [
    # The participant's own pages.
    path("", views.home, name="home"),
    path("profile/", views.profile, name="profile"),
    path("profile/download/", views.profile_download, name="profile_download"),
    path("support/request/", views.support_request_new, name="support_request_new"),
    # Navigators and grant staff (navigator_views).
    path("caseload/", navigator_views.caseload, name="caseload"),
]
