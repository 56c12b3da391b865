from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutcomesConfig(AppConfig):
    name = "outcomes"
    verbose_name = _("Outcomes")

    def ready(self) -> None:
        from mtw_portal.core.changes import figures_changed
        from outcomes.services import rollup_on_commit

        # The domain apps announce changes (core.changes); the figures refresh here.
        figures_changed.connect(rollup_on_commit, dispatch_uid="outcomes.rollup_on_commit")
