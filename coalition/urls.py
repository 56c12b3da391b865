from django.urls import path

from coalition import views

app_name = "coalition"

urlpatterns = [
    path("", views.index, name="index"),
    path("groups/<int:pk>/", views.group_detail, name="group_detail"),
    path("groups/<int:pk>/members/", views.group_members, name="group_members"),
    path("partners/new/", views.partner_edit, name="partner_new"),
    path("partners/<int:pk>/edit/", views.partner_edit, name="partner_edit"),
    path("meetings/new/", views.meeting_edit, name="meeting_new"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("pilots/new/", views.pilot_edit, name="pilot_new"),
    path("pilots/<int:pk>/edit/", views.pilot_edit, name="pilot_edit"),
    path("awards/new/", views.award_new, name="award_new"),
]
