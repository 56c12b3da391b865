"""The grant's figures: targets, the grant dashboard (staff) and the provider's dashboard."""

from django.urls import path

from outcomes import views

app_name = "outcomes"

urlpatterns = [
    path("staff/targets/", views.targets, name="targets"),
    path("staff/dashboard/", views.dashboard, name="dashboard"),
    path("staff/dashboard/tables/<slug:key>.<slug:fmt>", views.dashboard_table, name="dashboard_table"),
    path("staff/dashboard/workbook.xlsx", views.dashboard_workbook, name="dashboard_workbook"),
    path("staff/dashboard/people/", views.people, name="people"),
    path("staff/dashboard/people.<slug:fmt>", views.people_download, name="people_download"),
    path("provider/dashboard/", views.provider_dashboard, name="provider_dashboard"),
    path(
        "provider/dashboard/tables/<slug:key>.<slug:fmt>",
        views.provider_dashboard_table,
        name="provider_dashboard_table",
    ),
    path(
        "provider/dashboard/workbook.xlsx",
        views.provider_dashboard_workbook,
        name="provider_dashboard_workbook",
    ),
]
