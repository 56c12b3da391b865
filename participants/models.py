import uuid
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from mtw_portal.core.reference import reference_text
from mtw_portal.core.validators import single_line, validate_date_of_birth, validate_event_date


class CommunityOrganization(models.Model):
    """A community organization whose case managers (navigators) support participants."""

    code = models.SlugField(_("short code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True, validators=[single_line])
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


class PreferNot:
    VALUE = "prefer_not"
    LABEL = _("Prefer not to say")


class Participant(models.Model):
    """A person in the program: their intake profile. Never a Social Security number.

    Name and email live on the user account. A roster import can create a participant
    before they have claimed their account (no usable password until they do).
    """

    class Language(models.TextChoices):
        EN = "en", "English"
        ES = "es", "Español"
        HT = "ht", "Kreyòl ayisyen"

    class EmploymentStatus(models.TextChoices):
        UNEMPLOYED = "unemployed", _("Unemployed, looking for work")
        NOT_LOOKING = "not_looking", _("Not working, not looking")
        PART_TIME = "part_time", _("Employed part time")
        FULL_TIME = "full_time", _("Employed full time")
        SELF_EMPLOYED = "self_employed", _("Self-employed or gig work")
        STUDENT = "student", _("Student")

    class Education(models.TextChoices):
        NO_DIPLOMA = "no_diploma", _("No high school diploma")
        HIGH_SCHOOL = "high_school", _("High school diploma or GED")
        SOME_COLLEGE = "some_college", _("Some college, no degree")
        CERTIFICATE = "certificate", _("Vocational certificate")
        ASSOCIATE = "associate", _("Associate degree")
        BACHELOR = "bachelor", _("Bachelor's degree")
        GRADUATE = "graduate", _("Graduate degree")

    class Ethnicity(models.TextChoices):
        HISPANIC = "hispanic", _("Hispanic or Latino")
        NOT_HISPANIC = "not_hispanic", _("Not Hispanic or Latino")
        PREFER_NOT = PreferNot.VALUE, PreferNot.LABEL

    class Race(models.TextChoices):
        BLACK = "black", _("Black or African American")
        WHITE = "white", _("White")
        ASIAN = "asian", _("Asian")
        AMERICAN_INDIAN = "american_indian", _("American Indian or Alaska Native")
        PACIFIC_ISLANDER = "pacific_islander", _("Native Hawaiian or Pacific Islander")
        MULTIPLE = "multiple", _("Two or more races")
        OTHER = "other", _("Another race")
        PREFER_NOT = PreferNot.VALUE, PreferNot.LABEL

    class Gender(models.TextChoices):
        WOMAN = "woman", _("Woman")
        MAN = "man", _("Man")
        NON_BINARY = "non_binary", _("Non-binary")
        SELF_DESCRIBED = "self_described", _("Another gender")
        PREFER_NOT = PreferNot.VALUE, PreferNot.LABEL

    class YesNo(models.TextChoices):
        YES = "yes", _("Yes")
        NO = "no", _("No")
        PREFER_NOT = PreferNot.VALUE, PreferNot.LABEL

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="participant"
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[single_line])
    # Text messages about what concerns them (notifications), to ``phone``, only when they said yes.
    sms_opt_in = models.BooleanField(_("text me about my applications, training and support"), default=False)
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.EN
    )
    zip_code = models.CharField(
        _("ZIP code"), max_length=10, blank=True, db_index=True, validators=[single_line]
    )
    date_of_birth = models.DateField(
        _("date of birth"), null=True, blank=True, validators=[validate_date_of_birth]
    )
    employment_status = models.CharField(
        _("employment status at intake"), max_length=20, choices=EmploymentStatus.choices, blank=True
    )
    education = models.CharField(
        _("education at intake"), max_length=20, choices=Education.choices, blank=True
    )
    ethnicity = models.CharField(_("ethnicity"), max_length=20, choices=Ethnicity.choices, blank=True)
    race = models.CharField(_("race"), max_length=20, choices=Race.choices, blank=True)
    gender = models.CharField(_("gender"), max_length=20, choices=Gender.choices, blank=True)
    veteran = models.CharField(_("veteran"), max_length=20, choices=YesNo.choices, blank=True)
    disability = models.CharField(_("disability"), max_length=20, choices=YesNo.choices, blank=True)
    barrier_transportation = models.BooleanField(_("transportation"), default=False)
    barrier_childcare = models.BooleanField(_("childcare"), default=False)
    barrier_technology = models.BooleanField(_("technology (computer, internet)"), default=False)
    barrier_finances = models.BooleanField(_("finances"), default=False)
    barrier_other = models.CharField(
        _("something else"), max_length=200, blank=True, validators=[single_line]
    )
    consent_to_share = models.BooleanField(_("consent to share data with coalition partners"), default=False)
    consent_at = models.DateTimeField(null=True, blank=True)
    # Co-enrollment with the local workforce board (CareerSource South Florida), for the WIOA
    # extract (reports.wioa). Sharing with the board is its own, separate yes: ``consent_to_share``
    # is for coalition partners only. ``wioa_consent_at`` is when the current answer was given or
    # withdrawn; ``wioa_id`` is the stable pseudonymous identifier the extract sends (PIRL 100),
    # given at the first yes and kept (never a Social Security number, never derived from identity).
    wioa_coenrolled = models.BooleanField(
        _("also served by the local workforce board (CareerSource South Florida)"), default=False
    )
    wioa_consent = models.BooleanField(
        _("consent to share the record with the local workforce board"), default=False
    )
    wioa_consent_at = models.DateTimeField(null=True, blank=True)
    wioa_id = models.CharField(max_length=12, blank=True, editable=False)
    intake_completed_at = models.DateTimeField(null=True, blank=True)
    organization = models.ForeignKey(
        CommunityOrganization,
        verbose_name=_("community organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participants",
    )
    navigator = models.ForeignKey(
        Navigator,
        verbose_name=_("navigator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="caseload",
    )
    # When the navigator was last set or cleared: "assigned since" in a caseload, "in the queue
    # since" when cleared (none yet: waiting since the intake, see selectors.participant_list).
    navigator_since = models.DateTimeField(
        _("with the navigator or in the queue since"), null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # The lifecycle (services.participant_deactivate / participant_anonymize): a deactivated
    # person cannot sign in and drops out of lists; an anonymized one has no identity left.
    deactivated_at = models.DateTimeField(_("deactivated at"), null=True, blank=True)
    deactivated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    deactivation_reason = models.CharField(
        _("reason for deactivation"), max_length=300, blank=True, validators=[single_line]
    )
    anonymized_at = models.DateTimeField(_("anonymized at"), null=True, blank=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name", "pk"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["wioa_id"], condition=~Q(wioa_id=""), name="participants_participant_wioa_id_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.user.display_name

    @property
    def barriers(self) -> list[str]:
        names = [
            str(self._meta.get_field(f).verbose_name)
            for f in ("barrier_transportation", "barrier_childcare", "barrier_technology", "barrier_finances")
            if getattr(self, f)
        ]
        if self.barrier_other:
            names.append(self.barrier_other)
        return names


class CaseNote(models.Model):
    """A navigator's note on a participant: seen by navigators of the organization and grant staff only."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="case_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("note"), max_length=5000)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")

    def __str__(self) -> str:
        return f"Note on {self.participant_id} by {self.author_id}"


class SupportType(models.TextChoices):
    BUS_FARE = "bus_fare", _("Bus fare")
    GAS_CARD = "gas_card", _("Gas card")
    DAYCARE = "daycare", _("Daycare")
    TECHNOLOGY = "technology", _("Technology")
    PRE_TRAINING = "pre_training", _("Pre-training")
    OTHER = "other", _("Other")


# The names the reference budget lines were created with (migration 0004), by code.
BUDGET_LINE_NAMES = {
    "transportation": gettext_noop("Supportive services: transportation"),
    "childcare": gettext_noop("Supportive services: childcare"),
    "technology": gettext_noop("Supportive services: technology"),
    "pre-training": gettext_noop("Supportive services: pre-training"),
    "other-support": gettext_noop("Supportive services: other"),
}


class BudgetLine(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200, validators=[single_line])
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the reader's language (as stored, once someone renamed it)."""
        return reference_text(self.name, BUDGET_LINE_NAMES.get(self.code))


def _receipt_path(instance, filename: str) -> str:
    return f"receipts/{instance.participant_id}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class SupportItem(models.Model):
    """One wraparound support given to a participant: a line of the support ledger.

    An item above MTW_SUPPORT_APPROVAL_THRESHOLD waits for a second person's approval and
    does not count in any total until it has it.
    """

    class State(models.TextChoices):
        AWAITING_APPROVAL = "awaiting_approval", _("Waiting for a second approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="support_items")
    type = models.CharField(_("type"), max_length=20, choices=SupportType.choices)
    amount = models.DecimalField(_("amount (USD)"), max_digits=9, decimal_places=2)
    given_on = models.DateField(_("date given"), validators=[validate_event_date])
    budget_line = models.ForeignKey(BudgetLine, verbose_name=_("budget line"), on_delete=models.PROTECT)
    description = models.CharField(_("description"), max_length=300, blank=True, validators=[single_line])
    receipt = models.FileField(_("receipt"), upload_to=_receipt_path, blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.APPROVED, db_index=True)
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    logged_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("reason"), blank=True, max_length=2000)
    request = models.OneToOneField(
        "SupportRequest", on_delete=models.SET_NULL, null=True, blank=True, related_name="item"
    )

    class Meta:
        ordering = ["-given_on", "-pk"]
        verbose_name = _("support item")
        verbose_name_plural = _("support items")
        # The ledger reads its page newest first in this order; the awaiting list filters on state.
        indexes = [
            models.Index(fields=["-given_on", "-id"], name="supportitem_ledger_order"),
            models.Index(fields=["state", "-given_on"], name="supportitem_state_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="participants_supportitem_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} ${self.amount} ({self.given_on})"


def _pending_receipt_path(instance, filename: str) -> str:
    return f"pending/{instance.token}{Path(filename).suffix.lower()}"


class PendingReceipt(models.Model):
    """A receipt chosen on a support form that came back with errors, kept for a day so that the
    next post of the same form attaches it (a browser never sends a file back). Only the person
    who chose it can use it; a nightly job deletes the expired ones and their files."""

    LIFETIME = timedelta(days=1)
    SIGNING_SALT = "participants.pending_receipt"

    token = models.CharField(max_length=64, unique=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    file = models.FileField(upload_to=_pending_receipt_path)
    original_name = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.original_name


class SupportRequest(models.Model):
    """A participant asking for support; a navigator approves (logging the item) or declines.

    An approval above the approval threshold leaves the request waiting for a second approval
    (its item's decision settles it: approved, or declined with the reason)."""

    class State(models.TextChoices):
        OPEN = "open", _("Waiting for a navigator")
        AWAITING_APPROVAL = "awaiting_approval", _("Waiting for a second approval")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="support_requests")
    type = models.CharField(_("what you need"), max_length=20, choices=SupportType.choices)
    amount = models.DecimalField(
        _("about how much (USD), if you know"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
    )
    details = models.TextField(_("tell us more"), max_length=2000)
    state = models.CharField(max_length=20, choices=State.choices, default=State.OPEN, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("note to the participant"), blank=True, max_length=2000)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("support request")
        verbose_name_plural = _("support requests")

    def __str__(self) -> str:
        return f"{self.get_type_display()} request ({self.get_state_display()})"
