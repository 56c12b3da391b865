from django.urls import path

from mtw_portal.accounts import views

app_name = "accounts"

urlpatterns = [
    path("staff/people/", views.people_list, name="people_list"),
    path("staff/people/invite/", views.person_invite, name="person_invite"),
    path("staff/people/<int:pk>/", views.person_detail, name="person_detail"),
    path("staff/people/<int:pk>/reinvite/", views.person_reinvite, name="person_reinvite"),
    path("invite/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
