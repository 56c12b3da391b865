from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from mtw_portal.audit.models import ReadKind
from mtw_portal.core.forms import EventDateField, SingleLineCharField

EARLIEST = dt.date(2020, 1, 1)
DATE = forms.DateInput(attrs={"type": "date"})


class AuditFilterForm(forms.Form):
    participant = SingleLineCharField(
        label=_("Participant (number or email)"), required=False, max_length=254, strip=True
    )
    user = SingleLineCharField(
        label=_("Who (user number or email)"), required=False, max_length=254, strip=True
    )
    kind = forms.ChoiceField(
        label=_("What was seen"), required=False, choices=[("", _("Everything")), *ReadKind.choices]
    )
    # EventDateField refuses year 1 or 9999 before clean() narrows the range to 2020..today.
    date_from = EventDateField(label=_("From"), required=False, widget=DATE)
    date_to = EventDateField(label=_("To"), required=False, widget=DATE)

    def clean(self):
        cleaned = super().clean()
        for name in ("date_from", "date_to"):
            value = cleaned.get(name)
            if value and not EARLIEST <= value <= dt.date.today() + dt.timedelta(days=1):
                self.add_error(name, _("Choose a date between 2020 and today."))
        if cleaned.get("date_from") and cleaned.get("date_to") and cleaned["date_from"] > cleaned["date_to"]:
            self.add_error("date_to", _("The end date must come after the start date."))
        return cleaned
