from django import forms
from django.utils.translation import gettext_lazy as _

from participants.models import BudgetLine, CommunityOrganization, Participant, SupportRequest


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class IntakeForm(forms.ModelForm):
    """The participant's profile: who they are and what stands in their way."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    zip_code = forms.RegexField(
        label=_("ZIP code"),
        regex=r"^\d{5}(-\d{4})?$",
        error_messages={"invalid": _("Enter a 5-digit ZIP code, like 33127.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    phone = forms.RegexField(
        label=_("Phone"),
        regex=r"^[0-9+()\-. ]{7,20}$",
        required=False,
        error_messages={"invalid": _("Enter a phone number, like 305-555-0100.")},
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    organization = forms.ModelChoiceField(
        label=_("Which community organization would you like to help you?"),
        queryset=CommunityOrganization.objects.all(),
        empty_label=_("Let Miami Tech Works choose"),
        required=False,
    )
    consent_to_share = forms.BooleanField(
        label=_(
            "I agree that Miami Tech Works may share my information with its coalition partners "
            "(training providers, employers and community organizations) to help me train and find work."
        ),
        required=False,
    )

    class Meta:
        model = Participant
        fields = [
            "phone",
            "preferred_language",
            "zip_code",
            "date_of_birth",
            "employment_status",
            "education",
            "ethnicity",
            "race",
            "gender",
            "veteran",
            "disability",
            "barrier_transportation",
            "barrier_childcare",
            "barrier_technology",
            "barrier_finances",
            "barrier_other",
            "organization",
            "consent_to_share",
        ]
        widgets = {"date_of_birth": DateInput()}
        labels = {
            "barrier_transportation": _("Getting to class (transportation)"),
            "barrier_childcare": _("Childcare"),
            "barrier_technology": _("A computer or internet at home"),
            "barrier_finances": _("Money for bills while I train"),
            "barrier_other": _("Something else (optional)"),
            "employment_status": _("Are you working now?"),
            "education": _("Highest education completed"),
        }
        help_texts = {
            "ethnicity": _("Optional. We ask so we can see whether the program serves everyone fairly."),
        }

    field_order = ["first_name", "last_name", "phone", "preferred_language", "zip_code", "date_of_birth"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["first_name"].initial = user.first_name
            self.fields["last_name"].initial = user.last_name
        self.fields["date_of_birth"].required = True
        for name in (
            "employment_status",
            "education",
            "ethnicity",
            "race",
            "gender",
            "veteran",
            "disability",
        ):
            self.fields[name].required = True


class SupportRequestForm(forms.ModelForm):
    class Meta:
        model = SupportRequest
        fields = ["type", "amount", "details"]
        widgets = {"details": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].widget.attrs.update({"inputmode": "decimal", "min": "0.01", "step": "0.01"})


class BudgetLineChoiceField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        super().__init__(queryset=BudgetLine.objects.filter(is_active=True), label=_("Budget line"), **kwargs)
