"""Placements, the good-job standard, retention checks, the placement import, hires and the
employer's hiring funnel. Mounted under ``employers/`` (the addresses did not change when these
left the employers app: emailed retention links keep working), in the ``placements`` namespace."""

from django.urls import path

from placements import funnel_views, views

app_name = "placements"

urlpatterns = [
    # A hire records a placement (the employer's pipeline offers the job first).
    path("applications/<int:pk>/hire/", views.application_hire, name="application_hire"),
    path("placements/", views.placements, name="placements"),
    path("placements/new/", views.placement_new, name="placement_new"),
    path("placements/import/", views.placement_import, name="placement_import"),
    path(
        "placements/import/template.<slug:fmt>",
        views.placement_import_template,
        name="placement_import_template",
    ),
    path(
        "placements/import/<int:pk>/",
        views.placement_import_preview,
        name="placement_import_preview",
    ),
    path("placements/<int:pk>/", views.placement_detail, name="placement_detail"),
    path("placements/<int:pk>/edit/", views.placement_edit, name="placement_edit"),
    path("standard/", views.standard, name="standard"),
    path("standard/rejudge/", views.standard_rejudge, name="standard_rejudge"),
    path("retention/", views.retention_checks, name="retention_checks"),
    path("retention/<int:pk>/record/", views.retention_record, name="retention_record"),
    # Public: the employer's one-click confirmation from the reminder email (no log-in).
    path("retention/confirm/<str:token>/", views.retention_confirm, name="retention_confirm"),
]

# --- The employer's own hiring funnel (placements/funnel_views.py) ------------------------------
urlpatterns += [
    path("funnel/", funnel_views.funnel, name="funnel"),
    path("funnel/<slug:table_key>.<slug:fmt>", funnel_views.funnel_export, name="funnel_export"),
]
