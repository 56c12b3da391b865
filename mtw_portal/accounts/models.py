from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PARTICIPANT = "participant", _("Participant")
    NAVIGATOR = "navigator", _("Navigator")
    PROVIDER = "provider", _("Training provider staff")
    EMPLOYER = "employer", _("Employer member")
    STAFF = "staff", _("Grant staff")


# Roles whose holders belong to an organization, and which kind.
ROLE_ORGANIZATION = {
    Role.NAVIGATOR: "community_organization",
    Role.PROVIDER: "provider",
    Role.EMPLOYER: "employer",
}


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", Role.STAFF)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person who signs in. Email is the login; ``role`` decides which part of the portal is theirs.

    ``is_staff``/``is_superuser`` only open Django's admin site; grant staff are ``role=staff``.
    """

    username = None
    email = models.EmailField(_("email address"), unique=True)
    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.PARTICIPANT, db_index=True
    )
    # The language the person chose to read the portal and their emails in; empty until they choose
    # (see accounts.selectors.user_language for what is used meanwhile).
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique")]
        # Lists ordered by name (the caseload, the queue) read people in this order and stop at a page.
        indexes = [models.Index(fields=["last_name", "first_name"], name="user_name_order")]

    def refresh_from_db(self, *args, **kwargs):
        # Reloaded from the database: so are the memberships (mtw_portal.access keeps them on the
        # object, under this attribute, for the rest of the request).
        self.__dict__.pop("_access_memberships", None)
        super().refresh_from_db(*args, **kwargs)

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email


class RoleChange(models.Model):
    """Append-only record of every role granted: who, to whom, what, when."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="role_changes_made"
    )
    old_role = models.CharField(max_length=20, choices=Role.choices)
    new_role = models.CharField(max_length=20, choices=Role.choices)
    organization = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.old_role} → {self.new_role}"


class Invitation(models.Model):
    """An emailed link through which a person claims an account created for them.

    The link carries a token signed with SECRET_KEY over ``(pk, nonce)``: the database alone
    cannot forge one, and the sender can rebuild it from the row. It works once, until
    ``expires_at``. ``sent_at`` is claimed atomically so the email goes out once.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    nonce = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation {self.pk} for user {self.user_id}"

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()
