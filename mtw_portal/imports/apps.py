from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    """The spreadsheet import framework: each app registers its importers (``register_importer``)."""

    name = "mtw_portal.imports"
    label = "imports"
    verbose_name = _("Imports")
