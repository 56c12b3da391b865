from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = _("Training programs")

    def ready(self) -> None:
        from mtw_portal.accounts.signals import role_granted
        from mtw_portal.imports.importers import register_importer
        from programs.imports import EnrollmentRosterImporter
        from programs.services import memberships_for_role

        role_granted.connect(memberships_for_role, dispatch_uid="programs.memberships_for_role")
        register_importer("enrollments", EnrollmentRosterImporter)
