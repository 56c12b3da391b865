from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Provider(models.Model):
    """A training provider: BrainStation, 4Geeks Academy, Miami Dade College, FIU, FMU, ..."""

    code = models.SlugField(_("short code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("training provider")
        verbose_name_plural = _("training providers")

    def __str__(self) -> str:
        return self.name


class ProviderStaff(models.Model):
    """A user who works for a training provider. ``can_edit`` off means read-only."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="provider_staff"
    )
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="staff")
    can_edit = models.BooleanField(_("can edit"), default=True)

    class Meta:
        verbose_name = _("provider staff member")
        verbose_name_plural = _("provider staff")

    def __str__(self) -> str:
        return f"{self.user} @ {self.provider}"
