from django import forms
from django.utils.translation import gettext_lazy as _

from employers.models import Employer, EmployerAccountRequest


class EmployerAccountRequestForm(forms.ModelForm):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https", max_length=200)

    class Meta:
        model = EmployerAccountRequest
        fields = [
            "organization_name",
            "website",
            "industry",
            "first_name",
            "last_name",
            "email",
            "phone",
            "message",
        ]
        widgets = {"message": forms.Textarea(attrs={"rows": 4})}


class DecisionForm(forms.Form):
    APPROVE, DECLINE = "approve", "decline"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(APPROVE, _("Approve")), (DECLINE, _("Decline"))],
        widget=forms.RadioSelect,
    )
    employer = forms.ModelChoiceField(
        label=_("Link to an existing employer"),
        help_text=_("Leave empty to create a new employer with the requested name."),
        queryset=Employer.objects.all(),
        required=False,
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when declining."),
    )
