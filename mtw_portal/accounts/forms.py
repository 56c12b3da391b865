from django import forms
from django.utils.translation import gettext_lazy as _

from employers.models import Employer
from mtw_portal.accounts.models import ROLE_ORGANIZATION, Role
from mtw_portal.core.forms import SingleLineCharField
from participants.models import CommunityOrganization
from programs.models import Provider


class PeopleFilterForm(forms.Form):
    q = SingleLineCharField(label=_("Search by name or email"), required=False, max_length=200)
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("All roles")), *Role.choices])


class RoleGrantForm(forms.Form):
    """A role, and for navigators, provider staff and employer members, their organization."""

    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    community_organization = forms.ModelChoiceField(
        label=_("Community organization (navigators)"),
        queryset=CommunityOrganization.objects.all(),
        required=False,
    )
    provider = forms.ModelChoiceField(
        label=_("Training provider (provider staff)"), queryset=Provider.objects.all(), required=False
    )
    employer = forms.ModelChoiceField(
        label=_("Employer (employer members)"), queryset=Employer.objects.all(), required=False
    )

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        wanted = ROLE_ORGANIZATION.get(role)
        for field in ROLE_ORGANIZATION.values():
            if field != wanted and cleaned.get(field):
                self.add_error(field, _("Leave this empty for the role you chose."))
        if wanted and not cleaned.get(wanted):
            self.add_error(wanted, _("Choose the organization this person works for."))
        cleaned["organization"] = cleaned.get(wanted) if wanted else None
        return cleaned


class InviteForm(RoleGrantForm):
    email = forms.EmailField(label=_("Email address"))
    first_name = SingleLineCharField(label=_("First name"), max_length=150)
    last_name = SingleLineCharField(label=_("Last name"), max_length=150)

    field_order = ["email", "first_name", "last_name", "role"]
