from django import forms
from django.utils.translation import gettext as _

from mtw_portal.notifications.models import Kind


class PreferencesForm(forms.Form):
    """Per kind the person hears about: email on or off, text message on or off (when offered);
    for navigators and employers, one daily email instead of one per event."""

    def __init__(self, *args, preferences: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = list(preferences["kinds"])
        for kind, values in preferences["kinds"].items():
            label = Kind(kind).label
            self.fields[f"email_{kind}"] = forms.BooleanField(
                label=_("%(kind)s: email me") % {"kind": label}, required=False, initial=values["email"]
            )
            if preferences["sms_offered"]:
                self.fields[f"sms_{kind}"] = forms.BooleanField(
                    label=_("%(kind)s: text me") % {"kind": label}, required=False, initial=values["sms"]
                )
        if preferences["digest_offered"]:
            self.fields["daily_digest"] = forms.BooleanField(
                label=_("Send me one email a day listing what is new, instead of one email per event"),
                required=False,
                initial=preferences["daily_digest"],
            )

    def choices(self) -> dict[str, dict[str, bool]]:
        return {
            kind: {
                "email": self.cleaned_data.get(f"email_{kind}", False),
                "sms": self.cleaned_data.get(f"sms_{kind}", True) if f"sms_{kind}" in self.fields else True,
            }
            for kind in self.kinds
        }
