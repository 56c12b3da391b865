from django.urls import path

from employers import views

app_name = "employers"

urlpatterns = [
    path("", views.home, name="home"),
    path("request-account/", views.account_request, name="account_request"),
    path("account-requests/", views.account_request_list, name="account_request_list"),
    path("account-requests/<int:pk>/", views.account_request_detail, name="account_request_detail"),
]
