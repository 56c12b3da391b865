"""Forms of placements, the good-job standard and retention checks: the shape of the input only.
The business rules (the judgement, who may record, the one-year limit) live in the services."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from employers.models import BENEFITS, Kind
from mtw_portal import access
from mtw_portal.core.forms import DateInput, EventDateField, SingleLineCharField
from placements import selectors
from placements.models import GoodJobStandard, Placement, RetentionCheck


class PlacementFilterForm(forms.Form):
    GOOD_CHOICES = [("", _("Any")), ("yes", _("Good jobs")), ("no", _("Not good jobs"))]

    good = forms.ChoiceField(label=_("Good job"), choices=GOOD_CHOICES, required=False)
    near_miss = forms.BooleanField(label=_("Near misses only (failed exactly one test)"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("Any kind")), *Kind.choices], required=False)
    employer = forms.ModelChoiceField(
        label=_("Employer"), queryset=None, required=False, empty_label=_("Any employer")
    )

    def __init__(self, *args, employers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = employers


class PlacementForm(forms.Form):
    """Record or correct a placement. ``participant``: fixed (from the participant's page, or an
    edit); otherwise chosen by email among the participants ``user`` may see."""

    participant_email = forms.EmailField(
        label=_("Participant's email"),
        help_text=_("The email address of a participant of your organization."),
    )
    employer = forms.ModelChoiceField(
        label=_("Employer"), queryset=None, required=False, empty_label=_("— not in the list —")
    )
    new_employer = SingleLineCharField(
        label=_("…or a new employer's name"),
        max_length=200,
        required=False,
        help_text=_("If the employer is not in the list, type its name: it will be added."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    title = SingleLineCharField(label=_("Job title"), max_length=200)
    start_date = EventDateField(label=_("Start date"), widget=DateInput())
    end_date = EventDateField(
        label=_("End date"), required=False, widget=DateInput(), help_text=_("Empty while it lasts.")
    )
    hourly_wage = forms.DecimalField(
        label=_("Hourly wage (USD)"), max_digits=7, decimal_places=2, min_value=Decimal("0.01")
    )
    hours_per_week = forms.DecimalField(
        label=_("Hours per week"),
        max_digits=4,
        decimal_places=1,
        min_value=Decimal("0.5"),
        max_value=Decimal("80"),
    )
    advancement_path = forms.CharField(
        label=_("Path to advance"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("How someone in this role can grow: promotion track, training, raises. Empty for none."),
    )
    in_field_of_training = forms.BooleanField(
        label=_("In the participant's field of training"), required=False
    )

    def __init__(self, *args, user, participant=None, placement: Placement | None = None, **kwargs):
        if placement is not None:
            kwargs.setdefault("initial", placement_initial(placement))
        super().__init__(*args, **kwargs)
        self.user = user
        self.participant = participant if placement is None else placement.participant
        if self.participant is not None:
            del self.fields["participant_email"]
        self.fields["employer"].queryset = selectors.employer_choices()
        for key, label in BENEFITS:
            self.fields[f"benefit_{key}"] = forms.BooleanField(label=label, required=False)

    def clean_participant_email(self):
        email = self.cleaned_data["participant_email"].strip()
        participant = (
            access.participants_supported_by(self.user)
            .select_related("user")
            .filter(user__email__iexact=email)
            .first()
        )
        if participant is None:
            raise forms.ValidationError(_("None of the participants you work with has this email address."))
        return participant

    def clean(self):
        data = super().clean()
        employer, new_name = data.get("employer"), " ".join(data.get("new_employer", "").split())
        if employer is None and not new_name:
            self.add_error("employer", _("Choose the employer, or type a new employer's name."))
        elif employer is not None and new_name:
            self.add_error(
                "new_employer", _("Choose an employer from the list or type a new name, not both.")
            )
        data["new_employer"] = new_name
        if self.participant is not None:
            data["participant"] = self.participant
        elif "participant_email" in data:
            data["participant"] = data.pop("participant_email")
        return data

    def service_arguments(self) -> dict:
        """What ``services.placement_record`` takes, from the cleaned data."""
        data = dict(self.cleaned_data)
        data["employer_name"] = data.pop("new_employer")
        data.pop("participant_email", None)
        return data


def placement_initial(placement: Placement) -> dict:
    initial = {
        name: getattr(placement, name)
        for name in (
            "employer",
            "kind",
            "title",
            "start_date",
            "end_date",
            "hourly_wage",
            "hours_per_week",
            "advancement_path",
            "in_field_of_training",
        )
    }
    for key, _label in BENEFITS:
        initial[f"benefit_{key}"] = getattr(placement, f"benefit_{key}")
    return initial


class GoodJobStandardForm(forms.ModelForm):
    class Meta:
        model = GoodJobStandard
        fields = [
            "effective_from",
            "min_hourly_wage",
            "min_hours_per_week",
            "health_benefits_required",
            "advancement_required",
            "source",
        ]
        widgets = {"effective_from": DateInput(), "source": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "effective_from": _("Placements starting on or after this date are judged against this version."),
            "source": _("Where the figures come from (e.g. the BLS wage survey and year). Required."),
        }

    def validate_unique(self):
        """The service says when a version already starts on that date."""


class RetentionRecordForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=RetentionCheck.Outcome.choices)
    evidence = forms.ChoiceField(label=_("Evidence"), choices=RetentionCheck.Evidence.choices)
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, employer: bool = False, **kwargs):
        """``employer``: the outcome only, as through the emailed link (the evidence is the
        employer's confirmation; a note is the navigators' and grant staff's)."""
        super().__init__(*args, **kwargs)
        if employer:
            del self.fields["evidence"], self.fields["note"]


class HireForm(forms.ModelForm):
    """A hire's placement: prefilled from the opportunity, corrected to what was agreed."""

    class Meta:
        model = Placement
        fields = [
            "title",
            "start_date",
            "end_date",
            "hourly_wage",
            "hours_per_week",
            "benefit_health",
            "benefit_dental_vision",
            "benefit_paid_time_off",
            "benefit_retirement",
            "benefit_tuition",
            "advancement_path",
            "in_field_of_training",
        ]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "advancement_path": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"end_date": _("Only for a placement with a set end, like an internship.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hourly_wage"].required = True

    def _post_clean(self):
        pass  # the service records and judges the placement


class FunnelFilterForm(forms.Form):
    """The hiring funnel's period: applications received in the last 30, 90 or 365 days, or all."""

    PERIODS = {"30": 30, "90": 90, "365": 365, "all": None}

    period = forms.ChoiceField(
        label=_("Applications received"),
        choices=[
            ("all", _("At any time")),
            ("30", _("In the last 30 days")),
            ("90", _("In the last 90 days")),
            ("365", _("In the last 365 days")),
        ],
        required=False,
    )

    def clean_period(self) -> str:
        return self.cleaned_data["period"] or "all"

    @property
    def days(self) -> int | None:
        """The period in days; ``None`` for all time, and for a period that is not in the list."""
        if not self.is_valid():
            return None
        return self.PERIODS[self.cleaned_data["period"]]
