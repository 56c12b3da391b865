"""Forms of the outcomes app: the grant's targets and end date."""

from django import forms
from django.utils.translation import gettext_lazy as _

from mtw_portal.core.forms import EventDateField


class GrantTargetsForm(forms.Form):
    target_trained = forms.IntegerField(label=_("Target: people trained"), min_value=1, max_value=1_000_000)
    target_placed_good_jobs = forms.IntegerField(
        label=_("Target: people placed in good jobs"), min_value=1, max_value=1_000_000
    )
    grant_end_date = EventDateField(
        label=_("Grant end date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
