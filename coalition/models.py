"""The coalition: partner organizations, working groups, meetings, pilot projects and awards."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from mtw_portal.core.reference import reference_text
from mtw_portal.core.validators import single_line, validate_event_date


class Partner(models.Model):
    """An organization of the coalition, optionally linked to its record elsewhere in the portal."""

    class Type(models.TextChoices):
        EMPLOYER = "employer", _("Employer")
        ACADEMIC = "academic", _("Academic")
        COMMUNITY_ORGANIZATION = "community_organization", _("Community organization")
        TRAINING_PROVIDER = "training_provider", _("Training provider")

    # Which link each type may carry (academic partners carry none).
    LINK_FOR_TYPE = {
        Type.EMPLOYER: "employer",
        Type.TRAINING_PROVIDER: "provider",
        Type.COMMUNITY_ORGANIZATION: "community_organization",
    }

    name = models.CharField(_("name"), max_length=200, validators=[single_line])
    type = models.CharField(_("type"), max_length=30, choices=Type.choices)
    employer = models.ForeignKey(
        "employers.Employer",
        verbose_name=_("employer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coalition_partners",
    )
    provider = models.ForeignKey(
        "programs.Provider",
        verbose_name=_("training provider"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coalition_partners",
    )
    community_organization = models.ForeignKey(
        "participants.CommunityOrganization",
        verbose_name=_("community organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coalition_partners",
    )
    website = models.URLField(_("website"), blank=True)
    joined_on = models.DateField(_("joined on"), null=True, blank=True, validators=[validate_event_date])
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        constraints = [
            models.UniqueConstraint(Lower("name"), name="coalition_partner_name_ci_unique"),
            models.CheckConstraint(
                condition=(Q(employer__isnull=True) | Q(type="employer"))
                & (Q(provider__isnull=True) | Q(type="training_provider"))
                & (Q(community_organization__isnull=True) | Q(type="community_organization")),
                name="coalition_partner_link_matches_type",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        errors = {}
        allowed = self.LINK_FOR_TYPE.get(self.type)
        for field in ("employer", "provider", "community_organization"):
            if getattr(self, f"{field}_id") is not None and field != allowed:
                errors[field] = _("This link does not match the partner's type.")
        if self.name:
            clash = Partner.objects.filter(name__iexact=self.name.strip()).exclude(pk=self.pk)
            if clash.exists():
                errors["name"] = _("A partner with this name already exists.")
        if errors:
            raise ValidationError(errors)


# The name and description the reference working groups were created with (migration 0002), by slug.
WORKING_GROUP_TEXTS = {
    "emerging-tech-talent": (
        gettext_noop("Emerging Tech Talent"),
        gettext_noop("Bring new people into tech careers: outreach, training pathways and first jobs."),
    ),
    "tech-skills-gap": (
        gettext_noop("Tech Skills Gap"),
        gettext_noop("Match training to the skills employers need now and will need next."),
    ),
    "small-business-capacity-development": (
        gettext_noop("Small Business Capacity Development"),
        gettext_noop("Help small businesses hire, train and keep tech talent."),
    ),
    "inclusive-tech-talent-pipeline": (
        gettext_noop("Inclusive Tech Talent Pipeline"),
        gettext_noop(
            "Open the pipeline to Miami's underrepresented communities, from outreach to placement."
        ),  # noqa: E501
    ),
}


class WorkingGroup(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True, validators=[single_line])
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("working group")
        verbose_name_plural = _("working groups")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the reader's language (as stored, once someone renamed it)."""
        return reference_text(self.name, WORKING_GROUP_TEXTS.get(self.slug, (None, None))[0])

    @property
    def description_label(self) -> str:
        return reference_text(self.description, WORKING_GROUP_TEXTS.get(self.slug, (None, None))[1])


class Membership(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        MEMBER = "member", _("Member")

    group = models.ForeignKey(
        WorkingGroup, verbose_name=_("working group"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="coalition_memberships",
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
    )

    class Meta:
        ordering = ["group", "-role", "user__last_name", "user__first_name"]
        verbose_name = _("working group membership")
        verbose_name_plural = _("working group memberships")
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="coalition_membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.group}"


class Meeting(models.Model):
    class Kind(models.TextChoices):
        MEETING = "meeting", _("Working group meeting")
        GATHERING = "gathering", _("Community gathering")

    group = models.ForeignKey(
        WorkingGroup,
        verbose_name=_("working group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MEETING)
    title = models.CharField(_("title"), max_length=200, validators=[single_line])
    held_on = models.DateField(_("date"), validators=[validate_event_date])
    location = models.CharField(_("location"), max_length=200, blank=True, validators=[single_line])
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="meeting") & Q(group__isnull=False))
                | (Q(kind="gathering") & Q(group__isnull=True)),
                name="coalition_meeting_group_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if self.kind == self.Kind.MEETING and self.group_id is None:
            raise ValidationError({"group": _("A working group meeting needs its working group.")})
        if self.kind == self.Kind.GATHERING and self.group_id is not None:
            raise ValidationError({"group": _("A community gathering belongs to no working group.")})


class Attendance(models.Model):
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendances"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coalition_attendances",
    )
    attendee_name = models.CharField(_("attendee name"), max_length=200, blank=True, validators=[single_line])
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attendances",
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=Q(user__isnull=False),
                name="coalition_attendance_unique_user",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(attendee_name=""),
                name="coalition_attendance_names_someone",
            ),
        ]

    def __str__(self) -> str:
        return self.attendee_name or str(self.user)

    def clean(self):
        if self.user_id is None and not self.attendee_name.strip():
            raise ValidationError({"attendee_name": _("Name the attendee.")})


class PilotProject(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ACTIVE = "active", _("Active")
        DONE = "done", _("Done")

    title = models.CharField(_("title"), max_length=200, validators=[single_line])
    description = models.TextField(_("description"), blank=True)
    lead_partner = models.ForeignKey(
        Partner, verbose_name=_("lead partner"), on_delete=models.PROTECT, related_name="pilots"
    )
    group = models.ForeignKey(
        WorkingGroup,
        verbose_name=_("working group"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pilots",
    )
    started_on = models.DateField(_("started on"), null=True, blank=True, validators=[validate_event_date])
    ended_on = models.DateField(_("ended on"), null=True, blank=True, validators=[validate_event_date])
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)

    class Meta:
        ordering = ["-started_on", "title"]
        verbose_name = _("pilot project")
        verbose_name_plural = _("pilot projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="coalition_pilot_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": _("The end date is before the start date.")})


class Award(models.Model):
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="awards"
    )
    title = models.CharField(_("title"), max_length=200, validators=[single_line])
    amount_usd = models.DecimalField(_("amount (USD)"), max_digits=12, decimal_places=2)
    awarded_on = models.DateField(_("awarded on"), validators=[validate_event_date])
    purpose = models.TextField(_("purpose"), blank=True)

    class Meta:
        ordering = ["-awarded_on", "-pk"]
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        constraints = [
            models.CheckConstraint(condition=Q(amount_usd__gt=0), name="coalition_award_amount_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if self.amount_usd is not None and self.amount_usd <= 0:
            raise ValidationError({"amount_usd": _("The amount must be more than zero.")})
