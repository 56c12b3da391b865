"""Writes of the reports app: submitting a quarter's funder report, which freezes it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from reports.models import FunderReport
from reports.quarterly import funder_report_data


def funder_report_submit(*, quarter, by):
    """Compute ``quarter``'s funder report and store it, frozen: it is never computed again.

    Only a quarter that has ended, and only once. The report's corrections (to reports submitted
    for earlier quarters) are frozen with it.
    """
    today = timezone.localdate()
    if quarter.end >= today:
        raise ValidationError(
            _("The quarter %(quarter)s has not ended yet: it can be submitted from %(date)s.")
            % {"quarter": quarter.label, "date": date_format(quarter.next().start, "DATE_FORMAT")}
        )
    if FunderReport.objects.filter(year=quarter.year, quarter=quarter.number).exists():
        raise _already_submitted(quarter)
    report = FunderReport(
        year=quarter.year,
        quarter=quarter.number,
        data=funder_report_data(quarter, today=today),
        submitted_by=by,
        submitted_at=timezone.now(),
    )
    report.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:  # submitted by someone else in the meantime
        raise _already_submitted(quarter) from None
    return report


def _already_submitted(quarter) -> ValidationError:
    return ValidationError(
        _("The report for %(quarter)s was already submitted; it cannot be changed.")
        % {"quarter": quarter.label}
    )
