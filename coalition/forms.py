from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from coalition.models import Award, Meeting, Membership, Partner, PilotProject
from mtw_portal.accounts.models import Role
from mtw_portal.core.forms import DateInput, IdMultipleChoiceField


class PartnerForm(forms.ModelForm):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https", max_length=200)

    class Meta:
        model = Partner
        fields = [
            "name",
            "type",
            "employer",
            "provider",
            "community_organization",
            "website",
            "joined_on",
            "is_active",
        ]
        widgets = {"joined_on": DateInput()}
        help_texts = {
            "employer": _("Only for an employer partner."),
            "provider": _("Only for a training provider partner."),
            "community_organization": _("Only for a community organization partner."),
        }


class MembershipForm(forms.Form):
    """Add someone to a working group (or change their role). Participants are not offered."""

    user = forms.ModelChoiceField(label=_("Person"), queryset=None)
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER)
    partner = forms.ModelChoiceField(
        label=_("Representing"), queryset=Partner.objects.filter(is_active=True), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            get_user_model()
            .objects.filter(is_active=True)
            .exclude(role=Role.PARTICIPANT)
            .order_by("last_name", "first_name", "email")
        )
        self.fields["user"].label_from_instance = lambda user: f"{user.display_name} ({user.email})"


class MeetingForm(forms.ModelForm):
    attendees = IdMultipleChoiceField(
        label=_("Who attended"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    extra_attendees = forms.CharField(
        label=_("Other attendees"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("People without an account: one name per line."),
    )

    class Meta:
        model = Meeting
        fields = ["title", "held_on", "location", "notes"]
        widgets = {"held_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, attendee_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = attendee_choices
        self.fields["attendees"].label_from_instance = lambda user: user.display_name
        if self.instance.pk:
            attendances = list(self.instance.attendances.all())
            self.fields["attendees"].initial = [a.user_id for a in attendances if a.user_id]
            self.fields["extra_attendees"].initial = "\n".join(
                a.attendee_name for a in attendances if a.user_id is None
            )

    def clean_extra_attendees(self):
        return [line.strip() for line in self.cleaned_data["extra_attendees"].splitlines() if line.strip()]


class PilotForm(forms.ModelForm):
    class Meta:
        model = PilotProject
        fields = ["title", "description", "lead_partner", "group", "started_on", "ended_on", "status"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "started_on": DateInput(),
            "ended_on": DateInput(),
        }


class AwardForm(forms.ModelForm):
    class Meta:
        model = Award
        fields = ["partner", "title", "amount_usd", "awarded_on", "purpose"]
        widgets = {"awarded_on": DateInput(), "purpose": forms.Textarea(attrs={"rows": 3})}
