from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mtw_portal.core.validators import single_line, validate_event_date


class Provider(models.Model):
    """A training provider: BrainStation, 4Geeks Academy, Miami Dade College, FIU, FMU, ..."""

    code = models.SlugField(_("short code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True, validators=[single_line])
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


class CredentialType(models.TextChoices):
    DEGREE_OR_CERTIFICATE = "degree_or_certificate", _("Degree or certificate")
    NON_DEGREE_CERTIFICATION = "non_degree_certification", _("Non-degree certification")
    MICRO_CREDENTIAL = "micro_credential", _("Micro-credential")
    OCCUPATIONAL_LICENSE = "occupational_license", _("Occupational license")
    OCCUPATIONAL_CERTIFICATE = "occupational_certificate", _("Occupational certificate")
    REGISTERED_APPRENTICESHIP = "registered_apprenticeship", _("Registered apprenticeship")
    UNREGISTERED_APPRENTICESHIP = "unregistered_apprenticeship", _("Unregistered apprenticeship")
    BOOTCAMP_CERTIFICATE = "bootcamp_certificate", _("Coding bootcamp completion certificate")
    ONLINE_COURSE_CERTIFICATE = "online_course_certificate", _("Online course completion certificate")
    HIGH_SCHOOL_DIPLOMA = "high_school_diploma", _("High school diploma")


class Skill(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True, validators=[single_line])

    class Meta:
        ordering = ["name"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")

    def __str__(self) -> str:
        return self.name


class Program(models.Model):
    """A training program a provider runs, in cohorts.

    Format, schedule, length, tuition and credential may be unknown for a program that a
    roster import created; the provider completes them later.
    """

    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        HYBRID = "hybrid", _("Hybrid")
        REMOTE = "remote", _("Remote")

    class Schedule(models.TextChoices):
        FULL_TIME = "full_time", _("Full time")
        PART_TIME = "part_time", _("Part time")

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="programs")
    name = models.CharField(_("name"), max_length=200, validators=[single_line])
    description = models.TextField(_("description"), blank=True, max_length=5000)
    format = models.CharField(_("format"), max_length=20, choices=Format.choices, blank=True)
    schedule = models.CharField(_("schedule"), max_length=20, choices=Schedule.choices, blank=True)
    length_weeks = models.PositiveSmallIntegerField(_("length in weeks"), null=True, blank=True)
    tuition = models.DecimalField(
        _("tuition (USD)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    credential_type = models.CharField(
        _("credential type"), max_length=40, choices=CredentialType.choices, blank=True
    )
    credential_name = models.CharField(
        _("credential it leads to"), max_length=200, blank=True, validators=[single_line]
    )
    skills = models.ManyToManyField(
        Skill, verbose_name=_("skills taught"), blank=True, related_name="programs"
    )
    is_active = models.BooleanField(_("listed in the catalogue"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["provider__name", "name"]
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        constraints = [
            models.UniqueConstraint(
                "provider", Lower("name"), name="programs_program_provider_name_ci_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.provider.name})"


class Cohort(models.Model):
    """One run of a program, identified by its start date."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="cohorts")
    start_date = models.DateField(_("start date"), validators=[validate_event_date])
    end_date = models.DateField(_("end date"), null=True, blank=True, validators=[validate_event_date])
    seats = models.PositiveIntegerField(_("seats"), validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["start_date"]
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "start_date"], name="programs_cohort_program_start_unique"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="programs_cohort_ends_after_start",
            ),
            models.CheckConstraint(condition=Q(seats__gte=1), name="programs_cohort_has_seats"),
        ]

    def __str__(self) -> str:
        return f"{self.program.name}, {self.start_date:%Y-%m-%d}"

    def clean(self):
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})

    def takes_applications(self, today=None) -> bool:
        """Participants apply until (and on) the start date: there is no later enrollment deadline."""
        return self.start_date >= (today or timezone.localdate())


class WithdrawalReason(models.TextChoices):
    TECHNICAL_REQUIREMENTS = "technical_requirements", _("Could not meet technical requirements")
    FAMILY_OBLIGATIONS = "family_obligations", _("Family obligations")
    PHYSICAL_HEALTH = "physical_health", _("Physical health")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    TRANSPORTATION = "transportation", _("Lack of transportation")
    CHILDCARE = "childcare", _("Lack of childcare")
    FINANCIAL_OBLIGATIONS = "financial_obligations", _("Financial obligations")
    DISMISSED_FOR_BEHAVIOR = "dismissed_for_behavior", _("Dismissed for behavior")
    ATTENDANCE = "attendance", _("Did not meet attendance requirements")
    NEW_JOB = "new_job", _("Left for a new job")
    OTHER = "other", _("Other")


class Enrollment(models.Model):
    """A participant's place in a cohort, from application to completion or withdrawal.

    ``origin`` says who made it; ``partner_confirmed_at`` whether it is a relationship the
    participant (or their navigator) made or confirmed. Only confirmed enrollments open the
    person's record to the provider and count in the provider's own figures
    (``mtw_portal.access``); grant-level figures count them all.
    """

    class Origin(models.TextChoices):
        APPLICATION = "application", _("The participant's application")
        NAVIGATOR = "navigator", _("Enrolled by a navigator or grant staff")
        PROVIDER = "provider", _("Enrolled by the provider")
        IMPORT = "import", _("A provider's roster import")

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        NOT_ADMITTED = "not_admitted", _("Not admitted")
        ENROLLED = "enrolled", _("Enrolled")
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # The statuses that hold one of the cohort's seats.
    SEAT_STATUSES = (Status.ENROLLED, Status.ACTIVE, Status.COMPLETED)
    # The statuses of someone who is (or was) in training.
    ENROLLED_STATUSES = (Status.ENROLLED, Status.ACTIVE, Status.COMPLETED, Status.WITHDRAWN)

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="enrollments"
    )
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="enrollments")
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.APPLIED, db_index=True
    )
    applied_at = models.DateTimeField(_("applied"), default=timezone.now)
    enrolled_on = models.DateField(_("enrolled on"), null=True, blank=True, validators=[validate_event_date])
    end_date = models.DateField(
        _("end date"),
        null=True,
        blank=True,
        help_text=_("Completion or withdrawal date."),
        validators=[validate_event_date],
    )
    withdrawal_reason = models.CharField(
        _("withdrawal reason"), max_length=40, choices=WithdrawalReason.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True, max_length=2000)
    origin = models.CharField(_("origin"), max_length=20, choices=Origin.choices, default=Origin.PROVIDER)
    partner_confirmed_at = models.DateTimeField(_("confirmed by the participant"), null=True, blank=True)
    partner_declined_at = models.DateTimeField(_("declined by the participant"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-cohort__start_date", "pk"]
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        # Seats taken and applications waiting are counted per cohort by status (catalogue, the
        # provider's programs): index-only scans of the cohort's rows.
        indexes = [models.Index(fields=["cohort", "status"], name="enrollment_cohort_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "cohort"], name="programs_enrollment_once_per_cohort"
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | ~Q(withdrawal_reason=""),
                name="programs_enrollment_withdrawn_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["completed", "withdrawn"]) | Q(end_date__isnull=False),
                name="programs_enrollment_ended_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} in {self.cohort}"

    @property
    def is_confirmed(self) -> bool:
        return self.partner_confirmed_at is not None

    @property
    def awaits_confirmation(self) -> bool:
        return self.partner_confirmed_at is None and self.partner_declined_at is None


class EnrollmentEvent(models.Model):
    """Append-only history of an enrollment's status: who moved it, when, from what to what."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, choices=Enrollment.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Enrollment.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    source = models.CharField(max_length=20, default="portal")  # portal | import
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} → {self.to_status}"


class Credential(models.Model):
    """A credential a participant earned, usually by completing an enrollment."""

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="credentials"
    )
    enrollment = models.OneToOneField(
        Enrollment, on_delete=models.SET_NULL, null=True, blank=True, related_name="credential"
    )
    type = models.CharField(_("credential type"), max_length=40, choices=CredentialType.choices)
    name = models.CharField(_("credential name"), max_length=200, validators=[single_line])
    issuer = models.CharField(_("issued by"), max_length=200, validators=[single_line])
    awarded_on = models.DateField(_("date awarded"), validators=[validate_event_date])

    class Meta:
        ordering = ["-awarded_on"]
        verbose_name = _("credential")
        verbose_name_plural = _("credentials")

    def __str__(self) -> str:
        return self.name


class CompletionFollowUp(models.Model):
    """What became of someone six months after completing training, as a navigator recorded it.

    One row per completed enrollment, updated in place when recorded again. The funder's quarterly
    report (``reports.quarterly``) uses it when no job placement answers the question: a
    placement in the field of training, or any job placement, wins over what is recorded here.
    """

    class Status(models.TextChoices):
        LOOKING = "looking", _("Still looking for work")
        NOT_LOOKING = "not_looking", _("Not looking for work")
        NO_CONTACT = "no_contact", _("Could not contact")
        EMPLOYED_OUTSIDE_FIELD = "employed_outside_field", _("Employed outside the field of training")

    enrollment = models.OneToOneField(Enrollment, on_delete=models.CASCADE, related_name="follow_up")
    status = models.CharField(_("status six months after completion"), max_length=30, choices=Status.choices)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("follow-up after completion")
        verbose_name_plural = _("follow-ups after completion")

    def __str__(self) -> str:
        return f"{self.enrollment}: {self.status}"
