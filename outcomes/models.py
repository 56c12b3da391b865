"""The stored outcome figures (one snapshot per day). The grant's targets and end date are
``GrantSettings``, in mtw_portal/core/models.py (record retention reads the end date too)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutcomeSnapshot(models.Model):
    """The outcome roll-up of one day (``outcomes.rollup``): one row per date, kept as history."""

    as_of = models.DateField(_("as of"), unique=True)
    data = models.JSONField(_("figures"), default=dict)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)
    run_count = models.PositiveIntegerField(_("runs that day"), default=1)

    class Meta:
        db_table = "core_outcomesnapshot"
        ordering = ["-as_of"]
        verbose_name = _("outcome snapshot")
        verbose_name_plural = _("outcome snapshots")

    def __str__(self) -> str:
        return f"Outcomes as of {self.as_of}"
