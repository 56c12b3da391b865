from django.urls import path

from employers import views

app_name = "employers"

urlpatterns = [
    path("", views.home, name="home"),
    path("request-account/", views.account_request, name="account_request"),
    path("account-requests/", views.account_request_list, name="account_request_list"),
    path("account-requests/<int:pk>/", views.account_request_detail, name="account_request_detail"),
    # Hiring: the public board, applications, the employer's pipeline, mentoring.
    path("board/", views.board, name="board"),
    path("board/<int:pk>/", views.opportunity_detail, name="opportunity_detail"),
    path("board/<int:pk>/apply/", views.apply, name="apply"),
    path("opportunities/new/", views.opportunity_new, name="opportunity_new"),
    path("opportunities/<int:pk>/", views.opportunity_edit, name="opportunity_edit"),
    path("opportunities/<int:pk>/state/", views.opportunity_state, name="opportunity_state"),
    path("opportunities/<int:pk>/applicants/", views.applicants, name="applicants"),
    path("applications/", views.caseload_applications, name="caseload_applications"),
    path("applications/mine/", views.my_applications, name="my_applications"),
    path("applications/<int:pk>/withdraw/", views.application_withdraw, name="application_withdraw"),
    path("applications/<int:pk>/reapply/", views.application_reapply, name="application_reapply"),
    path("applications/<int:pk>/resume/", views.resume, name="resume"),
    path("applications/<int:pk>/<slug:action>/", views.application_move, name="application_move"),
    path("profile/", views.profile, name="profile"),
    path("colleagues/invite/", views.colleague_invite, name="colleague_invite"),
    path("mentoring/", views.mentoring, name="mentoring"),
    path("mentoring/<int:pk>/", views.mentor_offer_edit, name="mentor_offer_edit"),
    path("mentoring/<int:pk>/pause/", views.mentor_offer_pause, name="mentor_offer_pause"),
    path("mentors/", views.mentor_match, name="mentor_match"),
    path("mentors/matches/<int:pk>/end/", views.mentor_match_end, name="mentor_match_end"),
]
