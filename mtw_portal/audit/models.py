"""The read trail: who saw which participants' data, when, from where. Append-only.

Changes to data are django-auditlog's (``auditlog.LogEntry``); this table holds reads, which no
library records. A row never holds a name, an email or any other personal data: the viewer by
user id (with their role and organization's name as they were), the participants by id, one
``ReadEventParticipant`` row each (indexed: one participant's reads are found without reading the
whole trail).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mtw_portal.accounts.models import Role


class AuditLogImmutable(Exception):
    """Raised on any attempt to change or delete a row of the read trail."""


MESSAGE = "The audit trail is append-only."


class ReadKind(models.TextChoices):
    PARTICIPANT = "participant", _("Participant record")
    CASE_NOTES = "case_notes", _("Case notes")
    RECEIPT = "receipt", _("Support receipt")
    RESUME = "resume", _("Résumé")
    DATA_DOWNLOAD = "data_download", _("Participant's data download")
    LIST = "list", _("List of people")
    EXPORT = "export", _("Export of people")
    REPORT = "report", _("Report download with people")
    AUDIT = "audit", _("Audit trail")


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditLogImmutable(MESSAGE)

    def delete(self):
        raise AuditLogImmutable(MESSAGE)


class AppendOnlyModel(models.Model):
    """A row is inserted once and never changed or deleted (database triggers say so too)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding or kwargs.get("force_update") or kwargs.get("update_fields"):
            raise AuditLogImmutable(MESSAGE)
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogImmutable(MESSAGE)


class ReadEventQuerySet(AppendOnlyQuerySet):
    def for_participant(self, participant_id: int):
        """The reads that showed this participant: a subquery on the indexed child table."""
        events = ReadEventParticipant.objects.filter(participant_id=int(participant_id))
        return self.filter(pk__in=events.values("event_id"))


class ReadEvent(AppendOnlyModel):
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    # No database constraint and no cascade: the trail outlives the account, and a deleted
    # account must not delete (or update) its rows.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
        verbose_name=_("who"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    organization = models.CharField(_("organization"), max_length=200, blank=True)
    ip = models.CharField(_("from address"), max_length=45, blank=True)
    kind = models.CharField(_("what"), max_length=20, choices=ReadKind.choices, db_index=True)
    url_name = models.CharField(_("page"), max_length=100, blank=True)
    path = models.CharField(_("address"), max_length=500, blank=True)
    # ",12,40,41,": for display and the CSV only, written once with the row. Searching by
    # participant goes through ReadEventParticipant (indexed), never through this text.
    participant_ids = models.TextField(_("participants"), blank=True)
    participant_count = models.PositiveIntegerField(_("number of participants"), default=0)

    objects = ReadEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("read of personal data")
        verbose_name_plural = _("reads of personal data")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} user {self.user_id} {self.kind}"

    @property
    def participant_id_list(self) -> list[int]:
        return [int(part) for part in self.participant_ids.split(",") if part]


class ReadEventParticipant(AppendOnlyModel):
    """One participant shown by one read: the index of the trail by participant. Append-only."""

    # The parent is never deleted (model and triggers refuse it), so nothing cascades.
    event = models.ForeignKey(
        ReadEvent,
        on_delete=models.DO_NOTHING,
        related_name="participant_rows",
        verbose_name=_("read"),
    )
    # An id, not a foreign key: the trail outlives the record and names nobody.
    participant_id = models.BigIntegerField(_("participant"))

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("participant shown by a read")
        verbose_name_plural = _("participants shown by reads")
        indexes = [
            models.Index(fields=["participant_id", "event"], name="audit_read_participant_idx"),
        ]

    def __str__(self) -> str:
        return f"read {self.event_id} participant {self.participant_id}"
