from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = _("Training programs")

    def ready(self) -> None:
        from mtw_portal.core.imports import register_importer
        from programs.roster_import import EnrollmentRosterImporter

        register_importer("enrollments", EnrollmentRosterImporter)
