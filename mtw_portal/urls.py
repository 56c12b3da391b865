from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from mtw_portal.accounts import views as accounts_views
from mtw_portal.core import views as core_views

handler403 = "mtw_portal.core.views.permission_denied"
handler404 = "mtw_portal.core.views.page_not_found"
handler500 = "mtw_portal.core.views.server_error"

# One way in: the admin's own log-in form would give a session with a password alone (no
# second factor, no rate limit). It sends to allauth's log-in instead.
admin.autodiscover()
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", include("mtw_portal.core.urls")),
    path("", include("outcomes.urls")),
    path("staff/reports/", include("reports.urls")),
    path("", include("mtw_portal.accounts.urls")),
    path("", include("mtw_portal.audit.urls")),
    path("accounts/", include("allauth.urls")),
    # The language switcher: also saves a signed-in person's choice.
    path("i18n/setlang/", accounts_views.language_set, name="set_language"),
    path("healthz", core_views.healthz, name="healthz"),
    path("programs/", include("programs.urls")),
    path("participants/", include("participants.urls")),
    # placements first: its "applications/<pk>/hire/" comes before employers' "applications/<pk>/<action>/"
    path("employers/", include("placements.urls")),
    path("employers/", include("employers.urls")),
    path("coalition/", include("coalition.urls")),
    path("notifications/", include("mtw_portal.notifications.urls")),
    path("admin/", admin.site.urls),
]
