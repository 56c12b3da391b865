from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CommunityOrganization(models.Model):
    """A community organization whose case managers (navigators) support participants."""

    code = models.SlugField(_("short code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("community organization")
        verbose_name_plural = _("community organizations")

    def __str__(self) -> str:
        return self.name


class Navigator(models.Model):
    """A case manager at a community organization."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="navigator")
    organization = models.ForeignKey(
        CommunityOrganization, on_delete=models.PROTECT, related_name="navigators"
    )

    class Meta:
        verbose_name = _("navigator")
        verbose_name_plural = _("navigators")

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization}"
