"""Forms of the import framework."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


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
