from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Employer(models.Model):
    name = models.CharField(_("name"), max_length=200)
    industry = models.CharField(_("industry"), max_length=120, blank=True)
    website = models.URLField(_("website"), blank=True)
    is_partner = models.BooleanField(_("coalition partner"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        constraints = [models.UniqueConstraint(Lower("name"), name="employers_employer_name_ci_unique")]

    def __str__(self) -> str:
        return self.name


class EmployerMember(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        RECRUITER = "recruiter", _("Recruiter")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="employer_member"
    )
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="members")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.RECRUITER)

    class Meta:
        verbose_name = _("employer member")
        verbose_name_plural = _("employer members")

    def __str__(self) -> str:
        return f"{self.user} @ {self.employer}"


class EmployerAccountRequest(models.Model):
    """A company asking for an employer account; grant staff approve or decline it."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    organization_name = models.CharField(_("organization name"), max_length=200)
    website = models.URLField(_("website"), blank=True)
    industry = models.CharField(_("industry"), max_length=120, blank=True)
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    email = models.EmailField(_("work email"))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    message = models.TextField(_("what you hope to do with Miami Tech Works"), blank=True, max_length=2000)
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.PENDING, db_index=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision_note = models.TextField(_("note"), blank=True, max_length=2000)
    employer = models.ForeignKey(Employer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("employer account request")
        verbose_name_plural = _("employer account requests")

    def __str__(self) -> str:
        return f"{self.organization_name} ({self.email})"
