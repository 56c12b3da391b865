from django.urls import path

from programs import import_views, views

app_name = "programs"

urlpatterns = [
    # Public catalogue; participants apply from a program's page.
    path("", views.catalogue, name="catalogue"),
    path("<int:pk>/", views.program_detail, name="program_detail"),
    path("cohorts/<int:pk>/apply/", views.cohort_apply, name="cohort_apply"),
    # Providers and grant staff.
    path("provider/", views.provider_home, name="provider_home"),
    path("provider/programs/new/", views.program_edit, name="program_new"),
    path("provider/programs/<int:pk>/edit/", views.program_edit, name="program_edit"),
    path("provider/programs/<int:program_pk>/cohorts/new/", views.cohort_edit, name="cohort_new"),
    path("provider/programs/<int:program_pk>/cohorts/<int:pk>/edit/", views.cohort_edit, name="cohort_edit"),
    path("provider/cohorts/<int:pk>/", views.cohort_roster, name="cohort_roster"),
    path("enrollments/<int:pk>/<slug:action>/", views.enrollment_action, name="enrollment_action"),
    path(
        "enrollments/<int:pk>/link/<slug:answer>/",
        views.enrollment_link_answer,
        name="enrollment_link_answer",
    ),
    # Roster import (the same importer as `manage.py import_roster enrollments`).
    path("import/", import_views.roster_upload, name="roster_upload"),
    path("import/template.<slug:fmt>", import_views.roster_template, name="roster_template"),
    path("import/<int:pk>/", import_views.roster_preview, name="roster_preview"),
]
