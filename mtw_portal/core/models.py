from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mtw_portal.core.validators import validate_event_date


class GrantSettings(models.Model):
    """The grant's targets and end date (one row, pk=1, edited by grant staff), and the mark of a
    pending outcomes roll-up (see ``outcomes.services.outcomes_rollup_request``)."""

    target_trained = models.PositiveIntegerField(_("target: people trained"), default=1000)
    target_placed_good_jobs = models.PositiveIntegerField(
        _("target: people placed in good jobs"), default=500
    )
    grant_end_date = models.DateField(
        _("grant end date"), null=True, blank=True, validators=[validate_event_date]
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    # A roll-up is queued to run at this time; changes before it need not queue another.
    rollup_pending_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("grant settings")
        verbose_name_plural = _("grant settings")

    def __str__(self) -> str:
        return "Grant settings"
