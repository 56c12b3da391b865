from django.urls import include, path

from mtw_portal.core import dashboard_views, views

app_name = "core"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("home/", views.dispatch, name="dispatch"),
    path("staff/", views.staff_home, name="staff_home"),
    path("staff/targets/", views.targets, name="targets"),
    path("staff/dashboard/", dashboard_views.dashboard, name="dashboard"),
    path(
        "staff/dashboard/tables/<slug:key>.<slug:fmt>",
        dashboard_views.dashboard_table,
        name="dashboard_table",
    ),
    path("staff/dashboard/workbook.xlsx", dashboard_views.dashboard_workbook, name="dashboard_workbook"),
    path("staff/dashboard/people/", dashboard_views.people, name="people"),
    path("staff/reports/", include("mtw_portal.core.report_urls")),
    path("provider/dashboard/", dashboard_views.provider_dashboard, name="provider_dashboard"),
    path(
        "provider/dashboard/tables/<slug:key>.<slug:fmt>",
        dashboard_views.provider_dashboard_table,
        name="provider_dashboard_table",
    ),
    path(
        "provider/dashboard/workbook.xlsx",
        dashboard_views.provider_dashboard_workbook,
        name="provider_dashboard_workbook",
    ),
]
