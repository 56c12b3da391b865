from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from mtw_portal.core.forms import DateInput, EventDateField, IdMultipleChoiceField, SingleLineCharField
from participants.models import (
    BudgetLine,
    CommunityOrganization,
    Navigator,
    Participant,
    SupportRequest,
    SupportType,
)
from participants.selectors import navigator_list, participant_list
from participants.services import INTAKE_FIELDS
from programs.selectors import cohorts_open_for_enrollment


class IntakeForm(forms.ModelForm):
    """The participant's profile: who they are and what stands in their way."""

    first_name = SingleLineCharField(label=_("First name"), max_length=150)
    last_name = SingleLineCharField(label=_("Last name"), max_length=150)
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
            "Yes, share my contact details with my training providers "
            "and my training with employers I apply to."
        ),
        help_text=_(
            "Your navigator's organization and Miami Tech Works staff always see your profile, whatever you "
            "choose. If you say yes: a training provider where you applied, or where you or your navigator "
            "agreed to be enrolled, also sees your phone, ZIP code, preferred language and your navigator's "
            "name; an employer you apply to also sees your training and credentials. If you say no: the "
            "provider sees only your name, email and your training with them; the employer only what you "
            "send with your application. Nobody outside Miami Tech Works and your navigator's organization "
            "ever sees your date of birth, race, ethnicity, gender, disability, veteran status, barriers, "
            "support or case notes. You can change your answer here at any time; it applies at once."
        ),
        required=False,
    )
    wioa_coenrolled = forms.BooleanField(
        label=_("I am also served by CareerSource South Florida (the local workforce board)."),
        required=False,
    )
    wioa_consent = forms.BooleanField(
        label=_("Yes, share my record with CareerSource South Florida."),
        help_text=_(
            "This is a separate choice from sharing with coalition partners. If you say yes, Miami Tech "
            "Works staff send the board, in its federal reporting format: a code that stands for you (not "
            "your name or Social Security number), your state and ZIP code, date of birth, sex, race, "
            "ethnicity, disability and veteran answers, employment and education at intake, your training "
            "and credentials, and your jobs and estimated wages after training. You can withdraw at any "
            "time; you are then left out of the next file sent."
        ),
        required=False,
    )

    class Meta:
        model = Participant
        fields = list(INTAKE_FIELDS)
        widgets = {"date_of_birth": DateInput()}
        labels = {
            "barrier_transportation": _("Getting to class (transportation)"),
            "barrier_childcare": _("Childcare"),
            "barrier_technology": _("A computer or internet at home"),
            "barrier_finances": _("Money for bills while I train"),
            "barrier_other": _("Something else (optional)"),
            "employment_status": _("Are you working now?"),
            "education": _("Highest education completed"),
            "sms_opt_in": _(
                "Text me on this phone when something about my applications, training or support changes"
            ),
        }
        # These questions need an answer (the funder's equity tables count them), and "Prefer not to
        # say" is always one: the help texts say so, never "Optional" next to a required asterisk.
        help_texts = {
            "sms_opt_in": _(
                "A mobile number is needed. You can choose which texts you get in Notification settings."
            ),
            "ethnicity": _(
                "Choose “Prefer not to say” if you would rather not answer. We ask so we can see "
                "whether the program serves everyone fairly."
            ),
            "race": _("Choose “Prefer not to say” if you would rather not answer."),
            "gender": _("Choose “Prefer not to say” if you would rather not answer."),
            "veteran": _("Choose “Prefer not to say” if you would rather not answer."),
            "disability": _("Choose “Prefer not to say” if you would rather not answer."),
        }

    field_order = [
        "first_name",
        "last_name",
        "phone",
        "sms_opt_in",
        "preferred_language",
        "zip_code",
        "date_of_birth",
    ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["first_name"].initial = user.first_name
            self.fields["last_name"].initial = user.last_name
            if user.language:  # chosen since (the language switcher): the profile shows it
                self.initial["preferred_language"] = user.language
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


# --- Navigators' pages ------------------------------------------------------------------


class CaseloadSearchForm(forms.Form):
    q = SingleLineCharField(
        label=_("Search by name, email or ZIP code"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class CaseNoteForm(forms.Form):
    body = forms.CharField(
        label=_("New case note"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only navigators of the organization and grant staff can read case notes."),
    )


class NavigatorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.user.display_name} ({obj.organization.name})"


class StaffAssignForm(forms.Form):
    """Grant staff put a participant with a navigator, in another organization, or back in the queue."""

    organization = forms.ModelChoiceField(
        label=_("Community organization"),
        queryset=CommunityOrganization.objects.all(),
        required=False,
        empty_label=_("Keep the current organization"),
    )
    navigator = NavigatorChoiceField(
        label=_("Navigator"),
        queryset=Navigator.objects.none(),
        required=False,
        empty_label=_("Nobody yet: the organization's queue"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["navigator"].queryset = navigator_list()


class BulkAssignForm(forms.Form):
    """People from the queue, ticked on the caseload page, for one navigator: grant staff choose
    the navigator; a navigator takes them into their own caseload (no navigator field)."""

    people = IdMultipleChoiceField(
        label=_("People to assign"),
        queryset=Participant.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one person."),
            "invalid_choice": _("Someone you chose is no longer waiting in your queue. Reload the page."),
            "invalid_pk_value": _("Someone you chose is no longer waiting in your queue. Reload the page."),
        },
    )
    navigator = NavigatorChoiceField(label=_("Navigator"), queryset=Navigator.objects.none())

    def __init__(self, *args, viewer, staff: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = participant_list(viewer=viewer, scope="queue")
        if staff:
            self.fields["navigator"].queryset = navigator_list()
        else:
            del self.fields["navigator"]


class AmountField(forms.DecimalField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Amount (US dollars)"))
        super().__init__(max_digits=9, decimal_places=2, **kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "step": "0.01", "min": "0.01"})


class ReceiptField(forms.FileField):
    def __init__(self, **kwargs):
        super().__init__(
            label=_("Receipt (optional)"),
            required=False,
            widget=forms.FileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
            **kwargs,
        )


class PendingReceiptField(forms.CharField):
    """The signed token of a receipt kept when the form last came back with errors."""

    def __init__(self, **kwargs):
        super().__init__(required=False, widget=forms.HiddenInput, max_length=200, **kwargs)


def receipt_kept(form: forms.Form, *, name: str, signed: str) -> None:
    """Show the form again with its kept receipt: the token in the hidden field, and the file's
    name on the receipt field (a browser never sends a file back, so it is not chosen again)."""
    form.data = form.data.copy()
    form.data[form.add_prefix("pending_receipt")] = signed
    help_text = _("“%(name)s” is kept; choose another file to replace it.") % {"name": name}
    # The bound field, made while the form was cleaned, holds its own copy of the help text.
    form.fields["receipt"].help_text = form["receipt"].help_text = help_text


def _set_limits_help(form: forms.Form) -> None:
    """Help texts that quote the configured limits, in the request's language."""
    form.fields["amount"].help_text = _(
        "At most $%(cap)s. Above $%(threshold)s, a second person must approve before it counts."
    ) % {
        "cap": f"{settings.MTW_SUPPORT_ITEM_CAP:,.2f}",
        "threshold": f"{settings.MTW_SUPPORT_APPROVAL_THRESHOLD:,.2f}",
    }
    form.fields["receipt"].help_text = _("A PDF, PNG or JPEG file of at most %(mb)s MB.") % {
        "mb": settings.MTW_RECEIPT_MAX_MB
    }


class SupportItemForm(forms.Form):
    """Support given: the shape of the input. Caps, dates and approval are the service's rules."""

    type = forms.ChoiceField(label=_("Type of support"), choices=SupportType.choices)
    amount = AmountField()
    given_on = EventDateField(label=_("Date given"), widget=DateInput(), initial=timezone.localdate)
    budget_line = BudgetLineChoiceField()
    description = SingleLineCharField(label=_("Description (optional)"), max_length=300, required=False)
    receipt = ReceiptField()
    pending_receipt = PendingReceiptField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _set_limits_help(self)


class SupportRequestApproveForm(forms.Form):
    amount = AmountField()
    given_on = EventDateField(label=_("Date given"), widget=DateInput(), initial=timezone.localdate)
    budget_line = BudgetLineChoiceField()
    note = forms.CharField(
        label=_("Note to the participant (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    receipt = ReceiptField()
    pending_receipt = PendingReceiptField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _set_limits_help(self)


class SupportRequestDeclineForm(forms.Form):
    note = forms.CharField(
        label=_("Why the request is declined (the participant will see this)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SupportItemDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    # A rejection's reason (the service requires it): the participant reads it.
    note = forms.CharField(
        label=_("Why the support is rejected (the participant will see this)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CohortChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return _("%(program)s · %(provider)s · starts %(start)s · %(taken)s of %(seats)s seats taken") % {
            "program": obj.program.name,
            "provider": obj.program.provider.name,
            "start": date_format(obj.start_date, "SHORT_DATE_FORMAT"),
            "taken": getattr(obj, "taken", "?"),
            "seats": obj.seats,
        }


class EnrollForm(forms.Form):
    cohort = CohortChoiceField(label=_("Cohort"), queryset=None)  # set in __init__
    note = SingleLineCharField(label=_("Note for the provider (optional)"), max_length=2000, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = cohorts_open_for_enrollment()


class DeactivateForm(forms.Form):
    reason = SingleLineCharField(
        label=_("Why is this participant deactivated?"),
        max_length=300,
        help_text=_(
            "Kept with the record until it is anonymized. Do not write health or other sensitive details."
        ),
    )


class AnonymizeForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that the person's identity is removed for good and cannot be restored."),
        required=True,
    )
