"""Notifications: what happened that concerns someone (the inbox), and how each person wants to hear."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mtw_portal.accounts.models import Role


class Kind(models.TextChoices):
    # Participants
    JOB_APPLICATION_RECEIVED = "job_application_received", _("My job application was received")
    PROGRAM_ADMITTED = "program_admitted", _("I was admitted to a training program")
    PROGRAM_NOT_ADMITTED = "program_not_admitted", _("A training program did not admit me")
    PROGRAM_ENROLLED = "program_enrolled", _("I was enrolled in a training program")
    SUPPORT_APPROVED = "support_approved", _("My support was approved")
    SUPPORT_DECLINED = "support_declined", _("My support was declined")
    JOB_APPLICATION_MOVED = "job_application_moved", _("An employer moved my application (interview, offer)")
    JOB_HIRED = "job_hired", _("I was hired")
    CHECK_IN_DUE = "check_in_due", _("Six months after my training: a reminder to check in")
    # Navigators
    QUEUE_NEW_PERSON = "queue_new_person", _("A new person is waiting in my organization's queue")
    SUPPORT_REQUEST_NEW = "support_request_new", _("A participant asked for support")
    SUPPORT_APPROVAL_WAITING = "support_approval_waiting", _("Support waits for a second approval")
    FOLLOW_UP_DUE = "follow_up_due", _("A six-month follow-up is due")
    # Training providers
    PROGRAM_APPLICATION_NEW = "program_application_new", _("Someone applied to one of my programs")
    # Employers
    JOB_APPLICANT_NEW = "job_applicant_new", _("Someone applied to one of our opportunities")
    RETENTION_CHECK_DUE = "retention_check_due", _("A retention check is due")
    # Grant staff
    EMPLOYER_REQUEST_NEW = "employer_request_new", _("An employer asked for an account")


# The kinds each role hears about (its preferences page lists these).
KINDS_BY_ROLE = {
    Role.PARTICIPANT: (
        Kind.JOB_APPLICATION_RECEIVED,
        Kind.PROGRAM_ADMITTED,
        Kind.PROGRAM_NOT_ADMITTED,
        Kind.PROGRAM_ENROLLED,
        Kind.SUPPORT_APPROVED,
        Kind.SUPPORT_DECLINED,
        Kind.JOB_APPLICATION_MOVED,
        Kind.JOB_HIRED,
        Kind.CHECK_IN_DUE,
    ),
    Role.NAVIGATOR: (
        Kind.QUEUE_NEW_PERSON,
        Kind.SUPPORT_REQUEST_NEW,
        Kind.SUPPORT_APPROVAL_WAITING,
        Kind.FOLLOW_UP_DUE,
    ),
    Role.PROVIDER: (Kind.PROGRAM_APPLICATION_NEW,),
    Role.EMPLOYER: (Kind.JOB_APPLICANT_NEW, Kind.RETENTION_CHECK_DUE),
    Role.STAFF: (Kind.EMPLOYER_REQUEST_NEW, Kind.SUPPORT_APPROVAL_WAITING),
}

# The roles that may choose one daily email instead of one per event.
DIGEST_ROLES = (Role.NAVIGATOR, Role.EMPLOYER)


class Notification(models.Model):
    """One event told to one person. ``key`` names the event: the same event never notifies twice."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    # The person the event is about, when it names someone else (a participant in a navigator's,
    # provider's or employer's notification): anonymizing them deletes it.
    about = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    key = models.CharField(max_length=200)
    # Written in the recipient's language when the event happened (``language``).
    language = models.CharField(max_length=5)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    sms_sent_at = models.DateTimeField(null=True, blank=True)
    sms_attempts = models.PositiveSmallIntegerField(default=0)
    included_in_digest_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_event"),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"


class NotificationPreference(models.Model):
    """How one person hears about one kind. In the inbox always; by email and text as they choose.
    No row: the defaults (email on; text messages on, for a participant who opted in)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    email = models.BooleanField(_("email"), default=True)
    sms = models.BooleanField(_("text message"), default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")]

    def __str__(self) -> str:
        return f"{self.kind} of {self.user_id}"


class NotificationSettings(models.Model):
    """A person's choice of one email per event (default) or one daily digest."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    daily_digest = models.BooleanField(_("one email a day instead of one per event"), default=False)

    def __str__(self) -> str:
        return f"notification settings of {self.user_id}"
