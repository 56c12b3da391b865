from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from employers.models import Employer, EmployerAccountRequest, EmployerMember, Kind, MentorOffer, Opportunity
from mtw_portal.core.forms import DateInput, SingleLineCharField


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


# --- Hiring ---------------------------------------------------------------------------------


class BoardFilterForm(forms.Form):
    q = SingleLineCharField(
        label=_("Skill or keyword"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Python, data, Miami…")}),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("Any kind")), *Kind.choices], required=False)
    employer = forms.ModelChoiceField(
        label=_("Employer"), queryset=Employer.objects.none(), required=False, empty_label=_("Any employer")
    )
    min_wage = forms.DecimalField(
        label=_("Paying at least (USD an hour)"), required=False, min_value=0, max_digits=7, decimal_places=2
    )
    remote = forms.BooleanField(label=_("Remote only"), required=False)

    def __init__(self, *args, employers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if employers is not None:
            self.fields["employer"].queryset = employers


class OpportunityForm(forms.ModelForm):
    skills = SingleLineCharField(
        label=_("Skills wanted"),
        required=False,
        max_length=1000,
        help_text=_("Separate skills with commas, for example: Python, SQL, Git."),
    )

    class Meta:
        model = Opportunity
        fields = [
            "kind",
            "title",
            "description",
            "location",
            "is_remote",
            "hourly_wage",
            "fixed_fee",
            "estimated_hours",
            "hours_per_week",
            "benefit_health",
            "benefit_dental_vision",
            "benefit_paid_time_off",
            "benefit_retirement",
            "benefit_tuition",
            "advancement_path",
            "deadline",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "advancement_path": forms.Textarea(attrs={"rows": 3}),
            "deadline": DateInput(),
        }
        help_texts = {
            "hourly_wage": _("Every opportunity is paid. A micro-internship may pay a fixed fee instead."),
            "location": _("Neighborhood or city. Leave empty for a remote opportunity."),
            "deadline": _("Leave empty to take applications until you close it."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["skills"].initial = ", ".join(s.name for s in self.instance.skills.all())

    def clean_skills(self):
        return [s.strip() for s in self.cleaned_data["skills"].split(",") if s.strip()]

    def _post_clean(self):
        # The service checks the whole opportunity (its pay rules, the paid constraint); the form
        # only checks each field's shape.
        pass


class ApplicationForm(forms.Form):
    note = forms.CharField(
        label=_("A short note to the employer"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why this opportunity, and what you would bring. A few sentences are enough."),
    )
    resume = forms.FileField(
        label=_("Résumé (PDF, optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resume"].help_text = _("A PDF file of at most %(mb)s MB.") % {
            "mb": settings.MTW_RESUME_MAX_MB
        }


class EmployerProfileForm(forms.ModelForm):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https", max_length=200)

    class Meta:
        model = Employer
        fields = ["name", "industry", "size", "website"]

    def _post_clean(self):
        pass  # the service checks the name is free


class ColleagueInviteForm(forms.Form):
    first_name = SingleLineCharField(label=_("First name"), max_length=150)
    last_name = SingleLineCharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("Work email"))
    role = forms.ChoiceField(
        label=_("Role"),
        choices=EmployerMember.Role.choices,
        initial=EmployerMember.Role.RECRUITER,
        help_text=_("Owners can also change the employer's details and invite colleagues."),
    )


class MentorOfferForm(forms.ModelForm):
    class Meta:
        model = MentorOffer
        fields = ["topics", "capacity", "is_active"]
        help_texts = {"topics": _("For example: interview practice, cloud careers, first year on the job.")}

    def _post_clean(self):
        pass  # the service checks the capacity against the current matches


class MentorMatchForm(forms.Form):
    participant = forms.ModelChoiceField(label=_("Participant"), queryset=None)
    offer = forms.ModelChoiceField(label=_("Mentor"), queryset=None)

    def __init__(self, *args, participants, offers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = participants
        self.fields["offer"].queryset = offers
        self.fields["offer"].label_from_instance = lambda offer: (
            _("%(name)s, %(employer)s: %(topics)s (%(left)s of %(capacity)s places left)")
            % {
                "name": offer.member.user.display_name,
                "employer": offer.member.employer.name,
                "topics": offer.topics,
                "left": offer.capacity - offer.active_matches,
                "capacity": offer.capacity,
            }
        )
        self.fields["participant"].label_from_instance = lambda person: (
            f"{person.user.display_name} ({person.user.email})"
        )
