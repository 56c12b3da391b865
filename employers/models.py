import uuid
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mtw_portal.core.validators import single_line, validate_event_date


class Employer(models.Model):
    class Size(models.TextChoices):
        MICRO = "1-9", _("1 to 9 employees")
        SMALL = "10-49", _("10 to 49 employees")
        MEDIUM = "50-249", _("50 to 249 employees")
        LARGE = "250-999", _("250 to 999 employees")
        ENTERPRISE = "1000+", _("1,000 employees or more")

    name = models.CharField(_("name"), max_length=200, validators=[single_line])
    industry = models.CharField(_("industry"), max_length=120, blank=True, validators=[single_line])
    size = models.CharField(_("size"), max_length=10, choices=Size.choices, blank=True)
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

    organization_name = models.CharField(_("organization name"), max_length=200, validators=[single_line])
    website = models.URLField(_("website"), blank=True)
    industry = models.CharField(_("industry"), max_length=120, blank=True, validators=[single_line])
    first_name = models.CharField(_("first name"), max_length=150, validators=[single_line])
    last_name = models.CharField(_("last name"), max_length=150, validators=[single_line])
    email = models.EmailField(_("work email"))
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[single_line])
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


class Kind(models.TextChoices):
    """Kinds of opportunity and of placement. Earn-and-learn: the first three and apprenticeship."""

    SPRINT_INTERNSHIP = "sprint_internship", _("Sprint internship")
    MICRO_INTERNSHIP = "micro_internship", _("Micro-internship")
    INTERNSHIP = "internship", _("Internship")
    APPRENTICESHIP = "apprenticeship", _("Apprenticeship")
    FULL_TIME = "full_time", _("Full-time job")
    PART_TIME = "part_time", _("Part-time job")


INTERNSHIP_KINDS = (Kind.SPRINT_INTERNSHIP, Kind.MICRO_INTERNSHIP, Kind.INTERNSHIP)
# Only these kinds of placement can be good jobs.
JOB_KINDS = (Kind.FULL_TIME, Kind.PART_TIME, Kind.APPRENTICESHIP)

BENEFITS = (
    ("health", _("Health insurance")),
    ("dental_vision", _("Dental and vision")),
    ("paid_time_off", _("Paid time off")),
    ("retirement", _("Retirement plan")),
    ("tuition", _("Tuition assistance")),
)


class BenefitFields(models.Model):
    benefit_health = models.BooleanField(_("health insurance"), default=False)
    benefit_dental_vision = models.BooleanField(_("dental and vision"), default=False)
    benefit_paid_time_off = models.BooleanField(_("paid time off"), default=False)
    benefit_retirement = models.BooleanField(_("retirement plan"), default=False)
    benefit_tuition = models.BooleanField(_("tuition assistance"), default=False)
    advancement_path = models.TextField(
        _("path to advance"),
        blank=True,
        max_length=2000,
        help_text=_("How someone in this role can grow: promotion track, training, raises. Empty for none."),
    )

    class Meta:
        abstract = True

    @property
    def benefits(self) -> list[str]:
        return [str(label) for key, label in BENEFITS if getattr(self, f"benefit_{key}")]


