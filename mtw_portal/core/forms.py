from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _


def apply_validation_error(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its fields where it names them."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            target = field if field in form.fields else NON_FIELD_ERRORS
            for message in errors:
                form.add_error(None if target == NON_FIELD_ERRORS else target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


class ImportFileForm(forms.Form):
    """A spreadsheet to import (the shape only: the importer checks the rows)."""

    file = forms.FileField(label=_("Spreadsheet (CSV or Excel .xlsx)"))

    def __init__(self, *args, columns: tuple[str, ...], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "A CSV file (UTF-8) or an Excel workbook (.xlsx) of at most %(mb)s MB, "
            "whose first row has the columns %(columns)s"
        ) % {"mb": settings.MTW_IMPORT_MAX_MB, "columns": ", ".join(columns)}
        self.fields["file"].widget.attrs["accept"] = (
            ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.MTW_IMPORT_MAX_MB * 1024 * 1024:
            raise ValidationError(
                _("The file is larger than %(mb)s MB.") % {"mb": settings.MTW_IMPORT_MAX_MB}
            )
        return upload


class GrantTargetsForm(forms.Form):
    target_trained = forms.IntegerField(label=_("Target: people trained"), min_value=1, max_value=1_000_000)
    target_placed_good_jobs = forms.IntegerField(
        label=_("Target: people placed in good jobs"), min_value=1, max_value=1_000_000
    )
    grant_end_date = forms.DateField(
        label=_("Grant end date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def id_param(value) -> int:
    """A record id from a query or form parameter; 0 (which matches nothing, so 404) when it is not one."""
    value = str(value or "")
    return int(value) if value.isdigit() else 0
