"""Files uploaded for import through the web, read and planned once, applied at most once."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportBatchManager(models.Manager):
    """Batches without their heavy columns (the file, its rows): loaded only when asked for."""

    def get_queryset(self):
        return super().get_queryset().defer("content", "rows")


class ImportBatch(models.Model):
    """A file uploaded for import through the web: read and planned once, then applied at most once.

    At upload the file is read once: its rows are kept (``rows``) and so is the preview
    (``plan``: counts, the first planned actions, notes, problems), which every view of the
    preview shows without reading the file again. The confirmation applies the kept rows,
    planned again against the database as it is then. ``scope_provider`` limits a provider's
    staff to their own provider's rows; empty means any provider (grant staff).

    After ``MTW_IMPORT_RETENTION_DAYS`` the nightly purge deletes the file, its rows and its
    plan, and keeps only the summary: kind, counts, who uploaded it, when, and whether it was
    imported (``purged_at`` says when).
    """

    kind = models.CharField(_("kind"), max_length=40)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_batches"
    )
    scope_provider = models.ForeignKey(
        "programs.Provider", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    content = models.BinaryField(_("file content"), blank=True)
    rows = models.JSONField(_("rows read from the file"), null=True, blank=True)
    plan = models.JSONField(_("planned preview"), default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    applied_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)
    purged_at = models.DateTimeField(_("file deleted at"), null=True, blank=True)

    objects = ImportBatchManager()

    class Meta:
        db_table = "core_importbatch"  # kept when the model left core
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")

    def __str__(self) -> str:
        return f"{self.kind}: {self.filename}"
