"""The funder's quarterly report (grant staff), under ``staff/reports/``:
``{% url "reports:funder_report" quarter="2026-Q3" %}``.

A quarter is written ``2026-Q3``; anything else answers 404 (the views parse it).
"""

from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    # The WIOA extract (before the quarters: "wioa/" would otherwise read as a quarter).
    path("wioa/", views.wioa_extract_page, name="wioa_extract"),
    path("wioa/pirl.csv", views.wioa_extract_csv, name="wioa_extract_csv"),
    path("", views.report_list, name="funder_report_list"),
    path("<str:quarter>/", views.report_detail, name="funder_report"),
    path("<str:quarter>/submit/", views.report_submit, name="funder_report_submit"),
    path("<str:quarter>.xlsx", views.report_xlsx, name="funder_report_xlsx"),
    path("<str:quarter>/<slug:table>.csv", views.report_csv, name="funder_report_csv"),
]