class Opportunity(BenefitFields):
    """An internship or job an employer posts on the board."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="opportunities")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200, validators=[single_line])
    description = models.TextField(_("description"), max_length=10000)
    skills = models.ManyToManyField(
        "programs.Skill", verbose_name=_("skills wanted"), blank=True, related_name="opportunities"
    )
    location = models.CharField(_("location"), max_length=200, blank=True, validators=[single_line])
    is_remote = models.BooleanField(_("remote"), default=False)
    hourly_wage = models.DecimalField(
        _("hourly wage (USD)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    fixed_fee = models.DecimalField(
        _("fixed fee (USD)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("For a micro-internship paid per project."),
    )
    estimated_hours = models.PositiveIntegerField(
        _("estimated hours"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("For a micro-internship: the hours the project should take."),
    )
    hours_per_week = models.PositiveSmallIntegerField(
        _("hours per week"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(80)]
    )
    deadline = models.DateField(
        _("application deadline"), null=True, blank=True, validators=[validate_event_date]
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-created_at", "-pk"]
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        indexes = [models.Index(fields=["state", "kind"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(hourly_wage__isnull=False)
                | Q(fixed_fee__isnull=False, estimated_hours__isnull=False),
                name="employers_opportunity_is_paid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.employer.name})"

    @property
    def effective_hourly_rate(self) -> Decimal | None:
        """The hourly wage, or for a fixed fee the fee over the estimated hours."""
        if self.hourly_wage is not None:
            return self.hourly_wage
        if self.fixed_fee is not None and self.estimated_hours:
            return (self.fixed_fee / self.estimated_hours).quantize(Decimal("0.01"))
        return None


def _resume_path(instance, filename: str) -> str:
    return f"resumes/{instance.participant_id}/{uuid.uuid4().hex}.pdf"


class ApplicationMove(NamedTuple):
    """One move of an application along the hiring pipeline (a row of ``Application.MOVES``)."""

    action: str  # its word in the URL and in the access checks
    from_states: tuple[str, ...]  # the states it may start from
    to_state: str
    by: str  # who makes it: ``Application.EMPLOYER_SIDE`` or ``Application.APPLICANT_SIDE``
    label: str  # its button


class Application(models.Model):
    class State(models.TextChoices):
        APPLIED = "applied", _("Applied")
        INTERVIEWING = "interviewing", _("Interviewing")
        OFFERED = "offered", _("Offered")
        HIRED = "hired", _("Hired")
        DECLINED = "declined", _("Not selected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # Who makes a move: the employer (``access`` says who acts for it: its members, and grant
    # staff) or the applicant. Navigators make none.
    EMPLOYER_SIDE = "employer"
    APPLICANT_SIDE = "applicant"

    # The pipeline, written once: every move, the states it starts from, where it leads, who makes
    # it and its button's label, in the order the buttons show. Hired and declined are final; a
    # withdrawal can be undone by the applicant ("apply again", while the opportunity takes
    # applications). Views, services and ``access`` all read it.
    _OPEN = (State.APPLIED, State.INTERVIEWING, State.OFFERED)
    MOVES = (
        ApplicationMove(
            "interview", (State.APPLIED,), State.INTERVIEWING, EMPLOYER_SIDE, _("Invite to interview")
        ),
        ApplicationMove(
            "offer", (State.APPLIED, State.INTERVIEWING), State.OFFERED, EMPLOYER_SIDE, _("Make an offer")
        ),
        ApplicationMove("hire", (State.OFFERED,), State.HIRED, EMPLOYER_SIDE, _("Hire")),
        ApplicationMove("decline", _OPEN, State.DECLINED, EMPLOYER_SIDE, _("Decline")),
        ApplicationMove("withdraw", _OPEN, State.WITHDRAWN, APPLICANT_SIDE, _("Withdraw")),
        ApplicationMove("reapply", (State.WITHDRAWN,), State.APPLIED, APPLICANT_SIDE, _("Apply again")),
    )
    # The moves that need a reason, which the other side reads (the applicant, the employer).
    REASON_REQUIRED = frozenset({"decline"})

    opportunity = models.ForeignKey(Opportunity, on_delete=models.PROTECT, related_name="applications")
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="applications"
    )
    note = models.TextField(_("a short note to the employer"), max_length=2000, blank=True)
    resume = models.FileField(_("résumé (PDF)"), upload_to=_resume_path, blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.APPLIED, db_index=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Why it was declined (the applicant reads it) or withdrawn (the employer reads it, if given).
    decision_reason = models.TextField(_("reason"), max_length=2000, blank=True)
    # How many times it was sent again after a withdrawal: each round's news is told again.
    round = models.PositiveSmallIntegerField(_("times sent again"), default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "participant"], name="employers_application_once"),
        ]

    def __str__(self) -> str:
        return f"{self.participant} → {self.opportunity}"

    @classmethod
    def move_named(cls, action: str) -> ApplicationMove | None:
        return next((move for move in cls.MOVES if move.action == action), None)

    @classmethod
    def move_to(cls, to_state: str) -> ApplicationMove | None:
        return next((move for move in cls.MOVES if move.to_state == to_state), None)

    @classmethod
    def moves_from(cls, state: str, *, by: str) -> tuple[ApplicationMove, ...]:
        """The moves ``by`` (a side) may make from ``state``, in the buttons' order."""
        return tuple(move for move in cls.MOVES if move.by == by and state in move.from_states)

    @classmethod
    def actions_of(cls, side: str | None) -> frozenset[str]:
        """Every action ``side`` may take, in some state."""
        return frozenset(move.action for move in cls.MOVES if move.by == side)


class MentorOffer(models.Model):
    """An employer member offering to mentor participants."""

    member = models.ForeignKey(EmployerMember, on_delete=models.CASCADE, related_name="mentor_offers")
    topics = models.CharField(_("what you can help with"), max_length=300, validators=[single_line])
    capacity = models.PositiveSmallIntegerField(
        _("how many people at a time"), default=1, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    is_active = models.BooleanField(_("taking mentees"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.member.user} ({self.topics})"


class MentorMatch(models.Model):
    offer = models.ForeignKey(MentorOffer, on_delete=models.PROTECT, related_name="matches")
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="mentors"
    )
    matched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["offer", "participant"],
                condition=Q(ended_at__isnull=True),
                name="employers_mentor_match_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.offer} ↔ {self.participant}"
