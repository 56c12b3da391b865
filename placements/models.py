"""Placements: the jobs people got, judged against the good-job standard, and their retention checks."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from employers.models import Application, BenefitFields, Employer, Kind
from mtw_portal.core.validators import single_line, validate_event_date


class GoodJobStandard(models.Model):
    """What counts as a good job, from ``effective_from`` until the next version takes over.

    Versions are never edited once placements were judged against them: a change is a new version.
    """

    effective_from = models.DateField(_("in force from"), unique=True, validators=[validate_event_date])
    min_hourly_wage = models.DecimalField(
        _("minimum hourly wage (USD)"),
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    min_hours_per_week = models.PositiveSmallIntegerField(
        _("minimum hours per week"), validators=[MinValueValidator(1), MaxValueValidator(80)]
    )
    health_benefits_required = models.BooleanField(_("health benefits required"), default=True)
    advancement_required = models.BooleanField(_("a path to advance required"), default=True)
    source = models.TextField(_("source"), max_length=2000, help_text=_("Where the figures come from."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "employers_goodjobstandard"  # kept when the model left employers
        ordering = ["-effective_from"]
        verbose_name = _("good-job standard")
        verbose_name_plural = _("good-job standards")

    def __str__(self) -> str:
        return f"${self.min_hourly_wage}/h, {self.min_hours_per_week} h/week from {self.effective_from}"


class Placement(BenefitFields):
    """Someone at work: an internship, apprenticeship or job, with its good-job judgement."""

    class Source(models.TextChoices):
        HIRE = "hire", _("Hired through the portal")
        NAVIGATOR = "navigator", _("Recorded by a navigator")
        IMPORT = "import", _("Imported")

    class Test(models.TextChoices):
        KIND = "kind", _("Not a job (internships cannot be good jobs)")
        WAGE = "wage", _("Wage below the minimum")
        HOURS = "hours", _("Too few hours per week")
        HEALTH = "health", _("No health benefits")
        ADVANCEMENT = "advancement", _("No path to advance")
        NO_STANDARD = "no_standard", _("No standard in force on the start date")

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="placements"
    )
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="placements")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    title = models.CharField(_("job title"), max_length=200, validators=[single_line])
    start_date = models.DateField(_("start date"), db_index=True, validators=[validate_event_date])
    end_date = models.DateField(_("end date"), null=True, blank=True, validators=[validate_event_date])
    hourly_wage = models.DecimalField(
        _("hourly wage (USD)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    hours_per_week = models.DecimalField(
        _("hours per week"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("80"))],
    )
    in_field_of_training = models.BooleanField(_("in the participant's field of training"), default=False)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    application = models.OneToOneField(
        Application, on_delete=models.SET_NULL, null=True, blank=True, related_name="placement"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # The judgement, against the standard in force on the start date.
    is_good_job = models.BooleanField(_("good job"), default=False, db_index=True)
    standard = models.ForeignKey(
        GoodJobStandard, on_delete=models.PROTECT, null=True, blank=True, related_name="placements"
    )
    failed_tests = models.JSONField(_("tests failed"), default=list, blank=True)
    judged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "employers_placement"  # kept when the model left employers
        ordering = ["-start_date", "-pk"]
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "employer", "kind", "start_date"], name="employers_placement_identity"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="employers_placement_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} at {self.employer.name} ({self.start_date})"

    @property
    def failed_test_labels(self) -> list[str]:
        return [str(Placement.Test(t).label) for t in self.failed_tests if t in Placement.Test.values]


class RetentionCheck(models.Model):
    """Is the person still employed 90 (or 180) days after the start of a job placement?"""

    class Outcome(models.TextChoices):
        EMPLOYED = "employed", _("Still employed")
        NOT_EMPLOYED = "not_employed", _("No longer employed")
        NO_CONTACT = "no_contact", _("Could not contact")

    class Evidence(models.TextChoices):
        SELF_REPORTED = "self_reported", _("Self-reported")
        EMPLOYER_CONFIRMED = "employer_confirmed", _("Employer confirmed")
        DOCUMENT = "document", _("Document (pay stub, letter)")

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="retention_checks")
    days = models.PositiveSmallIntegerField(_("days after start"))
    due_on = models.DateField(_("due on"), db_index=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    evidence = models.CharField(_("evidence"), max_length=30, choices=Evidence.choices, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    recorded_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    link_nonce = models.CharField(max_length=64, blank=True)
    link_used_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Failed sends of the reminder: the periodic job stops trying after RETENTION_REMINDER_MAX_ATTEMPTS.
    reminder_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        db_table = "employers_retentioncheck"  # kept when the model left employers
        ordering = ["due_on", "pk"]
        verbose_name = _("retention check")
        verbose_name_plural = _("retention checks")
        constraints = [
            models.UniqueConstraint(fields=["placement", "days"], name="employers_retention_check_once"),
            models.CheckConstraint(
                condition=Q(outcome="") | ~Q(evidence=""), name="employers_retention_outcome_has_evidence"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.days}-day check of {self.placement_id}"
