from django.urls import path

from mtw_portal.audit import views

app_name = "audit"

urlpatterns = [
    path("staff/audit/", views.reads, name="reads"),
    path("staff/audit/reads.csv", views.reads_csv, name="reads_csv"),
    path("staff/audit/changes/", views.changes, name="changes"),
    path("staff/audit/changes.csv", views.changes_csv, name="changes_csv"),
    path("participants/seen-by/", views.record_viewers, name="record_viewers"),
]
