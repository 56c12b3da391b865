from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from mtw_portal.core.forms import DateInput, EventDateField, SingleLineCharField
from programs.models import (
    Cohort,
    CompletionFollowUp,
    CredentialType,
    Program,
    Provider,
    WithdrawalReason,
)


class CatalogueFilterForm(forms.Form):
    provider = forms.ModelChoiceField(
        label=_("Provider"),
        queryset=Provider.objects.filter(is_active=True),
        required=False,
        empty_label=_("All providers"),
    )
    format = forms.ChoiceField(
        label=_("Format"), choices=[("", _("Any format")), *Program.Format.choices], required=False
    )
    schedule = forms.ChoiceField(
        label=_("Schedule"), choices=[("", _("Any schedule")), *Program.Schedule.choices], required=False
    )
    starts_after = EventDateField(label=_("Starting on or after"), required=False, widget=DateInput())


class ProgramForm(forms.ModelForm):
    skills = SingleLineCharField(
        label=_("Skills taught"),
        required=False,
        max_length=1000,
        help_text=_("Separate skills with commas, for example: Python, SQL, Git."),
    )

    class Meta:
        model = Program
        fields = [
            "name",
            "description",
            "format",
            "schedule",
            "length_weeks",
            "tuition",
            "credential_type",
            "credential_name",
            "is_active",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["skills"].initial = ", ".join(s.name for s in self.instance.skills.all())

    def clean_skills(self):
        return [s.strip() for s in self.cleaned_data["skills"].split(",") if s.strip()]


class CohortForm(forms.ModelForm):
    class Meta:
        model = Cohort
        fields = ["start_date", "end_date", "seats"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["end_date"].required = True


class EndDateMixin(forms.Form):
    end_date = EventDateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)


class CompleteForm(EndDateMixin):
    credential_type = forms.ChoiceField(
        label=_("Credential earned"),
        choices=[("", _("No credential")), *CredentialType.choices],
        required=False,
    )
    credential_name = SingleLineCharField(label=_("Credential name"), max_length=200, required=False)
    credential_issuer = SingleLineCharField(
        label=_("Issued by"), max_length=200, required=False, help_text=_("Leave empty for the provider.")
    )
    credential_date = EventDateField(
        label=_("Date awarded"),
        widget=DateInput(),
        required=False,
        help_text=_("Leave empty for the completion date."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("credential_type") and not cleaned.get("credential_name"):
            self.add_error("credential_name", _("Give the credential's name."))
        if cleaned.get("credential_name") and not cleaned.get("credential_type"):
            self.add_error("credential_type", _("Choose the credential type."))
        return cleaned


class WithdrawForm(EndDateMixin):
    reason = forms.ChoiceField(label=_("Reason"), choices=WithdrawalReason.choices)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class NotAdmitForm(forms.Form):
    note = forms.CharField(
        label=_("Why (the person reads it)"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CompletionFollowUpForm(forms.Form):
    """What became of someone six months after completing training (navigators, grant staff)."""

    enrollment = forms.ModelChoiceField(label=_("Completed training"), queryset=None)
    status = forms.ChoiceField(label=_("Status six months after completion"))
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, enrollments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrollment"].queryset = enrollments
        self.fields["enrollment"].label_from_instance = lambda e: (
            _("%(program)s (%(provider)s), completed %(date)s")
            % {
                "program": e.cohort.program.name,
                "provider": e.cohort.program.provider.name,
                "date": date_format(e.end_date, "SHORT_DATE_FORMAT") if e.end_date else "—",
            }
        )
        self.fields["status"].choices = [("", "---------"), *CompletionFollowUp.Status.choices]
