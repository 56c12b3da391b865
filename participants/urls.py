from django.urls import path

from participants import lifecycle_views, navigator_views, views

app_name = "participants"

urlpatterns = [
    # The participant's own pages.
    path("", views.home, name="home"),
    path("profile/", views.profile, name="profile"),
    path("profile/download/", views.profile_download, name="profile_download"),
    path("support/request/", views.support_request_new, name="support_request_new"),
    # Navigators and grant staff (navigator_views).
    path("caseload/", navigator_views.caseload, name="caseload"),
    path("caseload/assign/", navigator_views.caseload_assign, name="caseload_assign"),
    path("<int:pk>/", navigator_views.participant_detail, name="detail"),
    path("<int:pk>/assign/", navigator_views.participant_assign, name="assign"),
    path("<int:pk>/notes/", navigator_views.case_note_add, name="case_note_add"),
    path("<int:pk>/support/new/", navigator_views.support_item_new, name="support_item_new"),
    path("<int:pk>/enroll/", navigator_views.participant_enroll, name="enroll"),
    path("<int:pk>/lifecycle/", lifecycle_views.participant_lifecycle, name="lifecycle"),
    path("support/", navigator_views.support_ledger, name="support_ledger"),
    path("support/items/<int:pk>/decide/", navigator_views.support_item_decide, name="support_item_decide"),
    path(
        "support/items/<int:pk>/receipt/", navigator_views.support_item_receipt, name="support_item_receipt"
    ),
    path("support/requests/<int:pk>/", navigator_views.support_request_decide, name="support_request_decide"),
]
