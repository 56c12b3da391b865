"""The funder's quarterly report as submitted: frozen forever."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FunderReportFrozen(Exception):
    """A submitted funder report was about to be changed: it never is."""


class FunderReport(models.Model):
    """The funder's quarterly report as it was submitted: frozen forever.

    ``data`` holds the tables exactly as shown (``reports.quarterly``): computed once, at
    submission, and never again. A quarter without a row is a draft, computed live each time it is
    viewed. The row is never updated: ``save()`` refuses it, and a database trigger (core
    migration 0003) refuses any UPDATE, however it is issued.
    """

    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), choices=[(n, f"Q{n}") for n in range(1, 5)])
    data = models.JSONField(_("tables"), default=dict)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        # The table kept its name when the model left core: the trigger that freezes a submitted
        # report (core migration 0003) refers to core_funderreport.
        db_table = "core_funderreport"
        ordering = ["-year", "-quarter"]
        verbose_name = _("submitted funder report")
        verbose_name_plural = _("submitted funder reports")
        constraints = [
            models.UniqueConstraint(fields=["year", "quarter"], name="core_funderreport_once_per_quarter"),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="core_funderreport_quarter_1_to_4"
            ),
        ]

    def __str__(self) -> str:
        return f"Funder report {self.year}-Q{self.quarter}"

    def save(self, *args, **kwargs):
        if not self._state.adding or kwargs.get("force_update") or kwargs.get("update_fields"):
            raise FunderReportFrozen("A submitted funder report is never changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)
