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


class OutcomeTables(models.Model):
    """The tables of one page as the last roll-up computed them (``outcomes.stored``): one row per
    scope, replaced by each roll-up in the transaction that stores its snapshot. Scopes: ``grant``
    (the grant dashboard), ``provider:<id>`` (a provider's dashboard), ``report:2026-Q3`` (the
    funder's draft report of a quarter not submitted). The pages read these rows; they never count
    over all participants on a request."""

    scope = models.CharField(_("scope"), max_length=40, unique=True)
    snapshot = models.ForeignKey(OutcomeSnapshot, on_delete=models.CASCADE, related_name="tables")
    data = models.JSONField(_("tables"), default=dict)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        verbose_name = _("stored outcome tables")
        verbose_name_plural = _("stored outcome tables")

    def __str__(self) -> str:
        return f"Outcome tables {self.scope} ({self.computed_at:%Y-%m-%d %H:%M})"
