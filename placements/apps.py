from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacementsConfig(AppConfig):
    name = "placements"
    verbose_name = _("Placements")

    def ready(self) -> None:
        from mtw_portal.imports.importers import register_importer
        from placements.imports import PlacementImporter

        register_importer("placements", PlacementImporter)
